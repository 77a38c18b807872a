"""Writes: view counts: a reader's view is one cache increment; flushes move them into buckets and `view_count`.

A counted view increments the counter of (hour, article). The first increment of an article in an hour also
appends the article id to that hour's journal, so a flush knows which counters to read without scanning the
cache. A flush *claims* each counter by decrementing it by what it read (atomic in Redis and in the
local-memory cache), so views arriving meanwhile stay behind for the next flush, and two racing flushes can
never both take the same views. If the database write fails the claims are given back.

While the cache is unreachable (`newsroom.cache_backend`) each counted view is written straight to its bucket
and `view_count` (exact, one small transaction per view), de-duplicated in the process's memory meanwhile.
The buffer lives in Redis until the next flush (`NEWSROOM_VIEW_FLUSH_INTERVAL_SECONDS` under traffic, the
beacon flushes; one cron minute when quiet, `manage.py flush_view_counts`). Redis run with `deploy/redis.conf`
keeps it across a restart or a crash (an append-only file written every second; docs/operations.md).
"""

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from articles.engagement.buckets import buckets_add, hour_row
from articles.models import Article
from newsroom.cache import (
    VIEW_FLUSH_DUE_KEY,
    view_counter_key,
    view_hour_flushed_key,
    view_journal_entry_key,
    view_journal_length_key,
    view_seen_key,
)
from newsroom.cache_backend import CacheUnavailable, local_fallback, shared_cache_down
from newsroom.cache_entries import counter_add

logger = logging.getLogger(__name__)

Counter = tuple[int, int]  # (hour index, article id)


def _hour_index(moment: datetime.datetime) -> int:
    return int(moment.timestamp()) // 3600


def _buffer_add(counter: Counter, delta: int) -> None:
    hour, article_id = counter
    ttl = settings.NEWSROOM_VIEW_BUFFER_TTL_SECONDS
    try:
        if counter_add(view_counter_key(hour, article_id), delta, timeout=ttl, shared_only=True).created:
            # Journal the new counter so flushes find it.
            slot = counter_add(view_journal_length_key(hour), timeout=ttl, shared_only=True).value
            cache.set(view_journal_entry_key(hour, slot), article_id, timeout=ttl)
    except CacheUnavailable:
        _write_views({counter: delta})  # the cache is down: straight into the database, nothing buffered


def _first_sighting(article_id: int, reader_key: str) -> bool:
    """Mark the reader as counted for this article for `NEWSROOM_VIEW_DEDUPE_SECONDS`; False if they already were."""
    seen_key, window = view_seen_key(article_id, reader_key), settings.NEWSROOM_VIEW_DEDUPE_SECONDS
    return cache.add(seen_key, 1, timeout=window) or (
        shared_cache_down(cache) and local_fallback().add(seen_key, 1, timeout=window)
    )


def view_register(
    *, article_id: int, reader_key: str, returning_as: str | None = None, now: datetime.datetime | None = None
) -> bool:
    """Count a reader's view unless they were counted for this article within `NEWSROOM_VIEW_DEDUPE_SECONDS`.

    `returning_as`: the key the reader will come back with (the cookie just handed out), counted as seen too.
    """
    if not _first_sighting(article_id, reader_key):
        return False
    if returning_as:
        _first_sighting(article_id, returning_as)
    _buffer_add((_hour_index(now or timezone.now()), article_id), 1)
    return True


def view_counts_pending(*, article_id: int, now: datetime.datetime | None = None) -> int:
    """Views buffered for an article in the current and previous hour (not yet in `view_count`)."""
    hour = _hour_index(now or timezone.now())
    values = cache.get_many([view_counter_key(hour, article_id), view_counter_key(hour - 1, article_id)])
    return sum(max(value, 0) for value in values.values())


def _claim(counter: Counter, seen: int) -> int:
    """Take up to `seen` views from a counter; returns how many were really taken (0 if a racing flush had them)."""
    try:
        after = cache.decr(view_counter_key(*counter), seen)
    except (ValueError, CacheUnavailable):  # a racing flush took them, or the cache is down: a later flush
        return 0
    taken = min(seen, max(after + seen, 0))
    if taken < seen:
        _give_back(counter, seen - taken)
    return taken


def _give_back(counter: Counter, amount: int) -> None:
    _buffer_add(counter, amount)
    cache.delete(view_hour_flushed_key(counter[0]))  # the hour has views to flush again


@dataclass
class FlushResult:
    articles: int = 0
    views: int = 0


def view_counts_flush(*, now: datetime.datetime | None = None, lookback_hours: int | None = None) -> FlushResult:
    """Move buffered views into hourly buckets and `view_count`, in one transaction."""
    now = now or timezone.now()
    lookback = settings.NEWSROOM_VIEW_BUFFER_LOOKBACK_HOURS if lookback_hours is None else lookback_hours
    current = _hour_index(now)
    hours = range(current - lookback, current + 1)
    lengths = cache.get_many([view_journal_length_key(h) for h in hours])
    flushed = cache.get_many([view_hour_flushed_key(h) for h in hours])

    claims: dict[Counter, int] = {}
    closable: dict[int, int] = {}  # hours long over whose journal this flush drained completely
    for hour in hours:
        length = lengths.get(view_journal_length_key(hour))
        if not length or flushed.get(view_hour_flushed_key(hour)) == length:
            continue
        journal = cache.get_many([view_journal_entry_key(hour, n) for n in range(1, length + 1)])
        counters = {view_counter_key(hour, a): (hour, a) for a in sorted(set(journal.values()))}
        complete = len(journal) == length
        for key, seen in cache.get_many(list(counters)).items():
            if seen > 0:
                taken = _claim(counters[key], seen)
                complete = complete and taken == seen
                if taken:
                    claims[counters[key]] = claims.get(counters[key], 0) + taken
        if complete and hour < current - 1:
            closable[hour] = length

    result = _write_claims(claims) if claims else FlushResult()
    # Only after the claims are safely in the database: skip these hours from now on.
    ttl = settings.NEWSROOM_VIEW_BUFFER_TTL_SECONDS
    cache.set_many({view_hour_flushed_key(hour): length for hour, length in closable.items()}, timeout=ttl)
    return result


def _write_claims(claims: dict[Counter, int]) -> FlushResult:
    try:
        return _write_views(claims)
    except Exception:
        for counter, views in claims.items():
            _give_back(counter, views)
        raise


def _write_views(views_by_counter: dict[Counter, int]) -> FlushResult:
    """Add views to `view_count` and the hourly buckets, in one transaction."""
    per_article: dict[int, int] = defaultdict(int)
    for (_, article_id), views in views_by_counter.items():
        per_article[article_id] += views
    with transaction.atomic():
        existing = set(Article.objects.filter(pk__in=per_article).values_list("pk", flat=True))
        for article_id in sorted(existing):  # the lock order: articles by ascending id, then buckets
            Article.objects.filter(pk=article_id).update(view_count=F("view_count") + per_article[article_id])
        buckets_add(
            hour_row(article_id, datetime.datetime.fromtimestamp(hour * 3600, tz=datetime.UTC), views=views)
            for (hour, article_id), views in views_by_counter.items()
            if article_id in existing
        )
    return FlushResult(articles=len(existing), views=sum(per_article[a] for a in existing))


def view_counts_flush_if_due() -> FlushResult | None:
    """At most one flush per `NEWSROOM_VIEW_FLUSH_INTERVAL_SECONDS` across all app servers (the beacon calls it)."""
    if not cache.add(VIEW_FLUSH_DUE_KEY, 1, timeout=settings.NEWSROOM_VIEW_FLUSH_INTERVAL_SECONDS):
        return None
    try:
        return view_counts_flush()
    except Exception:
        # The claims were given back; the next beacon after the interval (or cron) retries.
        logger.exception("View flush failed; buffered views kept for the next flush")
        return None
