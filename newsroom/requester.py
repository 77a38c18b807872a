"""Reads: who is asking: the client's address behind trusted proxies, the client a budget counts, bots and prefetches.

Budgets (`newsroom/rate_limit.py`) count a client by its address alone (`client_key`): a client can change its
User-Agent or drop its cookies at will, but not its address. Nothing here stores an address or a User-Agent:
cache keys hold a keyed hash of them, briefly.
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


def is_trusted_proxy(address: str) -> bool:
    """Whether `address` is one of our own proxies (`NEWSROOM_TRUSTED_PROXIES`), whose X-Forwarded-* we believe."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _trusted_networks(tuple(settings.NEWSROOM_TRUSTED_PROXIES)))


def client_ip(request) -> str:
    """The peer address; `X-Forwarded-For` is believed only when the peer is one of our own proxies."""
    address = request.META.get("REMOTE_ADDR", "")
    if not is_trusted_proxy(address):
        return address
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    # Walk from the nearest hop outwards: the first address that is not ours is the client.
    for hop in reversed(forwarded):
        if not is_trusted_proxy(hop):
            return hop
    return address


def client_network(request) -> str:
    """The client as budgets count it: its IPv4 address, or its IPv6 /64 (`NEWSROOM_CLIENT_IPV6_PREFIX`).

    One IPv6 subscriber is handed a whole /64 and may pick any address in it, so an address alone would be a
    fresh client at will; an IPv4-mapped IPv6 address is the IPv4 client it maps.
    """
    address = client_ip(request)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6 and ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    if ip.version == 6:
        return str(ipaddress.IPv6Network((int(ip), settings.NEWSROOM_CLIENT_IPV6_PREFIX), strict=False))
    return str(ip)


def client_key(request) -> str:
    """A keyed hash of the client's network (`client_network`): what every vote and view budget is counted by.

    Nothing the client chooses (User-Agent, cookies) is part of it, so no header buys a fresh budget.
    """
    return hashed("newsroom.requester.client", client_network(request))


def reader_fingerprint(request) -> str:
    """A keyed hash of address + User-Agent: tells apart cookie-less readers sharing one address (an office, a
    campus) so each one's view counts once. Never a budget key: a new User-Agent is free to send."""
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


def wants_json(request) -> bool:
    """The page's scripts (votes, beacons) ask for JSON: their errors are JSON too, never an HTML page."""
    return "application/json" in request.headers.get("Accept", "")


def is_prefetch(request) -> bool:
    """Speculative loads (link prefetch, prerender, preview panes) are not readers reading."""
    for header, markers in PREFETCH_HEADERS.items():
        value = request.headers.get(header, "").lower()
        if any(marker in value for marker in markers):
            return True
    return request.headers.get("X-Moz", "").lower() == "prefetch"
