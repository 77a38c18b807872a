"""Issue 18, item 6: one reader, one view per window, whatever they press — with JavaScript or without.

A reader is one signed cookie (`voter`), handed out by whichever comes first, a beacon or a vote: voting no longer
makes a reader someone new who counts again. Readers without JavaScript are counted by a `<noscript>` image.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.test import Client

from articles.engagement import view_counts
from articles.engagement.models import Vote
from articles.engagement.voters import VOTER_COOKIE, VOTER_COOKIE_SALT
from newsroom.cache import VIEW_FLUSH_DUE_KEY

pytestmark = pytest.mark.django_db

BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture(autouse=True)
def no_auto_flush():
    """Views stay in the buffer, where `view_counts_pending` reads them."""
    cache.set(VIEW_FLUSH_DUE_KEY, 1, timeout=3600)


def reader(address: str = "198.51.100.7", user_agent: str = BROWSER_UA) -> Client:
    return Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=address)


def beacon(client: Client, article) -> bool:
    return client.post(f"/news/{article.pk}/seen/", **JSON).json()["counted"]


def image_beacon(client: Client, article, **headers):
    return client.get(f"/news/{article.pk}/seen.gif", **headers)


def views(article) -> int:
    return view_counts.view_counts_pending(article_id=article.pk)


def test_a_reader_who_votes_with_javascript_is_counted_once(make_article):
    article = make_article()
    ana = reader()

    assert beacon(ana, article) is True
    assert ana.post(f"/news/{article.pk}/vote/", **JSON).json()["voted"] is True
    assert beacon(ana, article) is False  # the same reader after voting: not a second view

    assert views(article) == 1


def test_a_reader_without_javascript_is_counted_once_by_the_noscript_image_and_voting_adds_no_view(make_article):
    article = make_article()
    ana = reader()
    page = ana.get(article.get_absolute_url()).content.decode()
    assert f'<noscript><img class="seen-beacon" src="/news/{article.pk}/seen.gif" alt=""' in page

    first = image_beacon(ana, article)
    voted = ana.post(f"/news/{article.pk}/vote/", follow=True)  # the form, posted without JavaScript
    again = image_beacon(ana, article)  # the page the vote leads to has the image too

    assert first.status_code == again.status_code == 200 and voted.status_code == 200
    assert first["Content-Type"] == "image/gif" and first.content.startswith(b"GIF89a")
    assert "no-store" in first["Cache-Control"] and "no-store" in again["Cache-Control"]
    assert views(article) == 1
    assert Vote.objects.get(article=article).voter_key == f"a:{reader_id(first)}"  # the cookie the image set


def reader_id(response) -> str:
    """The reader id in the cookie a response sets, read as the site reads it."""
    request = HttpRequest()
    request.COOKIES[VOTER_COOKIE] = response.cookies[VOTER_COOKIE].value
    return request.get_signed_cookie(VOTER_COOKIE, salt=VOTER_COOKIE_SALT)


def signed_reader_cookie(anonymous_id: str) -> str:
    """What the site set on a reader's first vote before this change."""
    response = HttpResponse()
    response.set_signed_cookie(VOTER_COOKIE, anonymous_id, salt=VOTER_COOKIE_SALT)
    return response.cookies[VOTER_COOKIE].value


def test_the_first_beacon_hands_out_the_reader_cookie_and_the_vote_keeps_it(make_article):
    article = make_article()
    ana = reader()

    response = ana.post(f"/news/{article.pk}/seen/", **JSON)
    vote = ana.post(f"/news/{article.pk}/vote/", **JSON)

    cookie = response.cookies[VOTER_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and int(cookie["max-age"]) > 365 * 24 * 3600
    assert VOTER_COOKIE not in vote.cookies  # no new identity for a vote
    assert Vote.objects.get(article=article).voter_key == f"a:{reader_id(response)}"


def test_two_readers_behind_one_address_with_the_same_browser_count_once_each(make_article):
    article = make_article()
    ana, ben = reader(), reader()  # an office: one address, the same browser build

    counted = [beacon(ana, article), beacon(ben, article), beacon(ben, article), beacon(ana, article)]

    # Ben's first beacon looks like Ana (no cookie yet); with his own cookie he is someone else, counted once.
    assert counted == [True, False, True, False]
    assert views(article) == 2


def test_a_client_that_keeps_no_cookie_is_counted_once_by_address_and_browser(make_article):
    article = make_article()

    counted = [beacon(reader(), article) for _ in range(4)]
    images = [image_beacon(reader(), article) for _ in range(2)]

    assert counted == [True, False, False, False]
    assert all(image.status_code == 200 for image in images)
    assert views(article) == 1


def test_a_voter_cookie_from_before_keeps_its_votes_and_is_the_reader(make_article):
    article = make_article()
    Vote.objects.create(article=article, voter_key="a:reader-from-last-year")
    ana = reader()
    ana.cookies[VOTER_COOKIE] = signed_reader_cookie("reader-from-last-year")

    response = ana.post(f"/news/{article.pk}/seen/", **JSON)

    assert response.json()["voted"] is True and response.json()["counted"] is True
    assert VOTER_COOKIE not in response.cookies  # kept, not replaced
    assert beacon(ana, article) is False and views(article) == 1


def test_the_image_and_the_script_beacon_count_one_reader_once(make_article):
    article = make_article()
    ana = reader()
    image_beacon(ana, article)
    assert beacon(ana, article) is False
    assert views(article) == 1


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_USER_AGENT": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"},
        {"HTTP_SEC_PURPOSE": "prefetch"},
        {"HTTP_PURPOSE": "prefetch"},
        {"HTTP_SEC_FETCH_SITE": "cross-site"},  # another site's page showing our image
        {"HTTP_SEC_FETCH_SITE": "none"},  # typed into the address bar: not a page being read
    ],
    ids=["bot", "sec-purpose", "purpose", "cross-site", "typed"],
)
def test_the_image_is_not_counted_for_bots_prefetches_or_other_sites(make_article, headers):
    article = make_article()
    response = image_beacon(reader(), article, **headers)
    assert response.status_code == 200 and response["Content-Type"] == "image/gif"
    assert VOTER_COOKIE not in response.cookies
    assert views(article) == 0


def test_the_image_is_not_counted_for_staff_and_answers_only_get_and_head(make_article):
    article = make_article(status="draft")
    published = make_article()
    editor = reader()
    editor.force_login(get_user_model().objects.create_user("ed", password="pw-editor-123", is_staff=True))

    assert image_beacon(editor, published).status_code == 200
    assert reader().head(f"/news/{published.pk}/seen.gif").status_code == 200
    posted = reader().post(f"/news/{published.pk}/seen.gif")
    missing = image_beacon(reader(), article)

    assert views(published) == 0  # neither staff nor a HEAD counts
    assert posted.status_code == 405 and posted["Allow"] == "GET, HEAD"
    assert missing.status_code == 404
