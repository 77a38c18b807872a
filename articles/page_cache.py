"""Serves: the full-page cache: one shared copy of every anonymous reader page, served before any view runs.

A hit costs one cache round trip and no SQL query: each process keeps the copies it served last (`LocalCopies`,
bounded by `NEWSROOM_PAGE_CACHE_LOCAL_BYTES`) and asks the shared cache only for the purge marks of what the copy
shows, so it is never served a moment after a purge anywhere; a process without the copy fetches it with its marks
(one round trip: `newsroom.held_copies.copy_else_lock`). While a page is rendered, what it shows is recorded where
it is read (the articles and tags it loads, the lists its selectors declare, the shared blocks it includes, the
site's sections: docs/page-cache.md); a change purges exactly the copies that show it, after commit
(`articles.signals`), and a purged copy is never served again. A copy is kept until something it shows changes or
`NEWSROOM_PAGE_CACHE_SECONDS` pass (days, for a page showing nothing that changes without a purge:
`kept_until_changed`); a copy built from a list also waits, on every server, until the lists have caught up with
each scheduled story gone live (`articles.going_live`), so a story appears on time with no job to run
and only the lists it joined are rendered again. A copy whose lifetime ran out (nothing on it purged) is served as
`X-Page-Cache: stale` while one request renders the new one; a purged copy is not: the others wait for that render
(at most `REBUILD_WAIT_SECONDS`) or render the page themselves, so once a reader has seen a change nobody is shown
the copy from before it. Every copy has an `ETag` and a `Last-Modified`, and a repeated request with either
validator gets a 304. With an edge cache in front (`NEWSROOM_EDGE`), each copy also names what it shows in the
edge's tag header (`newsroom.edge`), and a copy this cache would not keep goes out with `s-maxage=0`, so the edge
does not keep it either.

An article page is kept as its story's own part, until it changes (`NEWSROOM_FRAGMENT_SECONDS` is a safety net),
and the shared blocks (header menu, Ranking, Recommendation) are stitched into it when it is served
(`newsroom.fragments`, `articles.stitching`): their purge marks are checked in the hit's one `get_many`, its
validators cover them, and downstream it lives no longer than they stay fresh. A page nobody holds yet (a cold
start) is rendered by one request while the others wait for its copy.

Each cached view declares the query parameters it reads (`newsroom.cache.page_parameters`); its copies are
keyed by those alone, so `/?q=<anything>` is the front page's copy, not a render and a copy of its own.

Only requests without a session or flash-message cookie, and not for a reader's own copy (`?my-vote`), are
looked up, and only responses the view marked `public` (`newsroom.http_cache.public_cache`) with no cookie
and no `Vary: Cookie` are kept: a signed-in reader's page is never stored and never served to anyone else.
"""

import functools
import hashlib
import time
from enum import Enum

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils.http import http_date

from articles.engagement.voters import MY_VOTE_PARAMETER
from articles.going_live import LISTS_KEYS, Lists, lists_catch_up, lists_state
from articles.page_replies import cap_downstream, conditional, stitch_into
from newsroom import edge
from newsroom.cache import NEXT_PUBLICATION_KEY, SITE, is_list, page_key
from newsroom.cache_backend import shared_cache_down
from newsroom.cache_entries import (
    REBUILD_LOCK_SECONDS,
    Shown,
    collecting_shown,
    mark_keys,
    prefetching,
    rebuild_done,
    rebuild_lock_then_get,
    shown_versions,
    shows,
    versions_current,
)
from newsroom.fragments import block_copies, drop_purged, held_blocks, kept_apart, stitched_copies
from newsroom.held_copies import copy_else_lock, held_copies_current, marks_named
from newsroom.local_copies import LocalCopies
from newsroom.round_trips import Call, deferring_writes, in_one_round_trip, take_deferred

PERSONAL_COOKIES = (settings.SESSION_COOKIE_NAME, "messages")
# A reader's own copy of a page (`?my-vote`, after a vote without JavaScript): the key leaves the parameter out,
# so the shared copy must not answer it.
PERSONAL_PARAMETERS = (MY_VOTE_PARAMETER,)
# A purged copy is never served: a request that finds another rendering it waits for that copy, this long at
# most (then renders the page itself), looking again every `REBUILD_POLL_SECONDS`.
REBUILD_WAIT_SECONDS = 2.5
REBUILD_POLL_SECONDS = 0.02


class Copy(Enum):
    CURRENT = "current"  # served: a hit
    EXPIRED = "expired"  # its lifetime ran out, nothing on it purged: served stale while one request renders
    PURGED = "purged"  # something on it changed: never served
    CATCH_UP = "catch-up"  # a list copy, and a scheduled story may have gone live: the lists catch up first


# A list whose next go-live is not known (the entry just lapsed) goes downstream for this long at most.
UNKNOWN_GO_LIVE_SECONDS = 60
# Never cached (`never_cache` views that load balancers and the edge probe): not even a cache round trip.
NEVER_CACHED_PATHS = frozenset({"/healthz", "/readyz"})


def _lookup_allowed(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not any(name in request.COOKIES for name in PERSONAL_COOKIES)
        and not any(name in request.GET for name in PERSONAL_PARAMETERS)
    )


def _storable(request, response) -> bool:
    cache_control = response.get("Cache-Control", "")
    return (
        request.method == "GET"
        and response.status_code == 200
        and not response.streaming
        and "public" in cache_control
        and not any(word in cache_control for word in ("private", "no-cache", "no-store"))
        and not response.cookies
        and "cookie" not in response.get("Vary", "").lower()
    )


def _view_parameters(request) -> tuple[str, ...] | None:
    """The query parameters the view of this address reads (None: it declares none, so all of them count).
    Raises `Resolver404` where no view answers."""
    found = _parameters_of(request.path_info, getattr(request, "urlconf", None) or settings.ROOT_URLCONF)
    if found is _NO_VIEW:
        raise Resolver404(request.path_info)
    return found


_NO_VIEW = object()
VIEW_PARAMETERS_REMEMBERED = 4096  # addresses: a bounded memo, so a crawl of random paths cannot grow it


@functools.lru_cache(maxsize=VIEW_PARAMETERS_REMEMBERED)
def _parameters_of(path: str, urlconf: str):
    """`_view_parameters`, resolved once per address and URLconf rather than on every anonymous GET."""
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return _NO_VIEW
    return getattr(match.func, "page_parameters", None)


def _state(entry: dict, now: float, read: dict | None = None) -> tuple[Copy, dict[str, dict]]:
    """Whether a copy may be served, and — for a page stitched from fragments — the blocks this process holds for
    it that are still current. One `get_many` (`held_copies_current`): where nothing was purged since this process
    last checked them, the last purge's key; else the purge marks of the copy and of those blocks (and, for a list,
    `LISTS_KEYS`). None where `read` (the copy's marks, read with it) covers them."""
    fragment = entry.get("fragment")
    held = held_blocks(fragment, now) if fragment is not None else {}
    also = LISTS_KEYS if entry["lists"] else ()
    current, found = held_copies_current([entry, *held.values()], *also, read=read)
    if held:
        held = drop_purged(fragment, held, current[1:])
    lists = lists_state(found, started=entry["started"], now=now) if entry["lists"] else Lists.CURRENT
    if not current[0] or lists is Lists.UNTRUSTED:
        return Copy.PURGED, held
    if lists is Lists.DUE:
        return Copy.CATCH_UP, held
    return (Copy.CURRENT if now < entry["expires"] else Copy.EXPIRED), held


local_copies = LocalCopies(settings.NEWSROOM_PAGE_CACHE_LOCAL_BYTES)


def forget_local_copies() -> None:
    """Empty this process's copies (pages, the blocks stitched into them, stitched pages): as a new process starts,
    for tests and the benchmark. Shared copies stay."""
    local_copies.clear()
    block_copies.clear()
    stitched_copies.clear()


def drop_copy(key: str) -> None:
    """Forget the copy of one page, shared and in this process (the next request renders it): for the
    benchmark and tests, which time or inspect rendering. Edits purge by what pages show, never by key."""
    cache.delete(key)
    local_copies.drop(key)


def _lists_tracked(*, started: float) -> float | None:
    """Before a list copy started at `started` is kept: stories gone live are tracked from then at the latest
    (the first list page ever starts it), and are caught up with when one is due. Returns when the next scheduled
    story goes live (None: none is scheduled), or in a minute when that is not known."""
    found = cache.get_many(list(LISTS_KEYS))
    if lists_state(found, started=started, now=time.time()) is Lists.DUE:
        lists_catch_up(since=started)
        found = cache.get_many(list(LISTS_KEYS))
    upcoming = found.get(NEXT_PUBLICATION_KEY)
    return upcoming["at"] if upcoming is not None else time.time() + UNKNOWN_GO_LIVE_SECONDS


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path in NEVER_CACHED_PATHS or not _lookup_allowed(request):
            return self.get_response(request)
        try:
            parameters = _view_parameters(request)
        except Resolver404:
            return self.get_response(request)  # no page here: nothing to keep
        key = page_key(
            scheme=request.scheme, host=request.get_host(), path=request.path, query=request.GET, parameters=parameters
        )
        waiting_until, caught_up = time.monotonic() + REBUILD_WAIT_SECONDS, False
        while True:
            entry, state, held, locked = self._lookup(key)
            if state is Copy.CURRENT:
                return self._replay(request, entry, "hit", held)
            if locked:  # none anywhere (a cold start, a story nobody asked for), and its lock taken with the lookup
                return self._render(request, key, locked=True)
            if state is Copy.CATCH_UP and not caught_up and lists_catch_up():
                caught_up = True  # the lists that gained a story are purged now: look again
                continue
            # Expired or purged (one request renders it, the others serve it stale or wait), or none yet and another
            # request rendering it (wait for that).
            locked, newer = rebuild_lock_then_get(key) if state in (Copy.EXPIRED, Copy.PURGED) else (False, None)
            if locked:  # the lock's last holder may have stored it just now: `newer`, read in the same round trip
                newer, newer_state, held = self._checked(key, newer, time.time())
                if newer_state is Copy.CURRENT:
                    rebuild_done(key)
                    return self._replay(request, newer, "hit", held)
                return self._render(request, key, locked=True)
            if state is Copy.EXPIRED:
                # Someone is rendering the new copy right now: a hot page is rendered once, not by every request.
                return self._replay(request, entry, "stale", held)
            # Not there yet, purged, or the lists catching up, elsewhere: wait for that, never serving what it
            # replaces.
            if time.monotonic() >= waiting_until:
                return self._render(request, key, locked=False)
            time.sleep(REBUILD_POLL_SECONDS)

    def _lookup(self, key: str) -> tuple[dict | None, Copy | None, dict[str, dict], bool]:
        """The copy of `key`, whether it may be served, and the current blocks held for it (`_state`): this
        process's copy, else the shared one (a newer copy another process rendered). None: there is none — and
        then whether this request took its render lock, in the same round trip (True: it renders the page)."""
        now = time.time()
        entry = local_copies.get(key)
        if entry is not None:
            state, held = _state(entry, now)
            if state is Copy.CURRENT:
                return entry, state, held, False
        shared, locked, read = copy_else_lock(key, timeout=REBUILD_LOCK_SECONDS)  # its marks read with it
        if shared is None and not locked:
            locked = shared_cache_down(cache)  # nothing to wait for: every request renders its own
        return *self._checked(key, shared, now, read), locked

    def _checked(
        self, key: str, entry: dict | None, now: float, read: dict | None = None
    ) -> tuple[dict | None, Copy | None, dict[str, dict]]:
        """`_lookup` for the shared copy `entry` (None: there is none)."""
        if entry is None:
            return None, None, {}
        state, held = _state(entry, now, read)
        if state is Copy.CURRENT:
            local_copies.put(key, entry)
        return entry, state, held

    def _render(self, request, key: str, *, locked: bool):
        started_ns = time.time_ns()
        unlock = locked
        try:
            with deferring_writes():  # Related's candidates go with the copy, in its round trip (`_store`)
                with collecting_shown() as shown, prefetching(), kept_apart():
                    shows(SITE)  # the header: the site's name and its sections
                    response = self.get_response(request)
                fragment = getattr(response, "fragment", None)
                if not _storable(request, response):
                    if locked:
                        cache.delete(key)  # the page is gone or personal now: no old copy to fall back on
                        local_copies.drop(key)
                    if fragment is not None:
                        entry = {"fragment": fragment, "content": response.content, "etag": "", "stored_at": 0}
                        stitch_into(request, response, entry, {}, shown)
                    return response
                entry, held = self._store(
                    key, response, shown=shown, started_ns=started_ns, now=time.time(), fragment=fragment, unlock=locked
                )
                unlock = False  # released with the copy's write
        finally:
            if unlock:
                rebuild_done(key)
        response["X-Page-Cache"] = "miss"
        stitched = None if fragment is None else stitch_into(request, response, entry, held, shown)
        return conditional(request, response, entry, stitched)

    def _store(
        self, key: str, response, *, shown: Shown, started_ns: int, now: float, fragment=None, unlock: bool = False
    ) -> tuple[dict, dict[str, dict]]:
        """Keep the copy (its purge marks started and read, with those of the blocks this process holds for it, in
        one round trip; the copy written with the render's waiting writes and its lock released, in another). The
        entry, and the blocks held for it that are still current."""
        response["ETag"] = f'"{hashlib.blake2b(response.content, digest_size=16).hexdigest()}"'
        response["Last-Modified"] = http_date(now)
        edge.tag_response(response, shown)
        # No later than the shared blocks it embeds (Ranking: a minute), so pages agree with one another; a page
        # whose blocks are stitched in when served (`fragment`), or that shows nothing changing without a purge
        # (`kept_until_changed`), is kept until it changes, or a safety net of days.
        kept = fragment is not None or getattr(response, "kept_until_changed", False)
        lifetime = settings.NEWSROOM_FRAGMENT_SECONDS if kept else settings.NEWSROOM_PAGE_CACHE_SECONDS
        expires = min(now + lifetime, shown.fresh_until or float("inf"))
        downstream_expires = expires
        lists = any(is_list(dependency) for dependency in shown)
        if lists and (go_live := _lists_tracked(started=started_ns / 1e9)) is not None:
            downstream_expires = min(expires, go_live)
        held = held_blocks(fragment, now) if fragment is not None else {}
        block_marks = tuple(mark for block in held.values() for mark in mark_keys(block["versions"]))
        versions, marks = shown_versions(shown, started_ns=started_ns, also=block_marks)
        if held:
            held = drop_purged(fragment, held, [versions_current(block["versions"], marks) for block in held.values()])
        entry = {
            "versions": versions,
            "lists": lists,
            "started": started_ns / 1e9,
            "expires": expires,
            "downstream_expires": downstream_expires,
            "stored_at": now,
            "etag": response["ETag"],
            "status": response.status_code,
            "headers": list(response.items()),
            "content": response.content,
            "fragment": fragment,
        }
        if expires > now and entry["versions"] is not None:
            # Kept a little past its expiry, to serve while the one request re-rendering it finishes.
            # (A page that expires early with its blocks is kept as long as any other, to serve stale.)
            kept = max(expires, now + lifetime)
            ttl = max(1, int(kept - now)) + REBUILD_LOCK_SECONDS
            writes = [Call("set", key, entry, ttl), *marks_named(key, entry, ttl), *take_deferred()]
            in_one_round_trip([*writes, *([Call("delete", f"{key}:rebuilding")] if unlock else [])])
            local_copies.put(key, entry)
            cap_downstream(response, entry, now)
        else:
            edge.keep_off_the_edge(response)
            if unlock:
                rebuild_done(key)
        return entry, held

    def _replay(self, request, entry: dict, state: str, held: dict[str, dict]):
        response = HttpResponse(b"" if request.method == "HEAD" else entry["content"], status=entry["status"])
        for name, value in entry["headers"]:
            response[name] = value
        response["X-Page-Cache"] = state
        stitched = None
        if entry.get("fragment") is not None:
            stitched = stitch_into(request, response, entry, held, entry["versions"])
        cap_downstream(response, entry, time.time())
        if state == "stale":
            edge.keep_off_the_edge(response)
        return conditional(request, response, entry, stitched)
