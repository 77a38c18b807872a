"""The JavaScript path in real Chromium: vote in place, reload keeps it, a second press undoes it."""

import pytest
from playwright.sync_api import expect

from articles.engagement.models import Vote
from articles.models import Article
from tests.builders import record_votes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def vote_button(page):
    return page.locator("button.vote-button")


def test_vote_in_place_reload_keeps_it_second_press_undoes(page, make_article, screenshot):
    article = make_article(title="Story readers like", vote_count=41)
    page.goto(article.get_absolute_url())
    button = vote_button(page)
    expect(button).to_have_text("veryGood! (41)")
    expect(button).to_have_attribute("aria-pressed", "false")

    with page.expect_response(lambda r: r.url.endswith(f"/news/{article.pk}/vote/")) as vote:
        page.get_by_role("button", name="veryGood! (41)").click()

    assert vote.value.status == 200
    expect(button).to_have_text("veryGood! (42)")
    expect(button).to_have_attribute("aria-pressed", "true")
    assert page.url.endswith(article.get_absolute_url())  # updated in place, no navigation
    assert Vote.objects.filter(article=article).count() == 42
    assert Article.objects.get(pk=article.pk).vote_count == 42
    screenshot(page, "vote-pressed")

    with page.expect_response(lambda r: "/seen/" in r.url):
        page.reload()
    expect(button).to_have_text("veryGood! (42)")
    expect(button).to_have_attribute("aria-pressed", "true")  # the beacon says this reader voted

    with page.expect_response(lambda r: r.url.endswith(f"/news/{article.pk}/vote/")) as undo:
        button.click()

    assert undo.value.json() == {"votes": 41, "voted": False, "changed": True}
    expect(button).to_have_text("veryGood! (41)")
    expect(button).to_have_attribute("aria-pressed", "false")
    assert Vote.objects.filter(article=article).count() == 41
    assert Article.objects.get(pk=article.pk).vote_count == 41


def test_a_vote_pressed_before_the_beacon_answers_is_the_same_reader_s_and_can_be_withdrawn(page, make_article):
    """A new reader gets their cookie from whichever answer comes first: a vote sent beside the beacon would get
    one id and the beacon's answer another, so withdrawing found no vote. The vote waits for the beacon."""
    article = make_article(title="Story readers like", vote_count=41)
    held = []
    page.route("**/seen/", lambda route: held.append(route))  # the beacon is held until the reader has pressed
    page.goto(article.get_absolute_url())
    page.get_by_role("button", name="veryGood! (41)").click()
    page.wait_for_timeout(300)
    assert Vote.objects.filter(article=article).count() == 41  # nothing sent while the beacon is out

    with page.expect_response(lambda r: r.url.endswith(f"/news/{article.pk}/vote/")) as vote:
        held[0].continue_()
    assert vote.value.json() == {"votes": 42, "voted": True, "changed": True}

    with page.expect_response(lambda r: r.url.endswith(f"/news/{article.pk}/vote/")) as undo:
        vote_button(page).click()
    assert undo.value.json() == {"votes": 41, "voted": False, "changed": True}
    assert Vote.objects.filter(article=article).count() == 41
    assert len({cookie["value"] for cookie in page.context.cookies() if cookie["name"] == "voter"}) == 1


def test_beacon_refreshes_counts_on_a_stale_page(page, make_article):
    article = make_article()
    page.goto(article.get_absolute_url())
    expect(vote_button(page)).to_have_text("veryGood! (0)")
    record_votes(article, 7)  # votes arrived; a cached page would still say 0
    # Serve the old HTML, as a page cache would; the beacon still brings the live count.
    html = page.content()
    page.route(article.get_absolute_url(), lambda route: route.fulfill(body=html, content_type="text/html"))
    with page.expect_response(lambda r: "/seen/" in r.url):
        page.reload()
    expect(vote_button(page)).to_have_text("veryGood! (7)")


def test_rate_limited_vote_shows_a_short_message_and_keeps_the_count(page, make_article, settings):
    settings.NEWSROOM_VOTE_RATE_LIMIT = 0
    article = make_article()
    page.goto(article.get_absolute_url())

    vote_button(page).click()

    expect(page.locator(".vote-message")).to_have_text(
        "Too many votes from this connection. Please wait a few minutes and try again."
    )
    expect(vote_button(page)).to_have_text("veryGood! (0)")
    expect(vote_button(page)).to_have_attribute("aria-pressed", "false")
    assert not Vote.objects.exists()


def test_vote_on_an_article_unpublished_meanwhile_says_so(page, make_article):
    article = make_article()
    page.goto(article.get_absolute_url())
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)

    vote_button(page).click()

    expect(page.locator(".vote-message")).to_have_text("This article isn't available for voting.")
    expect(vote_button(page)).to_have_text("veryGood! (0)")


def test_beacon_counts_the_view_and_shows_it_in_the_live_views_element(page, make_article):
    article = make_article(view_count=99)  # the HTML says 99: only the beacon can make it 100
    with page.expect_response(lambda r: "/seen/" in r.url) as beacon:
        page.goto(article.get_absolute_url())

    assert beacon.value.json()["counted"] is True
    expect(page.locator("[data-live-views]")).to_have_text("100 views")
    with page.expect_response(lambda r: "/seen/" in r.url) as again:
        page.reload()
    assert again.value.json()["counted"] is False  # same reader within 30 minutes
    expect(page.locator("[data-live-views]")).to_have_text("100 views")


def test_without_javascript_a_vote_from_a_shared_copy_counts_once(no_js_page, make_article):
    article = make_article(title="Harbour reopens", vote_count=4)
    shared = no_js_page.request.get(article.get_absolute_url())
    # Serve every reader the same bytes, as a page cache would: no token, no cookie in them.
    no_js_page.route(
        article.get_absolute_url(),
        lambda route: route.fulfill(body=shared.body(), content_type="text/html; charset=utf-8"),
    )
    no_js_page.goto(article.get_absolute_url())
    assert no_js_page.locator("input[name=csrfmiddlewaretoken]").count() == 0
    no_js_page.unroute(article.get_absolute_url())

    no_js_page.get_by_role("button", name="veryGood! (4)").click()

    expect(no_js_page.locator(".messages")).to_contain_text("Thanks — your vote is counted. veryGood! now stands at 5.")
    expect(no_js_page.locator("button.vote-button")).to_have_text("veryGood! (5)")
    assert Vote.objects.filter(article=article).count() == 5 == Article.objects.get(pk=article.pk).vote_count
