"""Who is asking: client address behind trusted proxies, a salted fingerprint, bots, prefetches, rate limits.

Nothing here stores an address or a User-Agent: only a keyed hash of the two, in the cache, for a short time.
"""

import ipaddress
import re
import time
from functools import cache as memoize

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

PREFETCH_HEADERS = {"Sec-Purpose": ("prefetch", "prerender"), "Purpose": ("prefetch",), "X-Purpose": ("preview",)}


@memoize
def _trusted_networks(proxies: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _is_trusted_proxy(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _trusted_networks(tuple(settings.TRUSTED_PROXIES)))


def client_ip(request) -> str:
    """The peer address; `X-Forwarded-For` is believed only when the peer is one of our own proxies."""
    address = request.META.get("REMOTE_ADDR", "")
    if not _is_trusted_proxy(address):
        return address
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    # Walk from the nearest hop outwards: the first address that is not ours is the client.
    for hop in reversed(forwarded):
        if not _is_trusted_proxy(hop):
            return hop
    return address


def client_fingerprint(request) -> str:
    """A keyed hash of address + User-Agent: enough to rate-limit a client, useless for identifying one."""
    user_agent = request.headers.get("User-Agent", "")
    return salted_hmac(
        "articles.clients.fingerprint", f"{client_ip(request)}\n{user_agent}", algorithm="sha256"
    ).hexdigest()[:32]


@memoize
def _bot_pattern(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.IGNORECASE)


def is_bot(request) -> bool:
    """Known crawlers, monitors and HTTP libraries by User-Agent (a polite refusal, not a security boundary)."""
    user_agent = request.headers.get("User-Agent", "")
    return bool(_bot_pattern(settings.BOT_USER_AGENT_PATTERN).search(user_agent))


def is_prefetch(request) -> bool:
    """Speculative loads (link prefetch, prerender, preview panes) are not readers reading."""
    for header, markers in PREFETCH_HEADERS.items():
        value = request.headers.get(header, "").lower()
        if any(marker in value for marker in markers):
            return True
    return request.headers.get("X-Moz", "").lower() == "prefetch"


def rate_limited(request, *, scope: str, limit: int, window_seconds: int) -> bool:
    """Count this request against the client's budget for `scope`; True once the budget is spent."""
    slot = int(time.time()) // window_seconds
    key = f"ratelimit:{scope}:{client_fingerprint(request)}:{slot}"
    if cache.add(key, 1, timeout=window_seconds):
        return limit < 1
    try:
        return cache.incr(key) > limit
    except ValueError:  # the slot expired between add and incr: this is the first hit of a fresh slot
        cache.add(key, 1, timeout=window_seconds)
        return limit < 1
