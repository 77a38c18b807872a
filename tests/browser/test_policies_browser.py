"""Real Chromium reads our Permissions-Policy without complaint and sends CSP violation reports to the endpoint."""

import logging
import time

import pytest

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
