"""Issue 11: `X-Forwarded-Proto` (and the other X-Forwarded-* headers) are believed only from our own proxies.

From anyone else the header would turn the page's canonical, Open Graph and JSON-LD URLs to https, and the
page cache would hand that copy to every reader.
"""

import pytest
from django.contrib.sites.models import Site
from django.test import Client

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.5"  # one of ours in these tests
STRANGER = "198.51.100.7"
HTTPS = {"HTTP_X_FORWARDED_PROTO": "https"}


@pytest.fixture(autouse=True)
def _our_proxy(settings):
    settings.NEWSROOM_TRUSTED_PROXIES = ["10.0.0.0/24"]


def absolute_urls(response) -> set[str]:
    """The schemes of the page's absolute URLs on our own domain (canonical, og:url, JSON-LD, …)."""
    html = response.content.decode()
    domain = Site.objects.get_current().domain
    return {scheme for scheme in ("http", "https") if f"{scheme}://{domain}/" in html}


def canonical(response) -> str:
    html = response.content.decode()
    return html.split('<link rel="canonical" href="', 1)[1].split('"', 1)[0]


def test_a_stranger_claiming_https_gets_http_urls(make_article):
    article = make_article()
    path = article.get_absolute_url()
    domain = Site.objects.get_current().domain

    response = Client(REMOTE_ADDR=STRANGER).get(path, **HTTPS)

    assert response.status_code == 200
    assert canonical(response) == f"http://{domain}{path}"
    assert absolute_urls(response) == {"http"}  # og:url and the JSON-LD too


def test_our_proxy_saying_https_gets_https_urls(make_article):
    article = make_article()
    path = article.get_absolute_url()
    domain = Site.objects.get_current().domain

    response = Client(REMOTE_ADDR=PROXY).get(path, HTTP_X_FORWARDED_FOR=STRANGER, **HTTPS)

    assert response.status_code == 200
    assert canonical(response) == f"https://{domain}{path}"
    assert absolute_urls(response) == {"https"}
    assert f'<meta property="og:url" content="https://{domain}{path}">' in response.content.decode()


@pytest.mark.parametrize("path", ["article", "/", "/latest/"])
def test_a_stranger_cannot_poison_the_shared_copy_of_a_page(make_article, path):
    article = make_article()
    path = article.get_absolute_url() if path == "article" else path

    first = Client(REMOTE_ADDR=STRANGER).get(path, **HTTPS)
    reader = Client(REMOTE_ADDR="203.0.113.8").get(path)

    assert first["X-Page-Cache"] == "miss" and reader["X-Page-Cache"] == "hit"
    assert absolute_urls(reader) == {"http"}


def test_our_proxy_passing_both_schemes_gets_one_copy_per_scheme(make_article):
    """Behind a proxy that forwards http and https alike, each scheme's readers get their own absolute URLs."""
    path = make_article().get_absolute_url()

    secure = Client(REMOTE_ADDR=PROXY).get(path, **HTTPS)
    plain = Client(REMOTE_ADDR=PROXY).get(path, HTTP_X_FORWARDED_PROTO="http")
    secure_again = Client(REMOTE_ADDR=PROXY).get(path, **HTTPS)

    assert (secure["X-Page-Cache"], plain["X-Page-Cache"], secure_again["X-Page-Cache"]) == ("miss", "miss", "hit")
    assert absolute_urls(plain) == {"http"} and absolute_urls(secure_again) == {"https"}


def test_a_stranger_claiming_https_is_still_redirected_to_https(make_article, settings):
    settings.SECURE_SSL_REDIRECT = True
    path = make_article().get_absolute_url()

    stranger = Client(REMOTE_ADDR=STRANGER).get(path, **HTTPS)
    proxied = Client(REMOTE_ADDR=PROXY).get(path, **HTTPS)

    assert stranger.status_code == 301 and stranger["Location"] == f"https://testserver{path}"
    assert proxied.status_code == 200


def test_a_stranger_cannot_choose_the_address_rate_limits_count(make_article, settings):
    """X-Forwarded-For from a stranger was already ignored (requester.client_ip); now it never reaches a view."""
    settings.NEWSROOM_VOTE_RATE_LIMIT = 1
    articles = [make_article(), make_article()]
    statuses = [
        Client(REMOTE_ADDR=STRANGER, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}", HTTP_ACCEPT="application/json")
        .post(f"/news/{a.pk}/vote/", HTTP_SEC_FETCH_SITE="same-origin")
        .status_code
        for n, a in enumerate(articles)
    ]
    assert statuses == [200, 429]
