"""Issue 22, items 4 and 9 in real Chromium: a printed story, the dark theme, the phone's section links, and the
vote's words in the status region a screen reader announces."""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from articles.models import Article, Section
from tests.browser.conftest import built_once
from tests.builders import build_newsroom

pytestmark = [pytest.mark.browser, pytest.mark.site_built_once]

PARAGRAPH = (
    "Schools across the region stayed closed on Thursday as a storm brought heavy rain and strong winds to the "
    "coast, and officials said buses would not run until the roads had been checked. Parents were told to keep "
    "children at home, and the education office opened a telephone line for questions about exams planned for "
    "next week, which may move to the following Monday."
)
FIVE_PARAGRAPHS = "".join(f"<p>{n}. {PARAGRAPH}</p>" for n in range(1, 5)) + (
    f'<p>5. {PARAGRAPH} The forecast is on <a href="https://weather.example.org/storm">the weather service</a>.</p>'
)
READER_PAGES = ["/", "/news/story-00/", "/section/world/", "/search/?q=story"]
# The demo's top-level sections beside the newsroom's own three: a phone must reach all seven.
MORE_SECTIONS = ["Politics", "Technology", "Science", "Culture"]


def polish_newsroom():
    room = build_newsroom(count=12, tags_per_article=3, hero=True)
    Article.objects.filter(pk=room.articles[0].pk).update(
        title="Storm closes schools across the region", byline="By Ana Reporter", body=FIVE_PARAGRAPHS
    )
    for position, name in enumerate(MORE_SECTIONS, start=4):
        Section.objects.create(name=name, slug=name.lower(), position=position)
    cache.clear()
    return room


newsroom = built_once(polish_newsroom)


@pytest.fixture
def dark_page(browser, live_server):
    """A reader whose system is set to dark mode."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, color_scheme="dark", base_url=live_server.url
    )
    page = context.new_page()
    yield page
    context.close()


def pdf_pages(pdf: bytes) -> int:
    """Pages in Chromium's PDF: its page objects (`/Type /Page`, not the `/Type /Pages` tree)."""
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))


def luminance(css_color: str) -> float:
    red, green, blue = (int(part) / 255 for part in re.findall(r"\d+", css_color)[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def test_pdf_pages_counts_pages(page, newsroom):
    """Guards the count below: a story ten times as long prints on more than one page."""
    long_story = newsroom.articles[5]  # one no other test here reads: the module's site is built once
    Article.objects.filter(pk=long_story.pk).update(body=FIVE_PARAGRAPHS * 10)
    cache.clear()
    page.goto(long_story.get_absolute_url())
    page.emulate_media(media="print")
    assert pdf_pages(page.pdf()) > 1


def test_a_printed_story_fits_one_page_with_its_byline_date_and_link_addresses(page, newsroom, screenshot):
    page.set_viewport_size({"width": 794, "height": 1123})  # an A4 sheet at 96 dpi, for the picture
    page.goto(newsroom.articles[0].get_absolute_url())
    page.wait_for_load_state("networkidle")
    page.emulate_media(media="print")

    for shown in ["h1", ".byline", ".article-meta .date", ".hero img", ".body"]:
        expect(page.locator(shown).first).to_be_visible()
    assert page.locator(".body p:not(.dateline)").count() == 5
    for hidden in [".sections", ".search-form", ".breadcrumb", ".vote", ".sidebar", ".site-footer", ".tags"]:
        expect(page.locator(hidden)).to_be_hidden()
    after = page.locator(".body a").evaluate("a => getComputedStyle(a, '::after').content")
    assert after == '" (https://weather.example.org/storm)"'
    screenshot(page, "readme-article-print")

    assert pdf_pages(page.pdf(format="A4")) == 1
    assert pdf_pages(page.pdf(format="Letter")) == 1


def test_dark_mode_is_dark_and_passes_axe(dark_page, newsroom, axe_violations):
    """axe's rules, contrast among them, on the dark theme: the same scores as the light one. Every page in one
    browser page (a new page is 0.3 s of Chromium's CPU before it loads)."""
    for path in READER_PAGES:
        dark_page.goto(path)
        background = dark_page.evaluate("getComputedStyle(document.body).backgroundColor")
        ink = dark_page.evaluate("getComputedStyle(document.querySelector('main')).color")
        assert luminance(background) < 0.1 and luminance(ink) > 0.8, (path, background, ink)

        assert axe_violations(dark_page) == [], path


@pytest.mark.documents
def test_dark_article_picture(dark_page, newsroom, screenshot):
    """`make screenshots` copies these (docs/screenshots/article-dark.png)."""
    dark_page.goto(newsroom.articles[0].get_absolute_url())
    dark_page.wait_for_load_state("networkidle")
    screenshot(dark_page, "readme-article-dark", full_page=False)


@pytest.mark.parametrize("path", ["/", "/news/story-00/"])
def test_on_a_phone_every_section_is_in_sight_and_a_44_px_target(phone_page, newsroom, path, screenshot):
    phone_page.goto(path)
    nav = phone_page.get_by_role("navigation", name="Sections")
    links = nav.get_by_role("link")
    assert links.all_inner_texts() == ["World", "Business", "Sports", *MORE_SECTIONS]
    width = phone_page.viewport_size["width"]
    for link in links.all():
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (link.inner_text(), box)
        assert box["height"] >= 44, (link.inner_text(), box)
        # Nothing covers it: a tap at its centre lands on it.
        hit = phone_page.evaluate(
            "([x, y]) => document.elementFromPoint(x, y)?.closest('a')?.textContent.trim()",
            [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
        )
        assert hit == link.inner_text()
    assert nav.locator("ul").evaluate("list => list.scrollWidth <= list.clientWidth")  # no hidden sideways scroll
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    if path == "/":
        screenshot(phone_page, "readme-sections-phone", full_page=False)  # `make screenshots` copies it


def test_the_status_region_says_what_the_vote_did(page, newsroom):
    article = newsroom.articles[1]
    Article.objects.filter(pk=article.pk).update(vote_count=41)
    cache.clear()
    page.goto(article.get_absolute_url())
    status = page.locator("form.vote").get_by_role("status")
    expect(status).to_have_text("")

    with page.expect_response(lambda r: r.url.endswith(f"/news/{article.pk}/vote/")):
        page.get_by_role("button", name="veryGood! (41)").click()
    expect(status).to_have_text("Thanks — your vote is counted. veryGood! now stands at 42.")
    expect(status).to_have_attribute("aria-live", "polite")

    with page.expect_response(lambda r: r.url.endswith(f"/news/{article.pk}/vote/")):
        page.get_by_role("button", name="veryGood! (42)").click()
    expect(status).to_have_text("Your vote is withdrawn. veryGood! now stands at 41.")
