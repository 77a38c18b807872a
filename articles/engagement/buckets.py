"""Writes: popularity buckets: adding views and votes to them, and folding old ones into coarser periods; the
Ranking's snapshot of the window's best, summed from them (`ranking_snapshot_refresh`, after each view flush).

Hourly buckets are written by votes and view flushes; after `NEWSROOM_POPULARITY_HOURLY_DAYS` they roll up
into daily ones; past `NEWSROOM_POPULARITY_RETENTION_DAYS` they fold into each article's `total` bucket, so
the buckets of an article always add up to its all-time counts.
"""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Sum
from django.db.models.functions import TruncDay
from django.utils import timezone

from articles.engagement.models import PopularityBucket, RankingSnapshot
from articles.engagement.ranking import SNAPSHOT_SIZE, SNAPSHOT_WINDOWS, best_in_window
from articles.models import Article

FOLD_BATCH_SIZE = 5000
UPSERT_BATCH_SIZE = 500

BucketRow = tuple[int, str, datetime.datetime, int, int]  # article id, granularity, period start, views, votes


def buckets_add(rows: Iterable[BucketRow]) -> None:
    """Add (views, votes) to each (article, granularity, period) bucket, creating it if absent.

    One `INSERT … ON CONFLICT DO UPDATE` with additive SET clauses: PostgreSQL and SQLite (≥ 3.24) both speak
    it. Rows are sorted first, so concurrent writers lock buckets in the same order.
    """
    rows = sorted(rows, key=lambda row: (row[0], row[1], row[2]))
    table = connection.ops.quote_name(PopularityBucket._meta.db_table)
    adapt = connection.ops.adapt_datetimefield_value
    for start in range(0, len(rows), UPSERT_BATCH_SIZE):
        batch = rows[start : start + UPSERT_BATCH_SIZE]
        placeholders = ", ".join(["(%s, %s, %s, %s, %s)"] * len(batch))
        params = [value for a, g, p, views, votes in batch for value in (a, g, adapt(p), views, votes)]
        sql = (
            f"INSERT INTO {table} (article_id, granularity, period_start, views, votes) VALUES {placeholders} "  # noqa: S608 — table name from model meta, values are parameters
            f"ON CONFLICT (article_id, granularity, period_start) DO UPDATE "
            f"SET views = {table}.views + excluded.views, votes = {table}.votes + excluded.votes"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def hour_row(article_id: int, at: datetime.datetime, *, views: int = 0, votes: int = 0) -> BucketRow:
    return (article_id, PopularityBucket.Granularity.HOUR, PopularityBucket.hour_of(at), views, votes)


def view_counts_record(*, article_id: int, views: int, at: datetime.datetime | None = None) -> None:
    """Record known views straight into an hourly bucket and `view_count` (imports of totals, tests).

    Readers' views go through `view_counts.view_register`; votes only ever through `votes.vote_add`.
    """
    with transaction.atomic():
        Article.objects.filter(pk=article_id).update(view_count=F("view_count") + views)
        buckets_add([hour_row(article_id, at or timezone.now(), views=views)])


def _fold_buckets(*, granularities: list[str], before: datetime.datetime, into: str) -> int:
    """Move buckets older than `before` into coarser ones (days, or the article's total), in small batches.

    The rows of each batch are locked first and deleted by id, so a late flush adding to one of them either
    lands before the lock (and is folded) or after the delete (as a new row, folded next time).
    """
    moved = 0
    while True:
        with transaction.atomic():
            ids = list(
                PopularityBucket.objects.select_for_update()
                .filter(granularity__in=granularities, period_start__lt=before)
                .order_by("pk")
                .values_list("pk", flat=True)[:FOLD_BATCH_SIZE]
            )
            if not ids:
                return moved
            batch = PopularityBucket.objects.filter(pk__in=ids)
            if into == PopularityBucket.Granularity.DAY:
                grouped = batch.annotate(period=TruncDay("period_start", tzinfo=datetime.UTC))
                grouped = grouped.values("article_id", "period")
            else:
                grouped = batch.values("article_id")
            total_start = PopularityBucket.TOTAL_PERIOD_START
            buckets_add(
                (row["article_id"], into, row.get("period", total_start), row["views"], row["votes"])
                for row in grouped.annotate(views=Sum("views"), votes=Sum("votes")).order_by()
            )
            batch.delete()
            moved += len(ids)


def popularity_rollup(*, now: datetime.datetime | None = None) -> int:
    """Roll hourly buckets older than `NEWSROOM_POPULARITY_HOURLY_DAYS` (whole UTC days) into daily ones."""
    now = now or timezone.now()
    cutoff = PopularityBucket.day_of(now - datetime.timedelta(days=settings.NEWSROOM_POPULARITY_HOURLY_DAYS))
    return _fold_buckets(
        granularities=[PopularityBucket.Granularity.HOUR], before=cutoff, into=PopularityBucket.Granularity.DAY
    )


def popularity_prune(*, now: datetime.datetime | None = None, retention_days: int | None = None) -> int:
    """Fold buckets past retention into each article's `total` bucket (all-time counts stay exact)."""
    now = now or timezone.now()
    days = settings.NEWSROOM_POPULARITY_RETENTION_DAYS if retention_days is None else retention_days
    return _fold_buckets(
        granularities=[PopularityBucket.Granularity.HOUR, PopularityBucket.Granularity.DAY],
        before=PopularityBucket.day_of(now - datetime.timedelta(days=days)),
        into=PopularityBucket.Granularity.TOTAL,
    )


def ranking_snapshot_refresh(*, now: datetime.datetime | None = None) -> int:
    """Sum each snapshot window's buckets once (`ranking.SNAPSHOT_WINDOWS`) and keep its best `SNAPSHOT_SIZE`, in
    place of the previous snapshot, in one transaction: the Ranking rebuilt with every cache empty reads them
    instead of summing the window itself. The rows kept."""
    now = now or timezone.now()
    rows = [
        RankingSnapshot(window_seconds=int(window.total_seconds()), article_id=pk, score=score, computed_at=now)
        for window in SNAPSHOT_WINDOWS
        for pk, score in best_in_window(window, now=now, limit=SNAPSHOT_SIZE).items()
    ]
    with transaction.atomic():
        RankingSnapshot.objects.all().delete()
        RankingSnapshot.objects.bulk_create(rows, batch_size=UPSERT_BATCH_SIZE)
    return len(rows)
