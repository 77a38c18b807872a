"""The full-page cache: one shared copy of every anonymous reader page, served before any view runs.

A hit costs one cache round trip and no SQL query: each process keeps the copies it served last
(`LocalCopies`, bounded by `NEWSROOM_PAGE_CACHE_LOCAL_BYTES`) and asks the shared cache only for the purge
marks of what the copy shows, so it is never served a moment after a purge anywhere; a process without the
copy fetches it first (two round trips). While a page is rendered, what it shows is recorded where it is read
(the articles and tags it loads, the lists its selectors declare, the shared blocks it includes, the site's
sections: docs/page-cache.md); a change purges exactly the copies that show it, after commit
(`articles.signals`). When a copy goes out of date, one request renders the new one while the others get the
old copy for those few milliseconds (`X-Page-Cache: stale`), so a hot page after an edit is rendered once,
not by every reader. A copy is kept until something it shows changes, until
`NEWSROOM_PAGE_CACHE_SECONDS` pass, or — for a page built from a list — until the next scheduled article's
publish time, so a scheduled story appears on time with no job to run. Every copy has an `ETag` and a
`Last-Modified`, and a repeated request with either validator gets a 304. With an edge cache in front
(`NEWSROOM_EDGE`), each copy also names what it shows in the edge's tag header (`newsroom.edge`), and a copy this
cache would not keep goes out with `s-maxage=0`, so the edge does not keep it either.

Only requests without a session or flash-message cookie, and not for a reader's own copy (`?my-vote`), are
looked up, and only responses the view marked `public` (`newsroom.http_cache.public_cache`) with no cookie
and no `Vary: Cookie` are kept: a signed-in reader's page is never stored and never served to anyone else.
"""

import hashlib
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from articles.engagement.voters import MY_VOTE_PARAMETER
from articles.listings import next_publication_time
from newsroom import edge
from newsroom.cache import NEXT_PUBLICATION_KEY, SITE, is_list, page_key
from newsroom.cache_entries import (
    REBUILD_LOCK_SECONDS,
    collecting_shown,
    get_or_build,
    prefetching,
    rebuild_done,
    rebuild_lock,
    shown_versions,
    shows,
    still_current,
)
from newsroom.http_cache import cap_lifetime

PERSONAL_COOKIES = (settings.SESSION_COOKIE_NAME, "messages")
# A reader's own copy of a page (`?my-vote`, after a vote without JavaScript): the key leaves the parameter out,
# so the shared copy must not answer it.
PERSONAL_PARAMETERS = (MY_VOTE_PARAMETER,)
NEXT_PUBLICATION_SECONDS = 60  # a safety net: saving any article drops it at once
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


def _expiry(shown: set[str], now: float) -> float:
    """When this copy must go: after the page lifetime, or, for a list, when the next scheduled article goes
    live."""
    expires = now + settings.NEWSROOM_PAGE_CACHE_SECONDS
    if not any(is_list(dependency) for dependency in shown):
        return expires
    upcoming = get_or_build(NEXT_PUBLICATION_KEY, next_publication_time, NEXT_PUBLICATION_SECONDS)
    return min(expires, upcoming.timestamp()) if upcoming else expires


def _cap_downstream(response, entry: dict, now: float) -> None:
    """The edge and browsers keep a copy no longer than this cache does: a list no longer than until the next
    scheduled story goes live (its expiry, `_expiry`), and then not even stale."""
    at_go_live = entry["expires"] < entry["stored_at"] + settings.NEWSROOM_PAGE_CACHE_SECONDS
    cap_lifetime(response, entry["expires"] - now, hard=at_go_live)


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


def _servable(entry: dict | None, now: float) -> bool:
    return entry is not None and now < entry["expires"] and still_current(entry["versions"])


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path in NEVER_CACHED_PATHS or not _lookup_allowed(request):
            return self.get_response(request)
        key = page_key(scheme=request.scheme, host=request.get_host(), path=request.path, query=request.GET)
        now = time.time()
        entry = local_copies.get(key)
        if _servable(entry, now):
            return self._replay(request, entry, "hit")
        entry = cache.get(key)  # another process may have rendered a newer copy
        if _servable(entry, now):
            local_copies.put(key, entry)
            return self._replay(request, entry, "hit")
        if entry and not rebuild_lock(key):
            # Someone is rendering the new copy right now: a hot page is rendered once, not by every request.
            return self._replay(request, entry, "stale")
        locked = entry is not None
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
            entry = self._store(key, response, shown=shown, started_ns=started_ns, now=now)
        finally:
            if locked:
                rebuild_done(key)
        response["X-Page-Cache"] = "miss"
        return _conditional(request, response, entry)

    def _store(self, key: str, response, *, shown: set[str], started_ns: int, now: float) -> dict:
        response["ETag"] = f'"{hashlib.blake2b(response.content, digest_size=16).hexdigest()}"'
        response["Last-Modified"] = http_date(now)
        edge.tag_response(response, shown)
        expires = _expiry(shown, now)
        entry = {
            "versions": shown_versions(shown, started_ns=started_ns),
            "expires": expires,
            "stored_at": now,
            "etag": response["ETag"],
            "status": response.status_code,
            "headers": list(response.items()),
            "content": response.content,
        }
        if expires > now and entry["versions"] is not None:
            # Kept a little past its expiry, to serve while the one request re-rendering it finishes.
            cache.set(key, entry, timeout=max(1, int(expires - now)) + REBUILD_LOCK_SECONDS)
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
