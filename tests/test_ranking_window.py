"""Ranking's window: exactly the buckets it covers, read from the covering index alone, rebuilt without a stampede."""

import datetime
import time

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from articles.engagement import ranking
from articles.engagement.buckets import buckets_add, view_counts_record
from articles.engagement.models import PopularityBucket
from articles.engagement.ranking import rank_popular_articles
from newsroom import cache_entries
from newsroom.cache import ranking_key
from newsroom.cache_entries import rebuild_done, rebuild_lock
from tests.builders import query_plan, reads_index_alone

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
SINCE = datetime.datetime(2026, 1, 10, 12, 30, tzinfo=UTC)  # a window opening at 12:30 on 10 January


def test_the_window_holds_hours_from_its_hour_and_days_from_its_day(make_article):
    article = make_article()
    hour, day, total = (PopularityBucket.Granularity.HOUR, PopularityBucket.Granularity.DAY, "total")
    buckets = {
        "hour before the window's hour, same day": (hour, datetime.datetime(2026, 1, 10, 11, tzinfo=UTC), False),
        "hour the window opens in": (hour, datetime.datetime(2026, 1, 10, 12, tzinfo=UTC), True),
        "later hour": (hour, datetime.datetime(2026, 1, 12, 3, tzinfo=UTC), True),
        "hour of the day before": (hour, datetime.datetime(2026, 1, 9, 23, tzinfo=UTC), False),
        "day the window opens in": (day, datetime.datetime(2026, 1, 10, tzinfo=UTC), True),
        "later day": (day, datetime.datetime(2026, 1, 11, tzinfo=UTC), True),
        "day before": (day, datetime.datetime(2026, 1, 9, tzinfo=UTC), False),
        "total before retention": (total, PopularityBucket.TOTAL_PERIOD_START, False),
    }
    for n, (granularity, start, _) in enumerate(buckets.values()):
        buckets_add([(article.pk, granularity, start, 2**n, 0)])

    chosen = set(PopularityBucket.objects.filter(ranking._in_window(SINCE)).values_list("granularity", "period_start"))

    assert chosen == {(g, start) for g, start, inside in buckets.values() if inside}


@pytest.mark.django_db(transaction=True)
def test_the_window_is_read_from_the_covering_index_alone(make_article):
    """Whatever the table's size, the window's rows come from one range of `popularity_window_idx` without
    visiting the table. The rows are committed and the table vacuumed, as a live table is, so an index-only
    scan is what the planner would choose by cost (inside a test's transaction no row is all-visible yet, and
    the planner picked another index by chance)."""
    article = make_article()
    for hours in range(0, 24 * 9, 5):
        view_counts_record(article_id=article.pk, views=1, at=timezone.now() - datetime.timedelta(hours=hours))
    since = timezone.now() - datetime.timedelta(days=7)
    rows = PopularityBucket.objects.filter(ranking._in_window(since)).values_list("article_id", "views", "votes")
    plan = query_plan(*rows.query.sql_with_params(), vacuum="articles_popularitybucket")
    assert reads_index_alone(plan, "popularity_window_idx"), plan


@pytest.mark.django_db(transaction=True)
def test_a_sections_rankable_articles_come_from_their_index_alone(make_article, section):
    """A section's Ranking sums the buckets of the section's rankable articles: on PostgreSQL their ids are read
    from `article_rankable_sec_idx` without visiting the table (at 100,000 articles the table scan of World's
    23,461 articles was 64 of the query's 83 ms: docs/ranking-benchmark.md)."""
    for n in range(6):
        article = make_article(exclude_from_ranking=n == 5)
        view_counts_record(article_id=article.pk, views=n + 1)
    since = timezone.now() - datetime.timedelta(days=7)
    rankable = ranking._rankable([section.pk]).order_by().values_list("pk")  # as inside the sums: no order

    plan = query_plan(*rankable.query.sql_with_params(), vacuum="articles_article")

    if connection.vendor == "postgresql":
        assert reads_index_alone(plan, "article_rankable_sec_idx"), plan
    else:  # SQLite searches one of the section indexes (and reads the rows for the partial index's condition)
        assert "SEARCH articles_article USING INDEX article_" in plan, plan
    scores = ranking._window_scores(
        ranking._rankable([section.pk]), since=since, now=timezone.now(), half_life=None, window=None, limit=10
    )
    assert sorted(scores.values()) == [1, 2, 3, 4, 5]  # the excluded one (6 views) is not among them


def test_a_stale_ranking_is_rebuilt_by_one_request_while_the_others_serve_the_previous_list(
    make_article, monkeypatch, django_assert_num_queries
):
    a, b = make_article(title="A"), make_article(title="B")
    view_counts_record(article_id=a.pk, views=5)
    view_counts_record(article_id=b.pk, views=1)
    day = datetime.timedelta(days=1)
    assert [x.title for x in rank_popular_articles(window=day)] == ["A", "B"]
    view_counts_record(article_id=b.pk, views=100)
    later = time.time() + settings.NEWSROOM_POPULARITY_CACHE_SECONDS + 1  # the cached list is stale now
    monkeypatch.setattr(cache_entries.time, "time", lambda: later)
    weights = f"{settings.NEWSROOM_POPULARITY_VIEW_WEIGHT}:{settings.NEWSROOM_POPULARITY_VOTE_WEIGHT}"
    key = ranking_key(window=int(day.total_seconds()), half_life=None, section_id=None, limit=8, weights=weights)
    assert rebuild_lock(key)  # another request is rebuilding it

    with django_assert_num_queries(1):  # no bucket sums: only the cached ids' visibility re-checked
        assert [x.title for x in rank_popular_articles(window=day)] == ["A", "B"]

    rebuild_done(key)  # that request is done (or died and its lock expired): the next one rebuilds
    with django_assert_num_queries(2):
        assert [x.title for x in rank_popular_articles(window=day)] == ["B", "A"]
