"""Defines: how cached entries are kept: built once with no stampede, counted atomically, fetched together, and —
for whole pages and shared blocks — dropped when what they show is purged.

The keys themselves, what each one shows and which change purges what are in `newsroom/cache.py`.

- `get_or_build`: a value rebuilt by one request when stale while the others serve the previous copy;
- `get_or_build_shown`: the same for a block that shows content; what it shows (`shows`) joins the page;
- pages and blocks record what they show (`collecting_shown`) with the purge mark of each: what their reads
  load and list is recorded as it is read (`shows_read`, `reads_unrecorded`); `purge` sets new marks, so
  every copy that shows one of them is out of date (`still_current`);
- `prefetch`: one `get_many` for the entries a page is about to read;
- `counter_add`: atomic counters in Redis and local memory.
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
from django.db import transaction

from newsroom import edge
from newsroom.cache_backend import CacheUnavailable, local_fallback, shared_cache_down
from newsroom.db_router import LAST_PURGE_KEY, reads_include
from newsroom.round_trips import Call, in_one_round_trip, in_page_render, set_soon, start_and_read

COUNTER_RETRIES = 5


REBUILD_LOCK_SECONDS = 30  # if the request rebuilding an entry dies, another takes over after this
STALE_KEPT_FACTOR = 10  # an entry is kept this many lifetimes, to serve while one request rebuilds it


def rebuild_lock(key: str) -> bool:
    """True for the one request that should rebuild `key` now; the others serve the copy they have.

    With the shared cache down there is no lock to take and no copy to wait for: every request builds its own
    (waiting for another's would cost each page `BUILD_WAIT_SECONDS` per block and find nothing)."""
    return cache.add(f"{key}:rebuilding", 1, timeout=REBUILD_LOCK_SECONDS) or shared_cache_down(cache)


def rebuild_lock_then_get(key: str) -> tuple[bool, Any]:
    """`rebuild_lock`, and the entry of `key` as it stands once the lock is taken (the lock's last holder may have
    stored it just now): one round trip."""
    added, entry = in_one_round_trip([Call("add", f"{key}:rebuilding", 1, REBUILD_LOCK_SECONDS), Call("get", key)])
    return added or shared_cache_down(cache), entry


def rebuild_done(key: str) -> None:
    cache.delete(f"{key}:rebuilding")


_prefetched: ContextVar[dict[str, Any] | None] = ContextVar("newsroom_prefetched", default=None)
_ABSENT = object()


@contextmanager
def prefetching() -> Iterator[None]:
    """A request's scope for `prefetch`: what it fetched is read from memory until the scope ends."""
    token = _prefetched.set({})
    try:
        yield
    finally:
        _prefetched.reset(token)


def prefetch(*keys: str) -> None:
    """Fetch, in one `get_many`, the entries a page is about to read (and, in a second, the purge marks of the
    shared blocks among them), instead of one round trip each. Only inside `prefetching()`."""
    memo = _prefetched.get()
    if memo is None:
        return
    found = cache.get_many(keys)
    marks = {_mark_key(d) for entry in found.values() if _is_shown_entry(entry) for d in entry["versions"]}
    found |= cache.get_many(list(marks)) if marks else {}
    memo.update({key: found.get(key, _ABSENT) for key in [*keys, *marks]})


def _get(key: str) -> Any:
    memo = _prefetched.get()
    if memo is not None and key in memo:
        value = memo.pop(key)  # once: a second read in the same request goes to the cache
        return None if value is _ABSENT else value
    return cache.get(key)


def _get_many(keys: list[str]) -> dict[str, Any]:
    memo = _prefetched.get() or {}
    found = {key: memo[key] for key in keys if key in memo and memo[key] is not _ABSENT}
    rest = [key for key in keys if key not in memo]
    return found | (cache.get_many(rest) if rest else {})


def _is_shown_entry(entry: Any) -> bool:
    return isinstance(entry, dict) and "versions" in entry


def get_or_build(key: str, build: Callable[[], Any], timeout: int, *, with_page: bool = False) -> Any:
    """The cached value of `key`, or `build()`'s result, fresh for `timeout` seconds.

    No stampede: when the value goes stale, one request rebuilds it while every other request keeps serving
    the stale copy (kept `STALE_KEPT_FACTOR` lifetimes). Only a key never built or dropped outright (a purge)
    makes requests build at once. `with_page`: read once a render, written with the page's copy, and in a page
    cache's render no lock of its own (the page's lock already has one request at a time render it).
    """
    entry, now, locks = _get(key), time.time(), not (with_page and in_page_render())
    if entry is not None:
        value, fresh_until = entry
        if now < fresh_until or (locks and not rebuild_lock(key)):
            return value
    try:
        value = build()
        write = set_soon if with_page else cache.set
        write(key, (value, now + timeout), timeout * STALE_KEPT_FACTOR)
    finally:
        if entry is not None and locks:
            rebuild_done(key)
    return value


@dataclass(frozen=True)
class CounterHit:
    value: int  # the counter after this addition
    created: bool  # this addition started the counter


def counter_add(key: str, delta: int = 1, *, timeout: int, shared_only: bool = False) -> CounterHit:
    """Add `delta` to a counter, starting it (with `timeout`) when absent. Atomic: no increment is lost.

    While the shared cache is unreachable the counter lives in this process's memory (a rate limit then holds
    per worker rather than not at all); with `shared_only`, `CacheUnavailable` is raised instead, for callers
    that would rather write straight to the database.
    """
    store = cache
    for _ in range(COUNTER_RETRIES):
        if store.add(key, delta, timeout=timeout):
            return CounterHit(delta, created=True)
        try:
            return CounterHit(store.incr(key, delta), created=False)
        except ValueError:  # expired between add and incr: go round again
            continue
        except CacheUnavailable:
            if shared_only:
                raise
            store = local_fallback()
    raise RuntimeError(f"Could not add {delta} to the counter {key}")


_collectors: ContextVar[tuple[set[str], ...]] = ContextVar("newsroom_shown", default=())
_reads_unrecorded: ContextVar[bool] = ContextVar("newsroom_reads_unrecorded", default=False)
PURGE_MARK_SECONDS = 7 * 24 * 3600  # longer than any copy lives; a lost mark only makes its copies miss


def shows(*dependencies: str) -> None:
    """Record that the page (and the shared block) being built shows these things."""
    for collected in _collectors.get():
        collected.update(dependencies)


def collecting() -> bool:
    """True while a page or a block is being built: one context variable read, for hooks run on every row."""
    return bool(_collectors.get())


def shows_read(*dependencies: str) -> None:
    """Record what a read loads or lists (a row loaded, a list selector called: `newsroom.cache.shows_list`),
    unless a read around it records only what it keeps (`reads_unrecorded`)."""
    if not _reads_unrecorded.get():
        shows(*dependencies)


@contextmanager
def reads_unrecorded() -> Iterator[None]:
    """Within: rows loaded and lists read are not recorded; the read that opened it records what it keeps."""
    token = _reads_unrecorded.set(True)
    try:
        yield
    finally:
        _reads_unrecorded.reset(token)


class Shown(set[str]):
    """What a page or block shows, and until when the shared blocks it embeds are fresh (None: it embeds none):
    a copy of it should not outlive them."""

    fresh_until: float | None = None


def _embeds_until(fresh_until: float) -> None:
    for collected in _collectors.get():
        collected.fresh_until = min(fresh_until, collected.fresh_until or fresh_until)


@contextmanager
def collecting_shown() -> Iterator[Shown]:
    """Collect what is shown while building a page or a block (blocks nest inside pages); a block records
    what it reads even inside a read that records only what it keeps."""
    collected = Shown()
    token = _collectors.set((*_collectors.get(), collected))
    recorded = _reads_unrecorded.set(False)
    try:
        yield collected
    finally:
        _reads_unrecorded.reset(recorded)
        _collectors.reset(token)


def _mark_key(dependency: str) -> str:
    return f"purged:{dependency}"


def purge(*dependencies: str) -> None:
    """Every cached copy that shows one of `dependencies` is out of date from now on."""
    now = time.time_ns()
    marks = {_mark_key(d): now for d in dependencies}
    cache.set_many({**marks, LAST_PURGE_KEY: now}, timeout=PURGE_MARK_SECONDS)  # read replicas must pass it
    edge.purge_tags(dependencies)  # after the marks: the edge's next fetch gets the new page


def purge_on_commit(*dependencies: str) -> None:
    # After commit: a page rendered meanwhile must not be kept with the old rows under the new marks.
    transaction.on_commit(lambda: purge(*dependencies))


def shown_versions(
    dependencies: set[str], *, started_ns: int, also: tuple[str, ...] = ()
) -> tuple[dict[str, int] | None, dict[str, Any]]:
    """The purge marks to keep with a copy built since `started_ns` (None when one was purged meanwhile), and the
    entries `also` names (the blocks' marks, say), read in the same round trip.

    A copy rendered while a change committed may hold the old rows: it is not kept (the next request renders
    again). `NEWSROOM_PAGE_CACHE_CLOCK_SKEW_MS` allows for web servers whose clocks differ a little.
    """
    keys = {_mark_key(d): d for d in dependencies}
    # Never purged (or the mark was lost): start one. Negative, so never mistaken for a recent purge, and
    # random, so a lost mark started again never matches copies kept under the old one (one draw for all: a mark is
    # compared only with its own key's). Started where absent and read back in one round trip (`start_and_read`).
    found = start_and_read(list(keys), -secrets.randbits(62) - 1, list(also), timeout=PURGE_MARK_SECONDS)
    if found is None:  # the shared cache is unreachable: nothing to keep the copy under
        return None, {}
    read = {key: found.get(key) for key in also}
    found = {key: found[key] for key in keys if key in found}
    newest_allowed = started_ns - settings.NEWSROOM_PAGE_CACHE_CLOCK_SKEW_MS * 1_000_000
    if len(found) < len(keys) or any(mark > newest_allowed for mark in found.values()):
        return None, read
    if found and not reads_include(max(found.values())):  # rendered from a replica behind a purge: not kept
        return None, read
    return {keys[key]: mark for key, mark in found.items()}, read


def still_current(versions: dict[str, int]) -> bool:
    """True while nothing a copy shows was purged since it was built. One `get_many`."""
    return marks_current(versions)[0]


def marks_current(versions: dict[str, int], *also: str) -> tuple[bool, dict[str, Any]]:
    """`still_current`, and the entries `also` names (absent: None), in the same `get_many`."""
    found = _get_many([*(_mark_key(d) for d in versions), *also])
    return all(found.get(_mark_key(d)) == mark for d, mark in versions.items()), {key: found.get(key) for key in also}


def mark_keys(versions: dict[str, int]) -> list[str]:
    """The cache keys of a copy's purge marks (to read them with other keys: `versions_current`)."""
    return [_mark_key(d) for d in versions]


def versions_current(versions: dict[str, int], found: dict[str, Any]) -> bool:
    """True when the marks read into `found` (by `mark_keys`) are those a copy was kept under."""
    return all(found.get(_mark_key(d)) == mark for d, mark in versions.items())


def marks_current_each(versions: list[dict[str, int]], *also: str) -> tuple[list[bool], dict[str, Any]]:
    """`marks_current` for several copies at once (a page and the blocks stitched into it): one `get_many`."""
    keyed = [[(_mark_key(d), mark) for d, mark in each.items()] for each in versions]  # each key made once
    found = _get_many([*{key for each in keyed for key, _ in each}, *also])
    current = [all(found.get(key) == mark for key, mark in each) for each in keyed]
    return current, {key: found.get(key) for key in also}


# A block never built, or purged, is built by one request (a short lock in the cache); the others wait for it this
# long at most, looking again every `BUILD_POLL_SECONDS`, then build it themselves. Never the purged copy.
BUILD_WAIT_SECONDS = 2.5
BUILD_POLL_SECONDS = 0.02


def shown_entry(key: str, build: Callable[[], Any], timeout: int) -> dict[str, Any]:
    """The entry of a shared block that shows content: `value`, `versions` (its purge marks; None when it was
    built while something it shows was purged, and so not kept), `shown`, `fresh_until`, and `etag` and
    `built_at` (for the validators of the pages it is stitched into).

    No stampede, warm or cold: when it expires, one request builds it again while the others serve the previous
    copy; when it was never built, was lost or was purged, one request builds it while the others wait for that
    copy (at most `BUILD_WAIT_SECONDS`) — never serving the purged one.
    """
    locked, waiting_until = False, time.monotonic() + BUILD_WAIT_SECONDS
    while True:
        entry = _get(key)
        current = entry is not None and still_current(entry["versions"])
        if current and time.time() < entry["fresh_until"]:
            return entry
        if rebuild_lock(key):
            newer = cache.get(key)  # the lock's last holder may have stored it just now
            if newer is not None and time.time() < newer["fresh_until"] and still_current(newer["versions"]):
                rebuild_done(key)
                return newer
            locked = True
            break
        if current:
            return entry  # expired, nothing on it purged: the previous copy while another request builds it
        if time.monotonic() >= waiting_until:
            break  # the request building it is slow or gone: build it here too
        time.sleep(BUILD_POLL_SECONDS)
    now, started_ns = time.time(), time.time_ns()
    try:
        with collecting_shown() as shown:
            value = build()
        versions, _ = shown_versions(shown, started_ns=started_ns)
        entry = {
            "value": value,
            "versions": versions,
            "shown": frozenset(shown),
            "fresh_until": now + timeout,
            "etag": secrets.token_hex(8),
            "built_at": time.time(),
        }
        if versions is not None:
            cache.set(key, entry, timeout * STALE_KEPT_FACTOR)
    finally:
        if locked:
            rebuild_done(key)
    return entry


def get_or_build_shown(key: str, build: Callable[[], Any], timeout: int, *, bounds_pages: bool = True) -> Any:
    """Like `get_or_build`, for a shared block that shows content: rebuilt when what it shows is purged
    (`shown_entry`).

    What the block shows joins the page being built (`shows`), so the page is purged with it; and a copy of the page
    expires no later than the block's (`Shown.fresh_until`), so every page embedding it shows the same copy within
    `timeout` — unless `bounds_pages=False`: a block that changes only with a purge (the menu: `SITE`)."""
    entry = shown_entry(key, build, timeout)
    shows(*entry["shown"])
    if bounds_pages:
        _embeds_until(entry["fresh_until"])
    return entry["value"]
