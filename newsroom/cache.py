"""Every cache key the project uses, how it is built, and how it is dropped.

Four kinds of entries live in the cache:
- whole pages and shared blocks, each with what it shows (`shows`), purged after commit by exactly the
  changes that touch what they show (`purge_on_commit`; `articles.signals` says which change purges what);
- cached reads (section tree, Related, rankings): rebuilt on a miss or when stale by the caller's builder;
- counters (view buffer, rate limits, sign-in failures): `counter_add`, atomic in Redis and local memory;
- markers (a reader seen, a flush due, an hour flushed): plain `add`/`set` with a timeout.

Keys that would carry a reader's id, address or name hold a keyed hash of it instead (`hashed`).
"""

import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCacheClient
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


def add_many(values: dict[str, Any], *, timeout: int) -> None:
    """`cache.add` for several keys (set only where absent): one round trip on Redis, where Django has no
    `add_many` (a pipeline of SET NX, as Django's own `set_many` pipelines SETs); one `add` each elsewhere."""
    backend = getattr(cache, "_cache", None)
    if isinstance(backend, RedisCacheClient):
        pipeline = backend.get_client(None, write=True).pipeline()
        for key, value in values.items():
            full_key = cache.make_and_validate_key(key)
            pipeline.set(full_key, backend._serializer.dumps(value), ex=timeout, nx=True)
        pipeline.execute()
        return
    for key, value in values.items():
        cache.add(key, value, timeout=timeout)


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


# --- what a cached page or block shows, and purging it -----------------------------------------------
#
# Every cached page and shared block records what it shows ("dependencies": the article 12, the tag 3's
# name, the list of section 5, ...) and, for each, the purge mark current when it was built. A change
# purges its dependencies after commit (a new mark), and every copy that shows them is a miss from then on;
# copies that do not show them stay. Marks are timestamps, so a copy rendered while a purge happened (its
# rows may predate the change) is not kept: see `shown_versions`.

SITE = "site"  # the site's name and its sections (header, breadcrumbs): on every page
FRONT = "front"  # home, latest, most read, search, feeds, sitemaps: any published article's change shows there


def shows_article(article_id: int) -> str:
    return f"article:{article_id}"


def shows_section_list(section_id: int) -> str:
    """The articles of a section (its page and feed, which include its sub-sections)."""
    return f"section-list:{section_id}"


def shows_tag(tag_id: int) -> str:
    """A tag's name (on its articles' pages and its own)."""
    return f"tag:{tag_id}"


def shows_tag_list(tag_id: int) -> str:
    """The articles of a tag (its page and feed)."""
    return f"tag-list:{tag_id}"


def is_list(dependency: str) -> bool:
    """Lists gain a scheduled article at its publish time: copies that show one expire then."""
    return dependency == FRONT or dependency.startswith(("section-list:", "tag-list:"))


_collectors: ContextVar[tuple[set[str], ...]] = ContextVar("newsroom_shown", default=())
PURGE_MARK_SECONDS = 7 * 24 * 3600  # longer than any copy lives; a lost mark only makes its copies miss


def shows(*dependencies: str) -> None:
    """Record that the page (and the shared block) being built shows these things."""
    for collected in _collectors.get():
        collected.update(dependencies)


@contextmanager
def collecting_shown() -> Iterator[set[str]]:
    """Collect what is shown while building a page or a block (blocks nest inside pages)."""
    collected: set[str] = set()
    token = _collectors.set((*_collectors.get(), collected))
    try:
        yield collected
    finally:
        _collectors.reset(token)


def _mark_key(dependency: str) -> str:
    return f"purged:{dependency}"


def purge(*dependencies: str) -> None:
    """Every cached copy that shows one of `dependencies` is out of date from now on."""
    now = time.time_ns()
    cache.set_many({_mark_key(d): now for d in dependencies}, timeout=PURGE_MARK_SECONDS)


def purge_on_commit(*dependencies: str) -> None:
    # After commit: a page rendered meanwhile must not be kept with the old rows under the new marks.
    transaction.on_commit(lambda: purge(*dependencies))


def shown_versions(dependencies: set[str], *, started_ns: int) -> dict[str, int] | None:
    """The purge marks to keep with a copy built since `started_ns`; None when one was purged meanwhile.

    A copy rendered while a change committed may hold the old rows: it is not kept (the next request renders
    again). `NEWSROOM_PAGE_CACHE_CLOCK_SKEW_MS` allows for web servers whose clocks differ a little.
    """
    keys = {_mark_key(d): d for d in dependencies}
    found = cache.get_many(list(keys))
    newest_allowed = started_ns - settings.NEWSROOM_PAGE_CACHE_CLOCK_SKEW_MS * 1_000_000
    if any(mark > newest_allowed for mark in found.values()):
        return None
    # Never purged (or the mark was lost): start one. Negative, so never mistaken for a recent purge, and
    # random, so a lost mark started again never matches copies kept under the old one.
    missing = [key for key in keys if key not in found]
    if missing:
        add_many({key: -secrets.randbits(62) - 1 for key in missing}, timeout=PURGE_MARK_SECONDS)
        found = cache.get_many(list(keys))
    return {keys[key]: mark for key, mark in found.items()} if len(found) == len(keys) else None


def still_current(versions: dict[str, int]) -> bool:
    """True while nothing a copy shows was purged since it was built. One `get_many`."""
    found = cache.get_many([_mark_key(d) for d in versions])
    return all(found.get(_mark_key(d)) == mark for d, mark in versions.items())


def get_or_build_shown(key: str, build: Callable[[], Any], timeout: int) -> Any:
    """Like `get_or_build`, for a shared block that shows content: rebuilt when what it shows is purged.

    What the block shows joins the page being built (`shows`), so the page is purged with it.
    """
    entry = cache.get(key)
    now = time.time()
    if entry is not None and still_current(entry["versions"]):
        if now < entry["fresh_until"] or not rebuild_lock(key):
            shows(*entry["versions"])
            return entry["value"]
        locked = True
    else:
        locked = False  # never built, or purged: nobody may keep serving it
    started_ns = time.time_ns()
    try:
        with collecting_shown() as shown:
            value = build()
        versions = shown_versions(shown, started_ns=started_ns)
        if versions is not None:
            cache.set(
                key,
                {"value": value, "versions": versions, "fresh_until": now + timeout},
                timeout * STALE_KEPT_FACTOR,
            )
    finally:
        if locked:
            rebuild_done(key)
    shows(*shown)
    return value


# --- shared blocks, Related, section tree, next publication -----------------------------------------

SECTION_TREE_KEY = "articles:section-tree:v1"
NEXT_PUBLICATION_KEY = "articles:next-publication:v1"


def site_changed_on_commit() -> None:
    """A section or the site's name changed: the tree is rebuilt and every page shows the change."""

    def purge_site() -> None:
        cache.delete(SECTION_TREE_KEY)
        purge(SITE)

    transaction.on_commit(purge_site)


def schedule_changed_on_commit() -> None:
    transaction.on_commit(lambda: cache.delete(NEXT_PUBLICATION_KEY))


def section_nav_key(current_section_id: int | None, language: str) -> str:
    return f"articles:section-nav:v1:{language}:{current_section_id or '-'}"


def site_blocks_key(top_section_id: int | None, language: str) -> str:
    return f"articles:site-blocks:v1:{language}:{top_section_id or 'front'}"


def related_key(article_id: int, limit: int, tag_ids: list[int]) -> str:
    # Retagging changes `tag_ids` and so the key; publishing elsewhere joins when the entry expires.
    return f"articles:related:v2:{article_id}:{limit}:{','.join(map(str, tag_ids))}"


def ranking_key(*, window: int | None, half_life: int | None, section_id: int | None, limit: int, weights: str) -> str:
    parts = [window or "all", half_life or "-", section_id or "-", limit, weights]
    return "popularity:v1:" + ":".join(map(str, parts))


# --- whole pages ------------------------------------------------------------------------------------

PAGE_QUERY_PARAMETERS = ("page", "q")  # the only parameters a public page reads


def page_key(*, host: str, path: str, query) -> str:
    """One shared copy per page: host, path, and only the query parameters pages read (sorted)."""
    kept = "&".join(f"{name}={query[name]}" for name in sorted(PAGE_QUERY_PARAMETERS) if name in query)
    return f"page:v2:{hashed('newsroom.page', f'{host}{path}?{kept}')}"


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
