"""Serves: cache headers for public pages: shared caches may keep anonymous pages; personal ones are never cached.

An anonymous page is the same bytes for every reader, so nothing here may touch the session of a reader who
has none: loading it would add `Vary: Cookie` and split every shared cache by cookie.
"""

import re
from functools import lru_cache, wraps

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control

# Shared caches (a CDN) may keep public pages for a few minutes and serve them stale while refetching.
PUBLIC_CACHE = {"public": True, "max_age": 60, "s_maxage": 300, "stale_while_revalidate": 600}
_S_MAXAGE = re.compile(r"\bs-maxage=(\d+)")


def signed_in_user(request):
    """The signed-in user, or None — without loading a session when the request carries no session cookie."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return None
    return request.user if request.user.is_authenticated else None


def public_cache(view):
    """Mark successful anonymous GETs cacheable; signed-in users and pages showing a message never are."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        messages = getattr(request, "_messages", None)
        personal = signed_in_user(request) is not None or (messages is not None and messages.used)
        if personal:
            add_never_cache_headers(response)
        elif request.method in ("GET", "HEAD") and response.status_code == 200:
            patch_cache_control(response, **PUBLIC_CACHE)
        return response

    return wrapped


def cap_lifetime(response, seconds: float, *, hard: bool) -> None:
    """Browsers and shared caches keep this public page at most `seconds` more (`max-age`, `s-maxage`); `hard`: and
    serve no stale copy after that either (no `stale-while-revalidate`): a scheduled story goes live then."""
    seconds = max(0, int(seconds) if hard else round(seconds))  # a go-live is a deadline: rounded down
    capped = _capped(response.get("Cache-Control", ""), seconds, hard)
    if capped is not None:
        response["Cache-Control"] = capped


@lru_cache(maxsize=4096)
def _capped(cache_control: str, seconds: int, hard: bool) -> str | None:
    """`cap_lifetime`'s `Cache-Control` for a response that had `cache_control` (None: unchanged). Worked out once per
    header and number of seconds: a page-cache hit caps every page it serves, and most hits within a second share
    their header and their seconds left."""
    current = _S_MAXAGE.search(cache_control)
    s_maxage = seconds if current is None else min(seconds, int(current[1]))
    if not hard and current is not None and s_maxage == int(current[1]):
        return None
    response = HttpResponse()  # `patch_cache_control` works on a response: a stand-in holding the header alone
    if cache_control:
        response["Cache-Control"] = cache_control
    fields = {"max_age": seconds, "s_maxage": s_maxage}  # Django keeps the smaller of max-age and the page's own
    patch_cache_control(response, **fields, **({"stale_while_revalidate": 0} if hard else {}))
    return response["Cache-Control"]
