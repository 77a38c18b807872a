"""A reader in real headless Chromium: front page → lead story → Related, on desktop and phone; axe-core checks."""

import re

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from playwright.sync_api import expect

from articles.authors.models import Author
from articles.models import Article
from tests.browser.conftest import built_once
from tests.builders import build_newsroom, record_views, record_votes

pytestmark = [pytest.mark.browser, pytest.mark.site_built_once]

DATE = re.compile(r"Date: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d")


def reader_newsroom():
    room = build_newsroom(count=36, tags_per_article=4, hero=True)
    Article.objects.filter(pk__in=[room.articles[9].pk, room.articles[14].pk]).update(is_editors_pick=True)
    lead = room.articles[0]
    Article.objects.filter(pk=lead.pk).update(
        title="Storm closes schools across the region",
        summary="Heavy rain and wind shut schools in three provinces; officials expect them to reopen on Monday.",
        body=(
            "<p>Schools across the region stayed closed on Thursday as a storm brought heavy rain and strong winds, "
            "officials said.</p><p>Rivers rose through the morning, and several roads near the coast were shut.</p>"
            "<h2>What happens next</h2><p>Forecasters expect the weather to calm by the weekend.</p>"
        ),
    )
    record_views(lead, 1532)
    record_votes(lead, 41, prefix="lead")
    writer = User.objects.create_user("test-writer", password="x" * 12)
    Author.objects.create(user=writer, name="Test Writer", slug="test-writer", bio="Covers the region's weather.")
    Article.objects.update(author=writer)
    cache.clear()
    return room


newsroom = built_once(reader_newsroom)


def test_the_front_page_repeats_no_story(page, newsroom):
    """Issue 22, item 2: before, 56 story links on the demo's front page led to 30 stories."""
    page.goto("/")
    links = page.locator('main a[href^="/news/"]:not([aria-hidden="true"])').evaluate_all(
        "links => links.map(link => link.getAttribute('href'))"
    )
    assert len(links) > 30 and len(links) == len(set(links))


def read_lead_story_and_follow_related(page, room) -> None:
    page.goto("/")
    lead_link = page.locator("article.lead h3 a")
    assert lead_link.inner_text() == "Storm closes schools across the region"
    lead_link.click()

    page.wait_for_url("**/news/story-00/")
    assert page.locator("h1").count() == 1
    assert page.locator("h1").inner_text() == "Storm closes schools across the region"
    breadcrumb = page.get_by_role("navigation", name="Breadcrumb")
    assert " ".join(breadcrumb.inner_text().split()) == "Current: Home > World"
    assert DATE.search(page.locator(".article-meta").inner_text())
    assert page.get_by_text("Rivers rose through the morning").is_visible()
    for heading in ["Related", "Ranking", "Recommendation"]:
        widget = page.get_by_role("region", name=heading)
        assert widget.is_visible(), heading
        assert widget.get_by_role("link").count() > 0, heading

    related = page.get_by_role("region", name="Related").get_by_role("link").first
    title = related.inner_text()
    related.click()
    page.wait_for_url(re.compile(r".*/news/story-\d\d/$"))
    assert page.locator("h1").inner_text() == title
    assert "story-00" not in page.url


def test_reader_follows_lead_story_then_a_related_link_on_desktop(page, newsroom, screenshot):
    page.goto("/")
    assert page.locator("article.lead img").is_visible()
    screenshot(page, "home-desktop")

    read_lead_story_and_follow_related(page, newsroom)

    page.goto(newsroom.articles[0].get_absolute_url())
    article_box = page.locator("article.article").bounding_box()
    sidebar_box = page.locator("aside.sidebar").bounding_box()
    assert sidebar_box["x"] > article_box["x"] + article_box["width"] - 1  # widgets beside the article
    screenshot(page, "article-desktop")


def test_reader_follows_lead_story_then_a_related_link_on_a_phone(phone_page, newsroom, screenshot):
    phone_page.goto("/")
    screenshot(phone_page, "home-phone")

    read_lead_story_and_follow_related(phone_page, newsroom)

    phone_page.goto(newsroom.articles[0].get_absolute_url())
    article_box = phone_page.locator("article.article").bounding_box()
    sidebar_box = phone_page.locator("aside.sidebar").bounding_box()
    assert sidebar_box["y"] >= article_box["y"] + article_box["height"] - 1  # widgets below the article
    no_sideways_scroll = phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert no_sideways_scroll
    screenshot(phone_page, "article-phone")


def test_vote_button_is_keyboard_operable(page, newsroom):
    page.goto(newsroom.articles[0].get_absolute_url())
    button = page.get_by_role("button", name=re.compile(r"^veryGood! \(\d+\)$"))
    button.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="veryGood! (42)")).to_be_visible()
    expect(page.get_by_role("button", name="veryGood! (42)")).to_have_attribute("aria-pressed", "true")


ACCESSIBLE_PAGES = ["/", "/latest/", "/section/world/", "/news/story-00/", "/search/?q=story", "/author/test-writer/",
                    "/no-such-page/"]  # fmt: skip


@pytest.mark.parametrize("viewport", ["page", "phone_page"])
def test_no_accessibility_violations(request, newsroom, axe_violations, viewport):
    """Every page in one browser page per viewport (a new page is 0.3 s of Chromium's CPU before it loads)."""
    browser_page = request.getfixturevalue(viewport)
    found = {}
    for path in ACCESSIBLE_PAGES:
        browser_page.goto(path)
        found[path] = axe_violations(browser_page)

    assert {path: violations for path, violations in found.items() if violations} == {}


def test_the_accessibility_check_does_catch_problems(page, axe_violations, live_server):
    """Guards the check above: a page with known faults must not pass."""
    page.goto("/robots.txt")
    page.set_content('<html><body><img src="x.png"><a href="/"></a></body></html>')

    found = {v["id"] for v in axe_violations(page)}

    assert {"image-alt", "link-name", "html-has-lang"} <= found


def test_focus_is_visible_on_links(page, newsroom):
    page.goto("/")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the site name
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert page.evaluate("document.activeElement.className") == "site-name"
    assert outline == "solid"


@pytest.mark.parametrize(
    ("viewport", "name"), [("page", "readme-article-desktop"), ("phone_page", "readme-article-phone")]
)
def test_article_page_first_screen(request, newsroom, screenshot, viewport, name):
    """What a reader sees first: title, date and the hero image above the fold (`make screenshots` copies these)."""
    browser_page = request.getfixturevalue(viewport)
    browser_page.goto(newsroom.articles[0].get_absolute_url())
    browser_page.wait_for_load_state("networkidle")

    fold = browser_page.viewport_size["height"]
    assert browser_page.locator("h1").bounding_box()["y"] < fold
    hero = browser_page.locator(".hero img")
    assert hero.evaluate("img => img.complete && img.naturalWidth > 0")  # the image really loaded
    assert hero.bounding_box()["y"] < fold
    screenshot(browser_page, name, full_page=False)
