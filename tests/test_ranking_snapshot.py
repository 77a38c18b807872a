"""The Ranking's snapshot: the window's best summed once a minute by the view flush, so a Ranking rebuilt with
every cache empty reads an index range instead of summing the window (whose buckets grow with its activity)."""

import io
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.engagement.buckets import ranking_snapshot_refresh, view_counts_record
from articles.engagement.models import RankingSnapshot
from articles.engagement.ranking import SNAPSHOT_FRESH_SECONDS, rank_popular_articles

pytestmark = pytest.mark.django_db


def ranked(**options) -> tuple[list[str], list[str]]:
    """The ranking's titles with every cache empty, and the SQL it ran."""
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        titles = [a.title for a in rank_popular_articles(**options)]
    return titles, [query["sql"] for query in queries.captured_queries]


@pytest.fixture
def popular(make_article):
    stories = [make_article(title=f"Story {n}") for n in range(12)]
    for n, story in enumerate(stories):
        view_counts_record(article_id=story.pk, views=(n * 7) % 12 + 1)
    return stories


def kept_first(story) -> None:
    """The snapshot alone says `story` is the best: a ranking that shows it first read the snapshot."""
    RankingSnapshot.objects.filter(article=story).update(score=10**9)


def test_a_fresh_snapshot_gives_the_ranking_the_sums_give_in_as_many_queries(popular):
    live, live_queries = ranked(limit=8)

    ranking_snapshot_refresh()
    kept, kept_queries = ranked(limit=8)
    kept_first(popular[0])

    assert kept == live and len(kept_queries) == len(live_queries)
    assert RankingSnapshot.objects.count() == 12  # every story with points: fewer than the snapshot's size
    assert ranked(limit=8)[0][0] == popular[0].title  # read from the snapshot


@pytest.mark.django_db(transaction=True)
def test_with_a_fresh_snapshot_the_window_is_never_summed(popular):
    ranking_snapshot_refresh()
    sql = next(sql for sql in ranked(limit=8)[1] if "NOT EXISTS" in sql)
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF) {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    summing = [line for line in plan.splitlines() if "Scan" in line and "popularit" in line]  # the buckets read
    assert summing and all("never executed" in line for line in summing), plan


def test_a_stale_snapshot_is_not_read(popular):
    live = ranked(limit=8)[0]
    ranking_snapshot_refresh(now=timezone.now() - timedelta(seconds=SNAPSHOT_FRESH_SECONDS + 1))
    kept_first(popular[0])

    assert ranked(limit=8)[0] == live  # summed from the buckets again


def test_a_story_unpublished_since_the_snapshot_is_left_out_at_once(popular):
    ranking_snapshot_refresh()
    best = ranked(limit=3)[0]
    top = next(story for story in popular if story.title == best[0])
    top.status = top.Status.DRAFT
    top.save()

    assert best[0] not in ranked(limit=3)[0]


def test_other_windows_and_sections_sum_their_buckets(popular):
    ranking_snapshot_refresh()
    kept_first(popular[0])

    assert ranked(limit=8, window=timedelta(days=1))[0][0] != popular[0].title
    assert ranked(limit=8, section=popular[0].section)[0][0] != popular[0].title


def test_the_minute_flush_refreshes_the_snapshot(popular):
    out = io.StringIO()
    call_command("flush_view_counts", stdout=out)
    kept_first(popular[0])

    assert out.getvalue().startswith("Flushed ")  # its one line, as before
    assert RankingSnapshot.objects.count() == 12
    assert ranked(limit=8)[0][0] == popular[0].title
