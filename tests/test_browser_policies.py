"""Every response carries a Permissions-Policy sized to the page, and the CSP's violation reports reach a bounded
endpoint."""

import json
import logging

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from newsroom import csp_reports

pytestmark = pytest.mark.django_db

REPORT = {
    "csp-report": {
        "document-uri": "https://news.example.org/news/storm/",
        "violated-directive": "img-src",
        "effective-directive": "img-src",
        "blocked-uri": "https://tracker.example.com/pixel.png",
    }
}
REPORTING_API = [
    {
        "type": "csp-violation",
        "url": "https://news.example.org/",
        "body": {
            "documentURL": "https://news.example.org/",
            "effectiveDirective": "script-src-elem",
            "blockedURL": "https://evil.example.net/x.js",
        },
    }
]


@pytest.fixture
def reporter():
    return Client(enforce_csrf_checks=True)  # browsers send reports with no CSRF token


def post(client, body, content_type="application/csp-report"):
    data = body if isinstance(body, bytes | str) else json.dumps(body)
    return client.post(reverse("csp-report"), data=data, content_type=content_type)


@pytest.mark.parametrize("url", ["/", "/no-such-page/", "/admin/login/", "/static/css/site.css", "/healthz"])
def test_every_response_denies_powerful_features(client, url):
    policy = client.get(url)["Permissions-Policy"]
    for feature in ["camera", "microphone", "geolocation", "payment", "usb", "interest-cohort", "browsing-topics"]:
        assert f"{feature}=()" in policy.split(", ")


def test_a_cached_page_carries_the_policy_too(client):
    client.get("/")
    assert "camera=()" in client.get("/")["Permissions-Policy"]


def policy_of(response) -> dict[str, str]:
    return dict(item.split("=", 1) for item in response["Permissions-Policy"].split(", "))


def test_embedded_players_keep_fullscreen_and_nothing_else_is_delegated(client, make_article):
    """Only the hosts of the page's own embeds get the players' features; the CSP frames them and no others."""
    article = make_article(body="<p>Watch:</p><p>https://youtu.be/dQw4w9WgXcQ</p><p>https://vimeo.com/76979871</p>")
    response = client.get(article.get_absolute_url())
    policy = policy_of(response)
    players = '(self "https://www.youtube-nocookie.com" "https://player.vimeo.com")'
    assert policy["fullscreen"] == policy["encrypted-media"] == policy["picture-in-picture"] == players
    assert policy["camera"] == "()"
    csp = dict(directive.strip().split(" ", 1) for directive in response["Content-Security-Policy"].split(";"))
    assert csp["frame-src"] == "https://www.youtube-nocookie.com https://player.vimeo.com"
    assert "https://platform.twitter.com" not in response["Permissions-Policy"] + response["Content-Security-Policy"]
    assert set(settings.NEWSROOM_EMBED_FRAME_HOSTS) >= {"https://www.youtube-nocookie.com", "https://player.vimeo.com"}


@pytest.mark.parametrize("embeds", [False, True])
def test_a_cached_copy_keeps_the_page_s_own_policies(client, make_article, embeds):
    article = make_article(body="<p>https://youtu.be/dQw4w9WgXcQ</p>" if embeds else "<p>Plain.</p>")
    first = client.get(article.get_absolute_url())
    again = client.get(article.get_absolute_url())
    assert again["X-Page-Cache"] == "hit"
    for header in ("Permissions-Policy", "Content-Security-Policy"):
        assert again[header] == first[header]
    assert ("fullscreen" in again["Permissions-Policy"]) is embeds


@pytest.mark.parametrize("url", ["/", "/section/{section}/", "/search/?q=story", "/news/{article}/"])
def test_a_page_without_embeds_delegates_nothing_and_frames_nothing(client, make_article, section, url):
    """Headers sized to the page: no embed host in either policy, which stay under 0.8 KB together (they were
    1.8 KB, nine hosts three times over)."""
    article = make_article(title="A story", body="<p>Plain text, no embed.</p>")
    response = client.get(url.format(section=section.slug, article=article.slug))
    assert response.status_code == 200
    policy, csp = response["Permissions-Policy"], response["Content-Security-Policy"]
    assert "fullscreen" not in policy and "https://" not in policy
    assert "frame-src" not in csp and "https://" not in csp  # default-src 'self' covers frames
    assert len(policy) + len(csp) < 800


def test_the_csp_sends_its_reports_to_the_endpoint(client):
    response = client.get("/")
    directives = dict(d.strip().split(" ", 1) for d in response["Content-Security-Policy"].split(";"))
    assert directives["report-uri"] == reverse("csp-report") == csp_reports.CSP_REPORT_PATH
    assert "report-to" not in directives  # with it, Chromium ignores report-uri


@pytest.mark.parametrize(
    ("body", "content_type", "logged"),
    [
        (REPORT, "application/csp-report", "CSP blocked https://tracker.example.com/pixel.png (directive img-src)"),
        (REPORTING_API, "application/reports+json", "CSP blocked https://evil.example.net/x.js (directive script-src"),
    ],
    ids=["report-uri", "report-to"],
)
def test_a_report_is_accepted_and_logged_in_one_line(reporter, caplog, body, content_type, logged):
    with caplog.at_level(logging.WARNING, logger="newsroom.csp"):
        response = post(reporter, body, content_type)
    assert response.status_code == 204
    lines = [r.getMessage() for r in caplog.records if r.name == "newsroom.csp"]
    assert len(lines) == 1 and lines[0].startswith(logged)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (json.dumps({"csp-report": {"blocked-uri": "x" * 20_000}}), 413),
        (b"\xff\xfe garbage \x00", 400),
        ("not json at all", 400),
        ("[" * 7_000 + "]" * 7_000, 400),  # under the size cap, past the parser's depth
        ({"csp-report": "a string"}, 400),
        ({"something": "else"}, 400),
        ([{"type": "deprecation", "body": {}}], 400),
        ([], 400),
        ("", 400),
    ],
    ids=["huge", "binary", "text", "deep-nesting", "wrong-shape", "other-json", "other-report", "empty-list", "empty"],
)
def test_a_huge_or_garbage_body_is_a_4xx(reporter, body, status):
    assert post(reporter, body).status_code == status


def test_a_lying_content_length_is_refused_before_reading(reporter):
    response = reporter.post(reverse("csp-report"), data="{}", content_type="application/csp-report",
                             CONTENT_LENGTH="10000000")  # fmt: skip
    assert response.status_code == 413


def test_only_post(client):
    assert client.get(reverse("csp-report")).status_code == 405


def test_logging_is_bounded_and_one_line_per_report(reporter, caplog, monkeypatch):
    monkeypatch.setattr(csp_reports, "budget", csp_reports._Budget(per_minute=5))
    sneaky = {"csp-report": {**REPORT["csp-report"], "blocked-uri": "https://x.test/\nCSP forged line"}}
    with caplog.at_level(logging.WARNING, logger="newsroom.csp"):
        statuses = {post(reporter, sneaky).status_code for _ in range(30)}
    lines = [r.getMessage() for r in caplog.records if r.name == "newsroom.csp"]
    assert statuses == {204}
    assert len(lines) == 5
    assert all("\n" not in line and "https://x.test/?CSP forged line" in line for line in lines)
