"""Real Chromium reads our Permissions-Policy without complaint and sends CSP violation reports to the endpoint; an
embed's player still gets the features the page delegates to it."""

import logging
import time

import pytest
from playwright.sync_api import expect

from tests.builders import build_newsroom

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_chromium_accepts_the_policy_and_reports_a_blocked_image(page, caplog):
    room = build_newsroom(count=3)
    messages = []
    page.on("console", lambda msg: messages.append(f"{msg.type}: {msg.text}"))

    with caplog.at_level(logging.WARNING, logger="newsroom.csp"):
        page.goto(room.articles[0].get_absolute_url())
        assert page.evaluate("document.featurePolicy.allowsFeature('camera')") is False
        assert page.evaluate("document.featurePolicy.allowsFeature('fullscreen')") is True
        # What an unsanitised external image would do: the CSP blocks it and the browser reports it.
        page.evaluate(
            "() => { const i = new Image(); i.src = 'https://tracker.example.com/p.png'; document.body.append(i); }"
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not caplog.records:
            page.wait_for_timeout(500)

    assert not [m for m in messages if "Permissions-Policy" in m], messages  # e.g. "Unrecognized feature"
    assert any("tracker.example.com/p.png (directive img-src" in r.getMessage() for r in caplog.records)


def test_an_embed_still_loads_with_its_player_features_under_the_page_s_own_policies(page, make_article):
    """The page frames its embed's host (and no other) and delegates the players' features to it alone. The
    provider's frame is answered here, in the browser: nothing leaves the machine."""
    article = make_article(body="<p>Watch:</p><p>https://youtu.be/dQw4w9WgXcQ</p>")
    page.route("https://www.youtube-nocookie.com/**", lambda route: route.fulfill(body="<p>player</p>"))
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    page.goto(article.get_absolute_url())

    page.get_by_role("button", name="Load YouTube content").click()
    frame = page.locator("figure.embed iframe")
    expect(frame).to_have_attribute("src", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ")
    expect(page.frame_locator("figure.embed iframe").get_by_text("player")).to_be_visible()
    assert frame.evaluate("f => f.featurePolicy.allowsFeature('fullscreen')") is True
    allowed = page.evaluate("document.featurePolicy.getAllowlistForFeature('fullscreen')")
    assert allowed == [page.evaluate("location.origin"), "https://www.youtube-nocookie.com"]
    assert not [m for m in messages if "Content Security Policy" in m or "Permissions-Policy" in m], messages
