"""The full-page cache: one shared copy of every anonymous reader page, served before any view runs.

A hit costs one cache round trip and no SQL query: each process keeps the copies it served last
(`LocalCopies`, bounded by `NEWSROOM_PAGE_CACHE_LOCAL_BYTES`) and asks the shared cache only for the purge
marks of what the copy shows, so it is never served a moment after a purge anywhere; a process without the
copy fetches it first (two round trips). While a page is rendered, what it shows is recorded where it is read
(the articles and tags it loads, the lists its selectors declare, the shared blocks it includes, the site's
sections: docs/page-cache.md); a change purges exactly the copies that show it, after commit
(`articles.signals`), and a purged copy is never served again. A copy is kept until something it shows
changes or `NEWSROOM_PAGE_CACHE_SECONDS` pass; a copy built from a list also waits, on every server, until the
lists have caught up with each scheduled story gone live (`articles.going_live`), so a story appears on time
with no job to run and only the lists it joined are rendered again. A copy whose lifetime ran out (nothing on
it purged) is served as `X-Page-Cache: stale` while one request renders the new one; a purged copy is not:
the others wait for that render (at most `REBUILD_WAIT_SECONDS`) or render the page themselves, so once a
reader has seen a change nobody is shown the copy from before it. Every copy has an `ETag` and a
`Last-Modified`, and a repeated request with either validator gets a 304. With an edge cache in front
(`NEWSROOM_EDGE`), each copy also names what it shows in the edge's tag header (`newsroom.edge`), and a copy this
cache would not keep goes out with `s-maxage=0`, so the edge does not keep it either.

Each cached view declares the query parameters it reads (`newsroom.cache.page_parameters`); its copies are
keyed by those alone, so `/?q=<anything>` is the front page's copy, not a render and a copy of its own.

Only requests without a session or flash-message cookie, and not for a reader's own copy (`?my-vote`), are
looked up, and only responses the view marked `public` (`newsroom.http_cache.public_cache`) with no cookie
and no `Vary: Cookie` are kept: a signed-in reader's page is never stored and never served to anyone else.
"""

import hashlib
import threading
import time
from collections import OrderedDict
from enum import Enum

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from articles.engagement.voters import MY_VOTE_PARAMETER
from articles.going_live import LISTS_KEYS, Lists, lists_catch_up, lists_state
from newsroom import edge
from newsroom.cache import NEXT_PUBLICATION_KEY, SITE, is_list, page_key
from newsroom.cache_entries import (
    REBUILD_LOCK_SECONDS,
    Shown,
    collecting_shown,
    marks_current,
    prefetching,
    rebuild_done,
    rebuild_lock,
    shown_versions,
    shows,
)
from newsroom.http_cache import cap_lifetime

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
    """The query parameters the view of this address reads (None: it declares none, so all of them count)."""
    match = resolve(request.path_info, getattr(request, "urlconf", None))
    return getattr(match.func, "page_parameters", None)


def _state(entry: dict, now: float) -> Copy:
    """Whether a copy may be served. One `get_many`: its purge marks (and, for a list, `LISTS_KEYS`)."""
    if not entry["lists"]:
        current, lists = marks_current(entry["versions"])[0], Lists.CURRENT
    else:
        current, found = marks_current(entry["versions"], *LISTS_KEYS)
        lists = lists_state(found, started=entry["started"], now=now)
    if not current or lists is Lists.UNTRUSTED:
        return Copy.PURGED
    if lists is Lists.DUE:
        return Copy.CATCH_UP
    return Copy.CURRENT if now < entry["expires"] else Copy.EXPIRED


def _cap_downstream(response, entry: dict, now: float) -> None:
    """The edge and browsers keep a copy no longer than this cache does, and a list no longer than until the next
    scheduled story goes live (`downstream_expires`), then not even stale: nobody at the app notices a go-live
    while the edge answers, so the edge must come back for it."""
    until = entry.get("downstream_expires", entry["expires"])
    cap_lifetime(response, until - now, hard=until < entry["expires"])


def _conditional(request, response, entry):
    return get_conditional_response(
        request, etag=entry["etag"], last_modified=int(entry["stored_at"]), response=response
    )


class LocalCopies:
    """The copies this process served last, newest kept, at most `max_bytes` of page content in all.

    Only a shortcut past fetching (and unpickling) the shared copy: every copy is still checked against the
    shared purge marks before it is served, so a purge made by any process is seen at once.
    """

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, dict] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> dict | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: str, entry: dict) -> None:
        size = len(entry["content"])
        with self._lock:
            self._forget(key)
            if size > self.max_bytes:
                return
            self._entries[key] = entry
            self._bytes += size
            while self._bytes > self.max_bytes:
                self._forget(next(iter(self._entries)))

    def drop(self, key: str) -> None:
        with self._lock:
            self._forget(key)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def _forget(self, key: str) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._bytes -= len(entry["content"])


local_copies = LocalCopies(settings.NEWSROOM_PAGE_CACHE_LOCAL_BYTES)


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
            entry, state = self._lookup(key)
            if state is Copy.CURRENT:
                return self._replay(request, entry, "hit")
            if state is Copy.CATCH_UP and not caught_up and lists_catch_up():
                caught_up = True  # the lists that gained a story are purged now: look again
                continue
            if entry is None:
                return self._render(request, key, locked=False)
            if state in (Copy.EXPIRED, Copy.PURGED) and rebuild_lock(key):
                newer, newer_state = self._lookup(key)  # the lock's last holder may have stored it just now
                if newer_state is Copy.CURRENT:
                    rebuild_done(key)
                    return self._replay(request, newer, "hit")
                return self._render(request, key, locked=True)
            if state is Copy.EXPIRED:
                # Someone is rendering the new copy right now: a hot page is rendered once, not by every request.
                return self._replay(request, entry, "stale")
            # Purged, or the lists catching up, elsewhere: wait for that, never serving what it replaces.
            if time.monotonic() >= waiting_until:
                return self._render(request, key, locked=False)
            time.sleep(REBUILD_POLL_SECONDS)

    def _lookup(self, key: str) -> tuple[dict | None, Copy | None]:
        """The copy of `key` and whether it may be served: this process's, else the shared one (a newer copy
        another process rendered). None: there is none."""
        now = time.time()
        entry = local_copies.get(key)
        if entry is not None and (state := _state(entry, now)) is Copy.CURRENT:
            return entry, state
        entry = cache.get(key)
        if entry is None:
            return None, None
        state = _state(entry, now)
        if state is Copy.CURRENT:
            local_copies.put(key, entry)
        return entry, state

    def _render(self, request, key: str, *, locked: bool):
        started_ns = time.time_ns()
        try:
            with collecting_shown() as shown, prefetching():
                shows(SITE)  # the header: the site's name and its sections
                response = self.get_response(request)
            if not _storable(request, response):
                if locked:
                    cache.delete(key)  # the page is gone or personal now: no old copy to fall back on
                    local_copies.drop(key)
                return response
            entry = self._store(key, response, shown=shown, started_ns=started_ns, now=time.time())
        finally:
            if locked:
                rebuild_done(key)
        response["X-Page-Cache"] = "miss"
        return _conditional(request, response, entry)

    def _store(self, key: str, response, *, shown: Shown, started_ns: int, now: float) -> dict:
        response["ETag"] = f'"{hashlib.blake2b(response.content, digest_size=16).hexdigest()}"'
        response["Last-Modified"] = http_date(now)
        edge.tag_response(response, shown)
        # No later than the shared blocks it embeds (Ranking: a minute), so pages agree with one another.
        expires = min(now + settings.NEWSROOM_PAGE_CACHE_SECONDS, shown.fresh_until or float("inf"))
        downstream_expires = expires
        lists = any(is_list(dependency) for dependency in shown)
        if lists and (go_live := _lists_tracked(started=started_ns / 1e9)) is not None:
            downstream_expires = min(expires, go_live)
        entry = {
            "versions": shown_versions(shown, started_ns=started_ns),
            "lists": lists,
            "started": started_ns / 1e9,
            "expires": expires,
            "downstream_expires": downstream_expires,
            "stored_at": now,
            "etag": response["ETag"],
            "status": response.status_code,
            "headers": list(response.items()),
            "content": response.content,
        }
        if expires > now and entry["versions"] is not None:
            # Kept a little past its expiry, to serve while the one request re-rendering it finishes.
            # (A page that expires early with its blocks is kept as long as any other, to serve stale.)
            kept = max(expires, now + settings.NEWSROOM_PAGE_CACHE_SECONDS)
            cache.set(key, entry, timeout=max(1, int(kept - now)) + REBUILD_LOCK_SECONDS)
            local_copies.put(key, entry)
            _cap_downstream(response, entry, now)
        else:
            edge.keep_off_the_edge(response)
        return entry

    def _replay(self, request, entry: dict, state: str):
        response = HttpResponse(b"" if request.method == "HEAD" else entry["content"], status=entry["status"])
        for name, value in entry["headers"]:
            response[name] = value
        response["X-Page-Cache"] = state
        _cap_downstream(response, entry, time.time())
        if state == "stale":
            edge.keep_off_the_edge(response)
        return _conditional(request, response, entry)
