"""Anonymous pages are one shared copy: nothing per reader in them. Votes from such a copy still work."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from articles.engagement.endpoints import VOTE_NEEDS_CONFIRMING
from articles.engagement.models import Vote
from articles.models import Article
from tests.builders import build_newsroom

pytestmark = pytest.mark.django_db

BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
PUBLIC_PAGES = [
    "/",
    "/news/story-03/",
    "/latest/",
    "/most-read/",
    "/section/world/",
    "/tag/topic-3/",
    "/search/?q=story",
    "/feed/",
    "/atom/",
    "/section/world/feed/",
    "/tag/topic-3/atom/",
    "/sitemap.xml",
    "/news-sitemap.xml",
    "/robots.txt",
]


@pytest.fixture
def room():
    return build_newsroom(count=12)


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_an_anonymous_page_is_the_same_for_every_reader(room, url):
    first = Client(HTTP_USER_AGENT=BROWSER_UA).get(url)
    second = Client(HTTP_USER_AGENT=BROWSER_UA + " Other/2").get(url)

    assert first.status_code == 200
    assert "Set-Cookie" not in first.headers and not first.cookies
    assert "Cookie" not in first.headers.get("Vary", "")
    assert "csrfmiddlewaretoken" not in first.content.decode()
    assert "nonce-" not in first.headers.get("Content-Security-Policy", "")
    assert "public" in first["Cache-Control"]
    assert first.content == second.content


def vote_url(article) -> str:
    return f"/news/{article.pk}/vote/"


def count_of(article) -> int:
    return Article.objects.values_list("vote_count", flat=True).get(pk=article.pk)


@pytest.mark.parametrize(
    "headers",
    [{"HTTP_SEC_FETCH_SITE": "same-origin"}, {"HTTP_ORIGIN": "http://testserver"}],
    ids=["fetch-metadata", "origin"],
)
def test_a_token_less_vote_from_our_own_page_counts(make_article, headers):
    article = make_article()
    reader = Client(HTTP_USER_AGENT=BROWSER_UA, enforce_csrf_checks=True)

    response = reader.post(vote_url(article), **headers)

    assert response.status_code == 303 and count_of(article) == 1


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_SEC_FETCH_SITE": "same-site"},
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
        {},
    ],
    ids=["cross-site", "same-site", "foreign-origin", "null-origin", "no-headers"],
)
def test_a_vote_we_cannot_tell_from_a_forgery_asks_to_confirm_and_then_counts_once(make_article, headers):
    article = make_article(title="Harbour reopens")
    reader = Client(HTTP_USER_AGENT=BROWSER_UA, enforce_csrf_checks=True)

    asked = reader.post(vote_url(article), **headers)

    page = asked.content.decode()
    assert asked.status_code == 200 and "Confirm your vote" in page and "Vote for “Harbour reopens”?" in page
    assert "no-cache" in asked["Cache-Control"] and count_of(article) == 0
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    # The confirmation, as a browser that names no origin sends it: the token is what lets it through.
    confirmed = reader.post(vote_url(article), {"csrfmiddlewaretoken": token, "action": "vote"})
    again = reader.post(vote_url(article), {"csrfmiddlewaretoken": token, "action": "vote"})

    assert confirmed.status_code == again.status_code == 303
    assert count_of(article) == 1 == Vote.objects.filter(article=article).count()
    json = reader.post(vote_url(article), HTTP_ACCEPT="application/json", **headers)
    assert json.status_code == 403 and json.json() == {"error": str(VOTE_NEEDS_CONFIRMING)}


def test_signed_in_pages_are_personal_and_never_shared(make_article):
    article = make_article()
    reader = Client(HTTP_USER_AGENT=BROWSER_UA)
    reader.force_login(get_user_model().objects.create_user("ana", password="x" * 12))

    response = reader.get(article.get_absolute_url())

    assert "csrfmiddlewaretoken" in response.content.decode()
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]
