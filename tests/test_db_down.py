"""Database unreachable: every request fails fast with the site's 503 page (JSON for scripts), `/healthz`
stays 200 and `/readyz` says 503 (issue 11, finding 7)."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.db import OperationalError, connection
from django.test import Client

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[1]
CLOSED_POSTGRES = "postgres://postgres@127.0.0.1:5439/newsroom"  # nothing listens here


@pytest.fixture
def database_down(monkeypatch):
    def refuse():
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')

    monkeypatch.setattr(connection, "ensure_connection", refuse)


@pytest.fixture
def reader() -> Client:
    return Client(raise_request_exception=False, HTTP_USER_AGENT="Mozilla/5.0 Firefox/140.0")


@pytest.mark.parametrize("url", ["/", "/latest/", "/news/some-story/", "/section/world/", "/search/?q=harbour"])
def test_pages_answer_the_sites_503_page(database_down, reader, url):
    response = reader.get(url)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "<h1>Briefly unavailable</h1>" in page and "try again in a minute" in page


def test_scripts_get_json_not_a_page(database_down, reader):
    vote = reader.post("/news/1/vote/", HTTP_ACCEPT="application/json")
    beacon = reader.post("/news/1/seen/", HTTP_ACCEPT="application/json")

    for response in (vote, beacon):
        assert response.status_code == 503 and response["Content-Type"] == "application/json"
        assert response.json() == {"error": "The site is briefly unavailable. Please try again in a minute."}


def test_a_signed_in_editor_gets_the_503_page_too(database_down, reader):
    reader.cookies["sessionid"] = "x" * 32  # the session is read in middleware, before any view
    response = reader.get("/admin/articles/article/")
    assert response.status_code == 503 and "Briefly unavailable" in response.content.decode()


def test_healthz_stays_live_and_readyz_says_the_database_is_down(database_down, reader):
    health = reader.get("/healthz")
    ready = reader.get("/readyz")

    assert health.status_code == 200 and health.content == b"ok"
    assert ready.status_code == 503
    assert ready.json() == {"database": "unreachable", "cache": "ok", "status": "unavailable"}


def test_other_errors_answer_json_to_scripts(reader, monkeypatch, make_article):
    """Not only outages: no fetch ever gets an HTML 500."""
    article = make_article()
    monkeypatch.setattr("articles.engagement.votes.vote_add", lambda **kwargs: 1 / 0)
    response = reader.post(f"/news/{article.pk}/vote/", HTTP_ACCEPT="application/json")
    assert response.status_code == 500
    assert response.json() == {"error": "Something went wrong on our side. Please try again in a minute."}
    assert "<h1>Something went wrong</h1>" in reader.post(f"/news/{article.pk}/vote/").content.decode()


REQUEST_WITH_POSTGRES_CLOSED = textwrap.dedent(
    """
    import json, time
    import django
    django.setup()
    from django.test import Client
    client = Client(raise_request_exception=False)
    health = client.get("/healthz")
    client.get("/")  # the first request also imports views and loads templates: time the next one
    started = time.monotonic()
    page = client.get("/")
    seconds = time.monotonic() - started
    ready = client.get("/readyz")
    print(json.dumps({"status": page.status_code, "seconds": seconds, "page": page.content.decode(),
                      "ready": [ready.status_code, ready.json()], "health": health.status_code}))
    """
)


def test_an_unreachable_postgresql_fails_within_two_seconds():
    """The real thing: the project's PostgreSQL settings (pool and connect timeouts) against a closed port.
    The pool waited 10 s for a connection before, then answered a 500."""
    env = {**os.environ, "DATABASE_URL": CLOSED_POSTGRES, "DJANGO_SETTINGS_MODULE": "newsroom.test_settings"}
    env.pop("REDIS_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", REQUEST_WITH_POSTGRES_CLOSED],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    answer = json.loads(result.stdout.strip().splitlines()[-1])

    assert answer["status"] == 503 and "Briefly unavailable" in answer["page"]
    assert answer["seconds"] < 2
    assert answer["ready"] == [503, {"database": "unreachable", "cache": "ok", "status": "unavailable"}]
    assert answer["health"] == 200
