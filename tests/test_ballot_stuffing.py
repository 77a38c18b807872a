"""Issue 11, finding 2: one address, no cookie, a new User-Agent each time must not stuff an article's votes or views.

Budgets count a client by its address (an IPv6 /64 as one), never by what it sends: the whole window, and a
day's budget per article. Counts stay exact: a refused vote stores nothing.
"""

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils.html import escape

from articles.engagement import view_counts
from articles.engagement.models import Vote
from articles.engagement.votes import REFUSED_ARTICLE_BUDGET, REFUSED_RATE
from articles.models import Article
from newsroom.cache import VIEW_FLUSH_DUE_KEY

pytestmark = pytest.mark.django_db

BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
JSON = {"HTTP_ACCEPT": "application/json"}


def fresh_client(n: int, address: str = "198.51.100.7") -> Client:
    """What the stuffer sends: no cookie, a User-Agent never seen before, always from the same address."""
    return Client(HTTP_USER_AGENT=f"{BROWSER_UA} Stuffer/{n}", REMOTE_ADDR=address)


def vote(article, client: Client, action: str = "vote", **extra):
    return client.post(f"/news/{article.pk}/vote/", {"action": action}, **extra)


def beacon(article, client: Client):
    return client.post(f"/news/{article.pk}/seen/")


def counts(article) -> tuple[int, int]:
    votes = Article.objects.values_list("vote_count", flat=True).get(pk=article.pk)
    return votes, Vote.objects.filter(article=article).count()


@pytest.fixture
def no_auto_flush():
    """Views stay in the buffer, where `view_counts_pending` reads them."""
    cache.set(VIEW_FLUSH_DUE_KEY, 1, timeout=3600)


def test_sixty_votes_with_new_user_agents_from_one_address_count_once_per_budget(make_article, settings):
    """The reported attack, with the shipped defaults: 60/60 votes were accepted; now one article's budget."""
    article = make_article()

    responses = [vote(article, fresh_client(n), **JSON) for n in range(60)]

    accepted = [r for r in responses if r.status_code == 200]
    assert len(accepted) == settings.NEWSROOM_VOTE_ARTICLE_LIMIT < 60
    assert {r.status_code for r in responses[len(accepted) :]} == {429}
    assert counts(article) == (len(accepted), len(accepted))  # exact: a refused vote stores nothing


def test_the_per_article_budget_refuses_with_a_message_and_retry_after(make_article, settings):
    settings.NEWSROOM_VOTE_ARTICLE_LIMIT = 3
    article = make_article()
    for n in range(3):
        assert vote(article, fresh_client(n), **JSON).status_code == 200

    as_json = vote(article, fresh_client(3), **JSON)
    as_page = vote(article, fresh_client(4))

    assert as_json.status_code == 429 and as_json.json() == {"error": str(REFUSED_ARTICLE_BUDGET)}
    assert 0 < int(as_json["Retry-After"]) <= settings.NEWSROOM_ARTICLE_BUDGET_WINDOW_SECONDS
    page = as_page.content.decode()
    assert as_page.status_code == 429 and as_page["Content-Type"].startswith("text/html")
    assert escape(str(REFUSED_ARTICLE_BUDGET)) in page and f'href="{article.get_absolute_url()}"' in page
    assert counts(article) == (3, 3)


def test_the_budget_is_per_article_and_per_address(make_article, settings):
    settings.NEWSROOM_VOTE_ARTICLE_LIMIT = 2
    first, second = make_article(), make_article()
    assert [vote(first, fresh_client(n), **JSON).status_code for n in range(3)] == [200, 200, 429]

    assert vote(second, fresh_client(3), **JSON).status_code == 200  # another article: its own budget
    assert vote(first, fresh_client(4, address="203.0.113.20"), **JSON).status_code == 200  # another client
    assert counts(first) == (3, 3) and counts(second) == (1, 1)


def test_an_ipv6_64_is_one_client(make_article, settings):
    settings.NEWSROOM_VOTE_ARTICLE_LIMIT = 2
    article = make_article()
    same_64 = ["2001:db8:5:6::1", "2001:db8:5:6:ffff:ffff:ffff:fffe", "2001:db8:5:6:1234::9"]

    statuses = [vote(article, fresh_client(n, address=a), **JSON).status_code for n, a in enumerate(same_64)]

    assert statuses == [200, 200, 429]
    assert vote(article, fresh_client(9, address="2001:db8:5:7::1"), **JSON).status_code == 200  # next /64
    assert counts(article) == (3, 3)


def test_an_ipv4_mapped_ipv6_address_is_its_ipv4_client(make_article, settings):
    settings.NEWSROOM_VOTE_ARTICLE_LIMIT = 1
    article = make_article()
    assert vote(article, fresh_client(0, address="198.51.100.7"), **JSON).status_code == 200
    assert vote(article, fresh_client(1, address="::ffff:198.51.100.7"), **JSON).status_code == 429


def test_repeats_and_withdrawals_cost_nothing_and_a_reader_behind_a_spent_address_keeps_their_vote(
    make_article, settings
):
    """Readers sharing an office's address: a double click or a withdrawal does not eat a colleague's vote."""
    settings.NEWSROOM_VOTE_ARTICLE_LIMIT = 2
    article = make_article()
    ana, ben, cat = fresh_client(1), fresh_client(2), fresh_client(3)

    assert vote(article, ana, **JSON).json() == {"votes": 1, "voted": True, "changed": True}
    repeats = [vote(article, ana, **JSON).json() for _ in range(5)]
    assert repeats == [{"votes": 1, "voted": True, "changed": False}] * 5
    assert vote(article, ben, **JSON).json()["votes"] == 2  # the budget's second unit, not spent by repeats
    assert vote(article, cat, **JSON).status_code == 429

    assert vote(article, ana, "undo", **JSON).json() == {"votes": 1, "voted": False, "changed": True}
    assert vote(article, ana, **JSON).status_code == 429  # voting again is a new vote: the budget is spent
    assert counts(article) == (1, 1)


def test_the_window_limit_is_per_address_whatever_the_user_agent(make_article, settings):
    settings.NEWSROOM_VOTE_RATE_LIMIT = 4
    articles = [make_article() for _ in range(5)]

    responses = [vote(a, fresh_client(n), **JSON) for n, a in enumerate(articles)]

    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    assert responses[-1].json() == {"error": str(REFUSED_RATE)}
    assert Vote.objects.count() == 4


def test_sixty_beacons_with_new_user_agents_from_one_address_count_once_per_budget(
    make_article, settings, no_auto_flush
):
    settings.NEWSROOM_VIEW_ARTICLE_LIMIT = 10
    article = make_article()

    counted = [beacon(article, fresh_client(n)).json()["counted"] for n in range(60)]

    assert counted == [True] * 10 + [False] * 50
    assert view_counts.view_counts_pending(article_id=article.pk) == 10
    # Another address, another article: budgets of their own.
    assert beacon(article, fresh_client(60, address="203.0.113.30")).json()["counted"] is True
    assert beacon(make_article(), fresh_client(61)).json()["counted"] is True


def test_the_shipped_view_budget_caps_a_stuffer(make_article, settings, no_auto_flush):
    article = make_article()
    limit = settings.NEWSROOM_VIEW_ARTICLE_LIMIT

    counted = sum(beacon(article, fresh_client(n)).json()["counted"] for n in range(limit + 20))

    assert counted == limit
    assert view_counts.view_counts_pending(article_id=article.pk) == limit


def test_a_reader_already_counted_costs_the_address_nothing(make_article, settings, no_auto_flush):
    settings.NEWSROOM_VIEW_ARTICLE_LIMIT = 2
    article = make_article()
    ana = fresh_client(1)

    assert [beacon(article, ana).json()["counted"] for _ in range(4)] == [True, False, False, False]
    assert beacon(article, fresh_client(2)).json()["counted"] is True  # the second unit was still there
    assert beacon(article, fresh_client(3)).json()["counted"] is False
    assert view_counts.view_counts_pending(article_id=article.pk) == 2


def test_the_beacon_window_limit_is_per_address_whatever_the_user_agent(make_article, settings, no_auto_flush):
    settings.NEWSROOM_BEACON_RATE_LIMIT = 3
    articles = [make_article() for _ in range(4)]

    counted = [beacon(a, fresh_client(n)).json()["counted"] for n, a in enumerate(articles)]

    assert counted == [True, True, True, False]
