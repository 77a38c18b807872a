"""Issue 18, items 6 and 7 in real Chromium: one reader is one view whatever they press, and a reader without
JavaScript sees their own vote after a reload and can withdraw it."""

import pytest
from playwright.sync_api import expect

from articles.engagement import view_counts
from articles.engagement.models import Vote
from articles.models import Article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def vote_button(page):
    return page.locator("button.vote-button")


def views_of(article) -> int:
    """Counted views: flushed into the article row, or still buffered."""
    flushed = Article.objects.values_list("view_count", flat=True).get(pk=article.pk)
    return flushed + view_counts.view_counts_pending(article_id=article.pk)


def test_a_reader_without_javascript_votes_reloads_sees_the_pressed_button_and_new_count_then_withdraws(
    no_js_page, make_article, screenshot
):
    article = make_article(title="Harbour reopens", vote_count=4)
    page = no_js_page
    with page.expect_response(lambda r: r.url.endswith(f"/news/{article.pk}/seen.gif")) as beacon:
        page.goto(article.get_absolute_url())
    assert beacon.value.status == 200
    expect(vote_button(page)).to_have_attribute("aria-pressed", "false")

    page.get_by_role("button", name="veryGood! (4)").click()

    expect(page.locator(".messages")).to_contain_text("Thanks — your vote is counted. veryGood! now stands at 5.")
    assert page.url.endswith(f"{article.get_absolute_url()}?my-vote")
    page.reload()
    expect(page.locator(".messages")).to_have_count(0)  # the message was for the moment of voting
    expect(vote_button(page)).to_have_text("veryGood! (5)")
    expect(vote_button(page)).to_have_attribute("aria-pressed", "true")
    screenshot(page, "no-js-vote-after-reload")

    vote_button(page).click()  # the pressed button withdraws

    expect(page.locator(".messages")).to_contain_text("Your vote is withdrawn. veryGood! now stands at 4.")
    expect(vote_button(page)).to_have_text("veryGood! (4)")
    expect(vote_button(page)).to_have_attribute("aria-pressed", "false")
    assert Vote.objects.filter(article=article).count() == 4 == Article.objects.get(pk=article.pk).vote_count
    assert views_of(article) == 1  # the first page, the vote's page and the reload: one reader, one view


def test_a_reader_who_votes_is_counted_once(page, make_article):
    article = make_article(title="Story readers like")
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    with page.expect_response(lambda r: "/seen/" in r.url) as first:
        page.goto(article.get_absolute_url())
    assert first.value.json()["counted"] is True

    with page.expect_response(lambda r: r.url.endswith(f"/news/{article.pk}/vote/")):
        vote_button(page).click()
    expect(vote_button(page)).to_have_attribute("aria-pressed", "true")
    with page.expect_response(lambda r: "/seen/" in r.url) as after_vote:
        page.reload()

    assert after_vote.value.json() | {"csrf": ""} == {
        "views": 1,
        "views_label": "1 view",
        "votes": 1,
        "voted": True,
        "counted": False,  # the reader who voted is the reader who was counted
        "csrf": "",
    }
    expect(page.locator("[data-live-views]")).to_have_text("1 view")
    assert views_of(article) == 1
    assert not [url for url in requested if "seen.gif" in url]  # with JavaScript the <noscript> image never loads
