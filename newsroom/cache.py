"""Every cache key the project uses, how it is built, and how it is dropped.

Three kinds of entries live in the cache:
- cached reads (section tree, widgets, Related, rankings): rebuilt on a miss by the caller's builder,
  dropped after commit when content changes (`content_changed_on_commit`, `section_tree_purge_on_commit`);
- counters (view buffer, rate limits, sign-in failures): `counter_add`, atomic in Redis and local memory;
- markers (a reader seen, a flush due, an hour flushed): plain `add`/`set` with a timeout.

Keys that would carry a reader's id, address or name hold a keyed hash of it instead (`hashed`).
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils.crypto import salted_hmac

COUNTER_RETRIES = 5


def hashed(purpose: str, value: str) -> str:
    """A keyed hash (SECRET_KEY) of `value`: stable enough to count with, useless for identifying anyone."""
    return salted_hmac(purpose, value, algorithm="sha256").hexdigest()[:32]


REBUILD_LOCK_SECONDS = 30  # if the request rebuilding an entry dies, another takes over after this
STALE_KEPT_FACTOR = 10  # an entry is kept this many lifetimes, to serve while one request rebuilds it


def rebuild_lock(key: str) -> bool:
    """True for the one request that should rebuild `key` now; the others serve the copy they have."""
    return cache.add(f"{key}:rebuilding", 1, timeout=REBUILD_LOCK_SECONDS)


def rebuild_done(key: str) -> None:
    cache.delete(f"{key}:rebuilding")


def get_or_build(key: str, build: Callable[[], Any], timeout: int) -> Any:
    """The cached value of `key`, or `build()`'s result, fresh for `timeout` seconds.

    No stampede: when the value goes stale, one request rebuilds it while every other request keeps serving
    the stale copy (kept `STALE_KEPT_FACTOR` lifetimes). Only a key never built or dropped outright (a purge)
    makes requests build at once.
    """
    entry = cache.get(key)
    now = time.time()
    if entry is not None:
        value, fresh_until = entry
        if now < fresh_until or not rebuild_lock(key):
            return value
    try:
        value = build()
        cache.set(key, (value, now + timeout), timeout * STALE_KEPT_FACTOR)
    finally:
        if entry is not None:
            rebuild_done(key)
    return value


@dataclass(frozen=True)
class CounterHit:
    value: int  # the counter after this addition
    created: bool  # this addition started the counter


def counter_add(key: str, delta: int = 1, *, timeout: int) -> CounterHit:
    """Add `delta` to a counter, starting it (with `timeout`) when absent. Atomic: no increment is lost."""
    for _ in range(COUNTER_RETRIES):
        if cache.add(key, delta, timeout=timeout):
            return CounterHit(delta, created=True)
        try:
            return CounterHit(cache.incr(key, delta), created=False)
        except ValueError:  # expired between add and incr: go round again
            continue
    raise RuntimeError(f"Could not add {delta} to the counter {key}")


# --- content: widgets, Related, section tree -------------------------------------------------------

CONTENT_VERSION_KEY = "articles:content-version"
SECTION_TREE_KEY = "articles:section-tree:v1"


def content_version() -> str:
    """A token that changes whenever an article, its tags or a section changes.

    Reading never writes: before the first change (or after the cache lost the token) it is "0", and
    widgets cached under it live only `WIDGETS_CACHE_SECONDS`.
    """
    return str(cache.get(CONTENT_VERSION_KEY, 0))


def content_changed() -> None:
    """Drop every cached page and widget at once: the next request computes them afresh."""
    cache.set(CONTENT_VERSION_KEY, time.time_ns(), None)


def content_changed_on_commit() -> None:
    # After commit: a page rendered meanwhile must not cache widgets from the old rows under the new version.
    transaction.on_commit(content_changed)


def section_tree_purge_on_commit() -> None:
    def purge() -> None:
        cache.delete(SECTION_TREE_KEY)
        content_changed()

    transaction.on_commit(purge)


def widgets_key(article_id: int | None) -> str:
    return f"articles:widgets:{content_version()}:{article_id or 'front'}"


def related_key(article_id: int, limit: int, tag_ids: list[int]) -> str:
    # Retagging changes `tag_ids` and so the key; publishing elsewhere joins when the entry expires.
    return f"articles:related:v1:{article_id}:{limit}:{','.join(map(str, tag_ids))}"


def ranking_key(*, window: int | None, half_life: int | None, section_id: int | None, limit: int, weights: str) -> str:
    parts = [window or "all", half_life or "-", section_id or "-", limit, weights]
    return "popularity:v1:" + ":".join(map(str, parts))


# --- whole pages ------------------------------------------------------------------------------------

PAGE_QUERY_PARAMETERS = ("page", "q")  # the only parameters a public page reads


def page_key(*, host: str, path: str, query) -> str:
    """One shared copy per page: host, path, and only the query parameters pages read (sorted).

    The entry records the content version it was rendered under, so looking it up and checking it is one
    `get_many` with `CONTENT_VERSION_KEY`; a content change makes every older entry a miss.
    """
    kept = "&".join(f"{name}={query[name]}" for name in sorted(PAGE_QUERY_PARAMETERS) if name in query)
    return f"page:v1:{hashed('newsroom.page', f'{host}{path}?{kept}')}"


def next_publication_key(version: str) -> str:
    return f"articles:next-publication:{version}"


# --- view counting ---------------------------------------------------------------------------------

VIEW_FLUSH_DUE_KEY = "views:flush-due"


def view_seen_key(article_id: int, reader_key: str) -> str:
    return f"views:seen:{article_id}:{hashed('articles.reader', reader_key)}"


def view_counter_key(hour: int, article_id: int) -> str:
    return f"views:{hour}:a:{article_id}"


def view_journal_length_key(hour: int) -> str:
    return f"views:{hour}:seq"


def view_journal_entry_key(hour: int, slot: int) -> str:
    return f"views:{hour}:j:{slot}"


def view_hour_flushed_key(hour: int) -> str:
    return f"views:{hour}:closed"


# --- who is asking: rate limits and sign-in failures ------------------------------------------------


def rate_limit_key(scope: str, client: str, slot: int) -> str:
    return f"ratelimit:{scope}:{client}:{slot}"


def login_failures_client_key(address: str) -> str:
    return f"login-fail:ip:{hashed('newsroom.login.client', address)}"


def login_failures_account_key(username: str) -> str:
    return f"login-fail:user:{hashed('newsroom.login.account', username.strip().lower())}"
