"""The full-page cache: one shared copy of every anonymous reader page, served before any view runs.

A hit costs one cache round trip (`get_many` of the page and the content version) and no SQL query. When a
copy goes out of date, one request renders the new one while the others get the old copy for those few
milliseconds (`X-Page-Cache: stale`), so a hot page after an edit is rendered once, not by every reader. A copy
is kept until the content changes (any article, tag or section: `articles.signals`, after commit), until
`NEWSROOM_PAGE_CACHE_SECONDS` pass, or until the next scheduled article's publish time — so a scheduled
story appears on time with no job to run. Every copy has an `ETag` and a `Last-Modified`, and a repeated
request with either validator gets a 304.

Only requests without a session or flash-message cookie are looked up, and only responses the view marked
`public` (`newsroom.http_cache.public_cache`) with no cookie and no `Vary: Cookie` are kept: a signed-in
reader's page is never stored and never served to anyone else.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from articles.listings import next_publication_time
from newsroom.cache import (
    CONTENT_VERSION_KEY,
    REBUILD_LOCK_SECONDS,
    get_or_build,
    next_publication_key,
    page_key,
    rebuild_done,
    rebuild_lock,
)

PERSONAL_COOKIES = (settings.SESSION_COOKIE_NAME, "messages")
NEXT_PUBLICATION_SECONDS = 60  # a safety net: any content change starts a new version anyway


def _lookup_allowed(request) -> bool:
    return request.method in ("GET", "HEAD") and not any(name in request.COOKIES for name in PERSONAL_COOKIES)


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


def _expiry(version: str, now: float) -> float:
    """When this copy must go: after the page lifetime, or when the next scheduled article goes live."""
    upcoming = get_or_build(next_publication_key(version), next_publication_time, NEXT_PUBLICATION_SECONDS)
    expires = now + settings.NEWSROOM_PAGE_CACHE_SECONDS
    return min(expires, upcoming.timestamp()) if upcoming else expires


def _conditional(request, response, entry):
    return get_conditional_response(
        request, etag=entry["etag"], last_modified=int(entry["stored_at"]), response=response
    )


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _lookup_allowed(request):
            return self.get_response(request)
        key = page_key(host=request.get_host(), path=request.path, query=request.GET)
        found = cache.get_many([CONTENT_VERSION_KEY, key])
        version = str(found.get(CONTENT_VERSION_KEY, 0))
        now = time.time()
        entry = found.get(key)
        if entry and entry["version"] == version and now < entry["expires"]:
            return self._replay(request, entry, "hit")
        if entry and not rebuild_lock(key):
            # Someone is rendering the new copy right now: a hot page is rendered once, not by every request.
            return self._replay(request, entry, "stale")
        locked = entry is not None
        try:
            response = self.get_response(request)
            if not _storable(request, response):
                if locked:
                    cache.delete(key)  # the page is gone or personal now: no old copy to fall back on
                return response
            entry = self._store(key, response, version=version, now=now)
        finally:
            if locked:
                rebuild_done(key)
        response["X-Page-Cache"] = "miss"
        return _conditional(request, response, entry)

    def _store(self, key: str, response, *, version: str, now: float) -> dict:
        response["ETag"] = f'"{hashlib.blake2b(response.content, digest_size=16).hexdigest()}"'
        response["Last-Modified"] = http_date(now)
        expires = _expiry(version, now)
        entry = {
            "version": version,
            "expires": expires,
            "stored_at": now,
            "etag": response["ETag"],
            "status": response.status_code,
            "headers": list(response.items()),
            "content": response.content,
        }
        if expires > now:
            # Kept a little past its expiry, to serve while the one request re-rendering it finishes.
            cache.set(key, entry, timeout=max(1, int(expires - now)) + REBUILD_LOCK_SECONDS)
        return entry

    def _replay(self, request, entry: dict, state: str):
        response = HttpResponse(b"" if request.method == "HEAD" else entry["content"], status=entry["status"])
        for name, value in entry["headers"]:
            response[name] = value
        response["X-Page-Cache"] = state
        return _conditional(request, response, entry)
