"""The vote endpoint: status rules, idempotence, un-vote, the no-JS redirect, the JSON path and abuse limits."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from articles.engagement.endpoints import VOTE_NEEDS_POST
from articles.engagement.models import PopularityBucket, Vote
from articles.engagement.reconcile import counts_reconcile
from articles.engagement.voters import VOTER_COOKIE
from articles.engagement.votes import REFUSED_ACTION, REFUSED_BOT, REFUSED_MISSING, REFUSED_RATE
from articles.models import Article
from newsroom.views import CSRF_FAILURE_MESSAGE

pytestmark = pytest.mark.django_db

BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
JSON = {"HTTP_ACCEPT": "application/json"}


def vote_url(article) -> str:
    return f"/news/{article.pk}/vote/"


@pytest.fixture
def reader() -> Client:
    return Client(HTTP_USER_AGENT=BROWSER_UA)


def count_of(article) -> int:
    return Article.objects.values_list("vote_count", flat=True).get(pk=article.pk)


@pytest.mark.parametrize(
    "state",
    [
        {"status": Article.Status.DRAFT},
        {"status": Article.Status.PUBLISHED, "published_at": timezone.now() + timezone.timedelta(days=1)},
    ],
    ids=["draft", "scheduled"],
)
def test_unpublished_article_cannot_be_voted_on(make_article, reader, state):
    article = make_article(**state)

    html = reader.post(vote_url(article))
    json = reader.post(vote_url(article), **JSON)

    assert html.status_code == 404 and escape(str(REFUSED_MISSING)) in html.content.decode()
    assert json.status_code == 404 and json.json() == {"error": str(REFUSED_MISSING)}
    assert not Vote.objects.exists() and count_of(article) == 0


def test_missing_article_is_404_with_a_message(reader):
    response = reader.post("/news/999999/vote/", **JSON)
    assert response.status_code == 404
    assert response.json() == {"error": str(REFUSED_MISSING)}


def test_get_is_405_with_a_message(make_article, reader):
    article = make_article()
    response = reader.get(vote_url(article))
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response.content.decode() == str(VOTE_NEEDS_POST)
    assert count_of(article) == 0


def test_a_forged_token_is_not_a_vote_the_reader_is_asked_to_confirm(make_article):
    article = make_article()
    client = Client(enforce_csrf_checks=True, HTTP_USER_AGENT=BROWSER_UA)

    response = client.post(vote_url(article), {"csrfmiddlewaretoken": "x" * 64})

    assert response.status_code == 200 and "Confirm your vote" in response.content.decode()
    assert count_of(article) == 0


def test_other_posts_without_a_token_get_a_403_a_person_understands(db):
    client = Client(enforce_csrf_checks=True, HTTP_USER_AGENT=BROWSER_UA)

    refused = client.post("/admin/login/", {"username": "x", "password": "y"})
    as_json = client.post("/admin/login/", HTTP_ACCEPT="application/json")

    assert refused.status_code == 403
    assert escape(str(CSRF_FAILURE_MESSAGE)) in refused.content.decode()
    assert "<h1>Please reload the page</h1>" in refused.content.decode()  # in the site's layout
    assert as_json.status_code == 403 and as_json.json() == {"error": str(CSRF_FAILURE_MESSAGE)}


def test_no_js_vote_redirects_back_showing_new_count_and_that_you_voted(make_article, reader):
    article = make_article(vote_count=41)

    response = reader.post(vote_url(article), follow=True)

    assert response.redirect_chain == [(f"{article.get_absolute_url()}?my-vote", 303)]  # this reader's own page
    page = response.content.decode()
    assert 'veryGood! (<span class="vote-count">42</span>)' in page
    assert "Thanks — your vote is counted. veryGood! now stands at 42." in page


def test_anonymous_voter_gets_signed_httponly_lax_cookie_once(make_article, reader):
    first, second = make_article(), make_article()

    response = reader.post(vote_url(first))
    cookie = response.cookies[VOTER_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert ":" in cookie.value  # signed: value:signature
    again = reader.post(vote_url(second))

    assert VOTER_COOKIE not in again.cookies  # the same reader keeps the same id
    keys = set(Vote.objects.values_list("voter_key", flat=True))
    assert len(keys) == 1 and next(iter(keys)).startswith("a:")


def test_forged_voter_cookie_is_ignored_and_replaced(make_article, reader):
    article = make_article()
    reader.cookies[VOTER_COOKIE] = "someone-else"

    response = reader.post(vote_url(article))

    assert response.status_code == 303 and VOTER_COOKIE in response.cookies
    vote = Vote.objects.get(article=article)  # counted, under a fresh id rather than the forged one
    assert vote.voter_key.startswith("a:") and vote.voter_key != "a:someone-else"


def test_signed_in_reader_votes_as_their_account(make_article, reader):
    article = make_article()
    user = get_user_model().objects.create_user("reader", password="pw-reader-123")
    reader.force_login(user)

    reader.post(vote_url(article))
    fresh = Client(HTTP_USER_AGENT="Other browser Firefox/140.0")
    fresh.force_login(user)
    response = fresh.post(vote_url(article), **JSON)

    assert list(Vote.objects.values_list("voter_key", flat=True)) == [f"u:{user.pk}"]
    assert response.json() == {"votes": 1, "voted": True, "changed": False}


def test_json_vote_is_idempotent_and_reports_committed_count(make_article, reader):
    article = make_article()
    Article.objects.filter(pk=article.pk).update(vote_count=10)

    first = reader.post(vote_url(article), {"action": "vote"}, **JSON).json()
    repeat = reader.post(vote_url(article), {"action": "vote"}, **JSON).json()

    assert first == {"votes": 11, "voted": True, "changed": True}
    assert repeat == {"votes": 11, "voted": True, "changed": False}
    assert Vote.objects.filter(article=article).count() == 1


def test_undo_removes_the_vote_and_decrements(make_article, reader):
    article = make_article()
    reader.post(vote_url(article), **JSON)

    undone = reader.post(vote_url(article), {"action": "undo"}, **JSON).json()
    again = reader.post(vote_url(article), {"action": "undo"}, **JSON).json()

    assert undone == {"votes": 0, "voted": False, "changed": True}
    assert again == {"votes": 0, "voted": False, "changed": False}
    assert not Vote.objects.exists()
    # The withdrawal shows in the ranking buckets too: net zero this hour.
    assert sum(PopularityBucket.objects.filter(article=article).values_list("votes", flat=True)) == 0


def test_undo_without_javascript_redirects_with_message(make_article, reader):
    article = make_article()
    reader.post(vote_url(article))
    response = reader.post(vote_url(article), {"action": "undo"}, follow=True)
    assert response.redirect_chain[-1][1] == 303
    assert "Your vote is withdrawn. veryGood! now stands at 0." in response.content.decode()


def test_undo_never_takes_the_count_below_zero(make_article, reader):
    article = make_article()
    reader.post(vote_url(article))
    Article.objects.filter(pk=article.pk).update(vote_count=0)  # a broken counter

    response = reader.post(vote_url(article), {"action": "undo"}, **JSON)

    assert response.json()["votes"] == 0 and count_of(article) == 0


def test_undo_by_a_reader_who_never_voted_sets_no_cookie(make_article, reader):
    article = make_article()
    response = reader.post(vote_url(article), {"action": "undo"}, **JSON)
    assert response.json() == {"votes": 0, "voted": False, "changed": False}
    assert VOTER_COOKIE not in response.cookies


def test_unknown_action_is_400_with_a_message(make_article, reader):
    article = make_article()
    response = reader.post(vote_url(article), {"action": "delete-all"}, **JSON)
    assert response.status_code == 400 and response.json() == {"error": str(REFUSED_ACTION)}
    assert count_of(article) == 0


@pytest.mark.parametrize(
    "user_agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "curl/8.5.0",
        "python-requests/2.32.3",
        "Mozilla/5.0 (compatible; AhrefsBot/7.0)",
        "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
        "Mozilla/5.0 (compatible; Bytespider; spider-feedback@bytedance.com)",
    ],
)
def test_known_bots_are_refused_politely(make_article, user_agent):
    article = make_article()
    client = Client(HTTP_USER_AGENT=user_agent)

    json = client.post(vote_url(article), **JSON)
    html = client.post(vote_url(article))

    assert json.status_code == 403 and json.json() == {"error": str(REFUSED_BOT)}
    assert html.status_code == 403 and escape(str(REFUSED_BOT)) in html.content.decode()
    assert not Vote.objects.exists()


def test_rate_limit_per_client_with_429_and_retry_after(make_article, settings):
    settings.NEWSROOM_VOTE_RATE_LIMIT = 3
    articles = [make_article() for _ in range(5)]
    client = Client(HTTP_USER_AGENT=BROWSER_UA)
    new_user_agent = Client(HTTP_USER_AGENT=BROWSER_UA + " Other/1.0")
    other = Client(HTTP_USER_AGENT=BROWSER_UA, REMOTE_ADDR="203.0.113.9")

    statuses = [client.post(vote_url(a), **JSON).status_code for a in articles[:4]]
    limited = client.post(vote_url(articles[4]), **JSON)
    html = client.post(vote_url(articles[4]))

    assert statuses == [200, 200, 200, 429]
    assert limited.status_code == 429 and limited.json() == {"error": str(REFUSED_RATE)}
    assert limited["Retry-After"] == str(settings.NEWSROOM_VOTE_RATE_WINDOW_SECONDS)
    assert html.status_code == 429 and escape(str(REFUSED_RATE)) in html.content.decode()
    assert Vote.objects.count() == 3
    # A client is its address: a new User-Agent (or no cookie) buys no fresh budget; another address has its own.
    assert new_user_agent.post(vote_url(articles[4]), **JSON).status_code == 429
    assert other.post(vote_url(articles[4]), **JSON).status_code == 200


def test_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy(make_article, settings):
    settings.NEWSROOM_VOTE_RATE_LIMIT = 1
    article = make_article()
    client = Client(HTTP_USER_AGENT=BROWSER_UA)

    first = client.post(vote_url(article), HTTP_X_FORWARDED_FOR="203.0.113.1", **JSON)
    spoofed = client.post(vote_url(article), HTTP_X_FORWARDED_FOR="203.0.113.2", **JSON)
    assert (first.status_code, spoofed.status_code) == (200, 429)

    settings.NEWSROOM_TRUSTED_PROXIES = ["127.0.0.0/8"]
    behind_proxy = [
        client.post(vote_url(article), HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 127.0.0.1", **JSON).status_code
        for n in (1, 2, 2)
    ]
    assert behind_proxy == [200, 200, 429]


@pytest.mark.parametrize("path", ["vote", "seen"])
def test_absurd_article_ids_are_404_not_500(reader, path):
    response = reader.post(f"/news/{'9' * 30}/{path}/", HTTP_ACCEPT="application/json")
    assert response.status_code == 404 and response.json()["error"]


@pytest.mark.parametrize(
    "user_agent",
    [
        "Mozilla/5.0 (Linux; Android 9; CUBOT P30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Safari/604.1",
        BROWSER_UA,
    ],
    ids=["cubot-phone", "iphone", "chrome"],
)
def test_people_on_ordinary_browsers_are_not_taken_for_bots(make_article, user_agent):
    article = make_article()
    response = Client(HTTP_USER_AGENT=user_agent).post(vote_url(article), **JSON)
    assert response.status_code == 200 and response.json()["votes"] == 1


def test_article_page_shows_the_vote_button_with_the_exact_count(make_article, client):
    article = make_article()
    Vote.objects.bulk_create(Vote(article=article, voter_key=f"a:{n}") for n in range(6215))  # rows first
    assert [(d.counter, d.now) for d in counts_reconcile()] == [("vote_count", 6215)]  # the counter follows
    page = client.get(article.get_absolute_url()).content.decode()
    assert 'veryGood! (<span class="vote-count">6215</span>)' in page


def test_signed_in_reader_without_javascript_sees_the_pressed_button_and_withdraws_with_a_second_press(make_article):
    article = make_article(vote_count=2)
    reader = Client(HTTP_USER_AGENT=BROWSER_UA)
    reader.force_login(get_user_model().objects.create_user("ana", password="x" * 12))
    pressed = '<button type="submit" class="vote-button" aria-pressed="true">'
    undo_field = '<input type="hidden" name="action" value="undo">'

    before = reader.get(article.get_absolute_url()).content.decode()
    voted = reader.post(vote_url(article), follow=True)  # the form as the page renders it: action=vote
    page = voted.content.decode()

    assert pressed not in before and '<input type="hidden" name="action" value="vote">' in before
    assert pressed in page and undo_field in page
    assert 'veryGood! (<span class="vote-count">3</span>)' in page
    assert voted["Cache-Control"].startswith("max-age=0")  # personal: never cached

    withdrawn = reader.post(vote_url(article), {"action": "undo"}, follow=True).content.decode()

    assert pressed not in withdrawn and 'veryGood! (<span class="vote-count">2</span>)' in withdrawn
    assert "Your vote is withdrawn. veryGood! now stands at 2." in withdrawn
    assert count_of(article) == 2 and counts_reconcile() == []


def test_the_vote_label_comes_from_one_setting(make_article, reader, settings):
    settings.NEWSROOM_VOTE_LABEL = "Great story!"
    article = make_article()

    response = reader.post(vote_url(article), follow=True)

    page = response.content.decode()
    assert 'Great story! (<span class="vote-count">1</span>)' in page
    assert "Thanks — your vote is counted. Great story! now stands at 1." in page
    assert "veryGood!" not in page


def test_the_builders_votes_leave_what_as_many_votes_through_the_service_leave(make_article):
    """`record_votes` writes at once what `vote_add` writes one vote at a time: the same rows, counter and bucket."""
    import time_machine

    from articles.engagement.votes import vote_add
    from tests.builders import record_votes

    at = timezone.now() - timezone.timedelta(hours=5)
    by_service, by_builder = make_article(slug="by-service"), make_article(slug="by-builder")
    with time_machine.travel(at, tick=False):
        for n in range(3):
            vote_add(article=by_service, voter_key=f"a:reader-{n}")
    record_votes(by_builder, 3, at=at)
    record_votes(by_builder, 4, at=at)  # the three again and one more: a repeat counts once, as in the service

    def left_by(article):
        rows = sorted(Vote.objects.filter(article=article).values_list("voter_key", "created_at"))
        buckets = list(PopularityBucket.objects.filter(article=article).values_list("granularity", "period_start",
                                                                                      "views", "votes"))  # fmt: skip
        return rows, count_of(article), buckets

    rows, count, buckets = left_by(by_service)
    assert (rows, count) == ([(f"a:reader-{n}", at) for n in range(3)], 3)
    assert left_by(by_builder) == ([*rows, ("a:reader-3", at)], 4, [(*buckets[0][:3], 4)])
    assert counts_reconcile() == []
