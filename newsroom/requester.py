"""Who is asking: the client's address behind trusted proxies, a salted fingerprint, bots and prefetches.

Nothing here stores an address or a User-Agent: rate limits keep only a keyed hash of the two, briefly.
"""

import ipaddress
import re
from functools import cache as memoize

from django.conf import settings

from newsroom.cache import hashed

PREFETCH_HEADERS = {"Sec-Purpose": ("prefetch", "prerender"), "Purpose": ("prefetch",), "X-Purpose": ("preview",)}


@memoize
def _trusted_networks(proxies: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _is_trusted_proxy(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _trusted_networks(tuple(settings.NEWSROOM_TRUSTED_PROXIES)))


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
    return hashed("newsroom.requester.fingerprint", f"{client_ip(request)}\n{request.headers.get('User-Agent', '')}")


@memoize
def _bot_pattern(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.IGNORECASE)


def is_bot(request) -> bool:
    """Known crawlers, monitors and HTTP libraries by User-Agent (a polite refusal, not a security boundary)."""
    user_agent = request.headers.get("User-Agent", "")
    return bool(_bot_pattern(settings.NEWSROOM_BOT_USER_AGENT_PATTERN).search(user_agent))


def is_same_origin(request) -> bool:
    """Whether the browser says this request comes from one of our own pages (Fetch Metadata, else Origin).

    Browsers set `Sec-Fetch-Site` themselves and no page can forge it; older ones send `Origin` on a POST.
    Neither header (old browsers, scripts): not known to be same-origin, so the caller asks for a token.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site:
        return fetch_site in ("same-origin", "none")  # "none": typed or bookmarked by the reader
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        return False
    return origin == f"{request.scheme}://{request.get_host()}" or origin in settings.CSRF_TRUSTED_ORIGINS


def is_prefetch(request) -> bool:
    """Speculative loads (link prefetch, prerender, preview panes) are not readers reading."""
    for header, markers in PREFETCH_HEADERS.items():
        value = request.headers.get(header, "").lower()
        if any(marker in value for marker in markers):
            return True
    return request.headers.get("X-Moz", "").lower() == "prefetch"
