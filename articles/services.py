"""Writes with side effects. Each checks its input first, then does the write in one transaction.

Lock order, everywhere: vote row → article row → popularity bucket rows (articles and buckets by ascending id).
Keeping to it is what lets votes, view flushes, roll-ups and `reconcile_counts` run side by side without deadlocks.
"""

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, TruncDay
from django.utils import timezone
from django.utils.crypto import salted_hmac

from articles.models import Article, PopularityBucket, Vote

logger = logging.getLogger(__name__)

UTC = datetime.UTC
TOTAL_PERIOD_START = datetime.datetime(1970, 1, 1, tzinfo=UTC)
FOLD_BATCH_SIZE = 5000
RECONCILE_CHUNK = 500


# --- time helpers ---------------------------------------------------------------------------------


def hour_start(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def day_start(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


# --- popularity buckets ---------------------------------------------------------------------------


def _bucket_upsert(rows: Iterable[tuple[int, str, datetime.datetime, int, int]]) -> None:
    """Add (views, votes) to each (article, granularity, period) bucket, creating it if absent.

    One `INSERT … ON CONFLICT DO UPDATE` with additive SET clauses: PostgreSQL and SQLite (≥ 3.24) both speak it.
    """
    rows = sorted(rows, key=lambda row: (row[0], row[1], row[2]))
    if not rows:
        return
    table = connection.ops.quote_name(PopularityBucket._meta.db_table)
    adapt = connection.ops.adapt_datetimefield_value
    for start in range(0, len(rows), 500):
        batch = rows[start : start + 500]
        placeholders = ", ".join(["(%s, %s, %s, %s, %s)"] * len(batch))
        params = [value for a, g, p, views, votes in batch for value in (a, g, adapt(p), views, votes)]
        sql = (
            f"INSERT INTO {table} (article_id, granularity, period_start, views, votes) VALUES {placeholders} "  # noqa: S608 — table name from model meta, values are parameters
            f"ON CONFLICT (article_id, granularity, period_start) DO UPDATE "
            f"SET views = {table}.views + excluded.views, votes = {table}.votes + excluded.votes"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def views_record(*, article_id: int, views: int, at: datetime.datetime | None = None) -> None:
    """Record views straight into an hourly bucket and `view_count` (seeding, imports of known totals).

    Readers' views go through `views_buffer_add`; votes only ever through `vote_add`, so vote rows stay the truth.
    """
    at = at or timezone.now()
    with transaction.atomic():
        Article.objects.filter(pk=article_id).update(view_count=F("view_count") + views)
        _bucket_upsert([(article_id, PopularityBucket.Granularity.HOUR, hour_start(at), views, 0)])


# --- votes ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VoteOutcome:
    count: int  # the article's vote count as committed by this transaction
    voted: bool  # whether this voter's vote stands afterwards
    changed: bool  # False when the request was a repeat (idempotent no-op)


def _committed_vote_count(article_id: int) -> int:
    return Article.objects.values_list("vote_count", flat=True).get(pk=article_id)


@transaction.atomic
def vote_add(*, article: Article, voter_key: str) -> VoteOutcome:
    """Record one vote by `voter_key`; a repeat is a no-op that reports the same count."""
    now = timezone.now()
    table = connection.ops.quote_name(Vote._meta.db_table)
    with connection.cursor() as cursor:
        # Insert-if-absent on the unique key: a duplicate neither errors nor counts.
        cursor.execute(
            f"INSERT INTO {table} (article_id, voter_key, created_at) VALUES (%s, %s, %s) "  # noqa: S608 — table name from model meta
            f"ON CONFLICT (article_id, voter_key) DO NOTHING RETURNING id",
            [article.pk, voter_key, connection.ops.adapt_datetimefield_value(now)],
        )
        inserted = cursor.fetchone() is not None
    if inserted:
        Article.objects.filter(pk=article.pk).update(vote_count=F("vote_count") + 1)
        _bucket_upsert([(article.pk, PopularityBucket.Granularity.HOUR, hour_start(now), 0, 1)])
    return VoteOutcome(count=_committed_vote_count(article.pk), voted=True, changed=inserted)


@transaction.atomic
def vote_remove(*, article: Article, voter_key: str) -> VoteOutcome:
    """Withdraw `voter_key`'s vote; without one it is a no-op. The count never goes below zero."""
    deleted, _ = Vote.objects.filter(article_id=article.pk, voter_key=voter_key).delete()
    if deleted:
        Article.objects.filter(pk=article.pk, vote_count__gt=0).update(vote_count=F("vote_count") - 1)
        # Net votes of the current hour: the ranking window sees the withdrawal when it happens.
        _bucket_upsert([(article.pk, PopularityBucket.Granularity.HOUR, hour_start(timezone.now()), 0, -1)])
    return VoteOutcome(count=_committed_vote_count(article.pk), voted=False, changed=bool(deleted))


def vote_has(*, article_id: int, voter_key: str | None) -> bool:
    if not voter_key:
        return False
    return Vote.objects.filter(article_id=article_id, voter_key=voter_key).exists()


def votes_remove_fraudulent(*, votes: Iterable[Vote]) -> int:
    """Editors removing votes they judge fraudulent: each goes through `vote_remove`, so counters follow."""
    removed = 0
    for vote in votes:
        outcome = vote_remove(article=Article(pk=vote.article_id), voter_key=vote.voter_key)
        removed += outcome.changed
    return removed


# --- view buffer ----------------------------------------------------------------------------------
#
# A counted view is one cache increment on `views:<hour>:a:<article id>`. The first increment of an
# article in an hour also appends the article id to that hour's journal (`views:<hour>:seq` and
# `views:<hour>:j:<n>`), so a flush knows which counters to read without scanning the cache.
# A flush *claims* each counter by decrementing it by what it read (atomic in Redis and in the
# local-memory cache), so increments arriving meanwhile stay behind for the next flush, and two racing
# flushes can never both take the same views. If the database write fails the claims are given back.


def _hour_index(moment: datetime.datetime) -> int:
    return int(moment.timestamp()) // 3600


def _counter_key(hour: int, article_id: int) -> str:
    return f"views:{hour}:a:{article_id}"


def _buffer_incr(hour: int, article_id: int, delta: int) -> None:
    ttl = settings.VIEW_BUFFER_TTL_SECONDS
    key = _counter_key(hour, article_id)
    for _ in range(5):
        if cache.add(key, delta, timeout=ttl):
            _journal_append(hour, article_id)
            return
        try:
            cache.incr(key, delta)
            return
        except ValueError:  # expired between add and incr; go round again
            continue
    raise RuntimeError(f"Could not buffer {delta} view(s) for article {article_id}")


def _journal_append(hour: int, article_id: int) -> None:
    """Note that `article_id` has a counter for `hour`, so flushes find it."""
    ttl = settings.VIEW_BUFFER_TTL_SECONDS
    seq_key = f"views:{hour}:seq"
    for _ in range(5):
        cache.add(seq_key, 0, timeout=ttl)
        try:
            slot = cache.incr(seq_key)
        except ValueError:  # expired between add and incr
            continue
        cache.set(f"views:{hour}:j:{slot}", article_id, timeout=ttl)
        return
    logger.error("Could not journal buffered views of article %s for hour %s", article_id, hour)


def views_buffer_add(*, article_id: int, now: datetime.datetime | None = None) -> None:
    """Count one view. No database write: the next flush moves it into a bucket and `view_count`."""
    _buffer_incr(_hour_index(now or timezone.now()), article_id, 1)


def view_register(*, article_id: int, reader_key: str, now: datetime.datetime | None = None) -> bool:
    """Count a reader's view unless they were counted for this article within `VIEW_DEDUPE_SECONDS`."""
    # No raw ids or fingerprints as cache keys.
    reader = salted_hmac("articles.reader", reader_key, algorithm="sha256").hexdigest()[:32]
    if not cache.add(f"views:seen:{article_id}:{reader}", 1, timeout=settings.VIEW_DEDUPE_SECONDS):
        return False
    views_buffer_add(article_id=article_id, now=now)
    return True


def views_pending(*, article_id: int, now: datetime.datetime | None = None) -> int:
    """Views buffered for an article in the current and previous hour (not yet in `view_count`)."""
    hour = _hour_index(now or timezone.now())
    values = cache.get_many([_counter_key(hour, article_id), _counter_key(hour - 1, article_id)])
    return sum(max(value, 0) for value in values.values())


def _claim(key: str, seen: int) -> int:
    """Take up to `seen` views from a counter; returns how many were really taken (0 if a racing flush had them)."""
    try:
        after = cache.decr(key, seen)
    except ValueError:
        return 0
    before = after + seen
    taken = min(seen, max(before, 0))
    if taken < seen:
        _give_back(key, seen - taken)
    return taken


def _give_back(key: str, amount: int) -> None:
    hour, article_id = int(key.split(":")[1]), int(key.split(":")[3])
    _buffer_incr(hour, article_id, amount)
    cache.delete(f"views:{hour}:closed")  # the hour has views to flush again


@dataclass
class FlushResult:
    articles: int = 0
    views: int = 0
    hours: set[int] = field(default_factory=set)


def views_flush(*, now: datetime.datetime | None = None, lookback_hours: int | None = None) -> FlushResult:
    """Move buffered views into hourly buckets and `view_count`, in one transaction."""
    now = now or timezone.now()
    lookback = settings.VIEW_BUFFER_LOOKBACK_HOURS if lookback_hours is None else lookback_hours
    current = _hour_index(now)
    hours = range(current - lookback, current + 1)
    ttl = settings.VIEW_BUFFER_TTL_SECONDS
    seqs = cache.get_many([f"views:{h}:seq" for h in hours])
    closed = cache.get_many([f"views:{h}:closed" for h in hours])

    claims: dict[str, int] = {}
    closable: dict[int, int] = {}  # hours long over whose journal this flush drained completely
    for hour in hours:
        seq = seqs.get(f"views:{hour}:seq")
        if not seq or closed.get(f"views:{hour}:closed") == seq:
            continue
        journal = cache.get_many([f"views:{hour}:j:{n}" for n in range(1, seq + 1)])
        keys = sorted({_counter_key(hour, article_id) for article_id in journal.values()})
        complete = len(journal) == seq
        for key, seen in cache.get_many(keys).items():
            if seen > 0:
                taken = _claim(key, seen)
                complete = complete and taken == seen
                if taken:
                    claims[key] = claims.get(key, 0) + taken
        if complete and hour < current - 1:
            closable[hour] = seq

    result = FlushResult()
    if claims:
        _write_claims(claims, result)
    # Only after the claims are safely in the database: skip these hours from now on.
    cache.set_many({f"views:{hour}:closed": seq for hour, seq in closable.items()}, timeout=ttl)
    return result


def _write_claims(claims: dict[str, int], result: FlushResult) -> None:
    per_article: dict[int, int] = defaultdict(int)
    rows = []
    for key, views in claims.items():
        hour, article_id = int(key.split(":")[1]), int(key.split(":")[3])
        per_article[article_id] += views
        period = datetime.datetime.fromtimestamp(hour * 3600, tz=UTC)
        rows.append((article_id, PopularityBucket.Granularity.HOUR, period, views, 0))
    try:
        with transaction.atomic():
            existing = set(Article.objects.filter(pk__in=per_article).values_list("pk", flat=True))
            for article_id in sorted(existing):
                Article.objects.filter(pk=article_id).update(view_count=F("view_count") + per_article[article_id])
            _bucket_upsert(row for row in rows if row[0] in existing)
    except Exception:
        for key, views in claims.items():
            _give_back(key, views)
        raise
    result.articles = len(existing)
    result.views = sum(per_article[a] for a in existing)
    result.hours = {int(key.split(":")[1]) for key in claims}


def views_flush_if_due() -> FlushResult | None:
    """At most one flush per `VIEW_FLUSH_INTERVAL_SECONDS` across all app servers (the beacon calls this)."""
    if not cache.add("views:flush-due", 1, timeout=settings.VIEW_FLUSH_INTERVAL_SECONDS):
        return None
    try:
        return views_flush()
    except Exception:
        # The claims were given back; the next beacon after the interval (or cron) retries.
        logger.exception("View flush failed; buffered views kept for the next flush")
        return None


# --- roll-up and retention ------------------------------------------------------------------------


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
                grouped = batch.annotate(period=TruncDay("period_start", tzinfo=UTC)).values("article_id", "period")
            else:
                grouped = batch.values("article_id")
            rows = [
                (row["article_id"], into, row.get("period", TOTAL_PERIOD_START), row["views"], row["votes"])
                for row in grouped.annotate(views=Sum("views"), votes=Sum("votes")).order_by()
            ]
            _bucket_upsert(rows)
            batch.delete()
            moved += len(ids)


def popularity_rollup(*, now: datetime.datetime | None = None) -> int:
    """Roll hourly buckets older than `POPULARITY_HOURLY_DAYS` (whole UTC days) into daily ones."""
    now = now or timezone.now()
    cutoff = day_start(now - datetime.timedelta(days=settings.POPULARITY_HOURLY_DAYS))
    return _fold_buckets(granularities=[PopularityBucket.Granularity.HOUR], before=cutoff, into="day")


def popularity_prune(*, now: datetime.datetime | None = None, retention_days: int | None = None) -> int:
    """Fold buckets past retention into each article's `total` bucket (all-time counts stay exact)."""
    now = now or timezone.now()
    days = settings.POPULARITY_RETENTION_DAYS if retention_days is None else retention_days
    cutoff = day_start(now - datetime.timedelta(days=days))
    return _fold_buckets(
        granularities=[PopularityBucket.Granularity.HOUR, PopularityBucket.Granularity.DAY],
        before=cutoff,
        into=PopularityBucket.Granularity.TOTAL,
    )


# --- reconciliation -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CountDrift:
    article_id: int
    counter: str
    was: int
    now: int


def counts_reconcile(*, article_ids: Iterable[int] | None = None, views: bool = True) -> list[CountDrift]:
    """Recompute `vote_count` from vote rows and `view_count` from buckets; return the drift repaired.

    Articles are screened in chunks with one read-only query each (a statement sees one consistent snapshot,
    so a vote's row and its +1 are seen together); only suspects are then fixed, one small transaction per
    article with its row locked first: a vote or flush in flight either committed before (and is counted) or
    waits and applies its change on top of the corrected value.
    """
    ids = Article.objects.order_by("pk").values_list("pk", flat=True)
    if article_ids is not None:
        ids = ids.filter(pk__in=list(article_ids))
    drifts: list[CountDrift] = []
    chunk: list[int] = []
    for article_id in ids.iterator(chunk_size=RECONCILE_CHUNK):
        chunk.append(article_id)
        if len(chunk) == RECONCILE_CHUNK:
            drifts += _reconcile_chunk(chunk, views=views)
            chunk = []
    if chunk:
        drifts += _reconcile_chunk(chunk, views=views)
    return drifts


def _vote_rows(outer: str = "pk"):
    rows = Vote.objects.filter(article_id=OuterRef(outer)).order_by().values("article_id").annotate(n=Count("pk"))
    return Coalesce(Subquery(rows.values("n")), 0)


def _bucket_views(outer: str = "pk"):
    sums = (
        PopularityBucket.objects.filter(article_id=OuterRef(outer))
        .order_by()
        .values("article_id")
        .annotate(n=Sum("views"))
    )
    return Coalesce(Subquery(sums.values("n")), 0)


def _reconcile_chunk(chunk: list[int], *, views: bool) -> list[CountDrift]:
    screened = Article.objects.filter(pk__in=chunk).annotate(rows=_vote_rows())
    drifted = ~Q(vote_count=F("rows"))
    if views:
        screened = screened.annotate(bucket_views=_bucket_views())
        drifted |= ~Q(view_count=F("bucket_views"))
    drifts = []
    for article_id in screened.filter(drifted).values_list("pk", flat=True):
        with transaction.atomic():
            row = Article.objects.select_for_update().filter(pk=article_id).values("vote_count", "view_count").first()
            if row is None:
                continue
            changes = {}
            vote_rows = Vote.objects.filter(article_id=article_id).count()
            if vote_rows != row["vote_count"]:
                changes["vote_count"] = vote_rows
            if views:
                total = PopularityBucket.objects.filter(article_id=article_id).aggregate(v=Sum("views"))["v"] or 0
                if total != row["view_count"]:
                    changes["view_count"] = total
            if changes:
                Article.objects.filter(pk=article_id).update(**changes)
                drifts += [CountDrift(article_id, name, row[name], value) for name, value in changes.items()]
    return drifts
