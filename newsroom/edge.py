"""Writes: the edge cache in front of the site (Varnish, Fastly or Cloudflare): told what a page shows, purged by tag.

Every page the full-page cache stores says what it shows in a tag header (`tag_response`), one short tag per
thing it shows (`newsroom.cache.shows_*`: `article-12`, `section-list-3`, `front`, `site` — the last on every
page). Every purge after commit (`newsroom.cache_entries.purge`) hands the same names to `purge_tags`, which
sends them, batched, to the edge configured by `NEWSROOM_EDGE`:

- `varnish`: a `PURGE` request with an `xkey-purge` header to each of `NEWSROOM_EDGE_VARNISH_URLS` (one per
  Varnish node; `deploy/varnish.vcl` answers it with `xkey.purge`, a hard purge: never served again, even stale);
- `fastly`: one batch surrogate-key purge (`NEWSROOM_EDGE_FASTLY_SERVICE_ID`, `NEWSROOM_EDGE_FASTLY_TOKEN`);
- `cloudflare`: a purge by cache tags (`NEWSROOM_EDGE_CLOUDFLARE_ZONE_ID`, `NEWSROOM_EDGE_CLOUDFLARE_TOKEN`).

Purges are sent off the request, in one batch for all the purges of a commit, with short timeouts; a failure
is logged and never breaks the save that caused it (the edge then keeps the page until its `s-maxage`).
docs/edge.md tells what each purge reaches.
"""

import hashlib
import http.client
import json
import logging
import re
import threading
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.utils.cache import patch_cache_control

logger = logging.getLogger(__name__)

HEADER_BYTES = 2048  # below every edge's limit, and below nginx's default proxy_buffer_size with the other headers
TAG_MAX_LENGTH = 64
OVERFLOW = "overflow"  # on a page whose tags did not all fit: every purge reaches it
BATCH_SECONDS = 0.05  # the purges of one commit run back to back: they go out in one request
FASTLY_API = "https://api.fastly.com"
CLOUDFLARE_API = "https://api.cloudflare.com/client/v4"
_SAFE_TAG = re.compile(r"[A-Za-z0-9._-]+")


def edge_tag(dependency: str) -> str:
    """The edge's name for what a page shows: `article:12` → `article-12`; a long or unusual name, hashed."""
    tag = dependency.replace(":", "-")
    if len(tag) <= TAG_MAX_LENGTH and _SAFE_TAG.fullmatch(tag):
        return tag
    return "h-" + hashlib.blake2b(dependency.encode(), digest_size=8).hexdigest()


@dataclass(frozen=True)
class Adapter:
    header: str  # the response header the edge reads tags from
    separator: str

    def send(self, tags: list[str]) -> None:
        raise NotImplementedError


class Varnish(Adapter):
    def send(self, tags: list[str]) -> None:
        for url in settings.NEWSROOM_EDGE_VARNISH_URLS:  # every node: each keeps its own copies
            _call(url, method="PURGE", headers={"xkey-purge": " ".join(tags)})


class Fastly(Adapter):
    BATCH = 256  # surrogate keys per purge request

    def send(self, tags: list[str]) -> None:
        url = f"{FASTLY_API}/service/{settings.NEWSROOM_EDGE_FASTLY_SERVICE_ID}/purge"
        for start in range(0, len(tags), self.BATCH):
            body = {"surrogate_keys": tags[start : start + self.BATCH]}
            _call(url, headers={"Fastly-Key": settings.NEWSROOM_EDGE_FASTLY_TOKEN}, body=body)


class Cloudflare(Adapter):
    BATCH = 100  # tags per purge request

    def send(self, tags: list[str]) -> None:
        url = f"{CLOUDFLARE_API}/zones/{settings.NEWSROOM_EDGE_CLOUDFLARE_ZONE_ID}/purge_cache"
        for start in range(0, len(tags), self.BATCH):
            body = {"tags": tags[start : start + self.BATCH]}
            _call(url, headers={"Authorization": f"Bearer {settings.NEWSROOM_EDGE_CLOUDFLARE_TOKEN}"}, body=body)


ADAPTERS: dict[str, Adapter] = {
    "varnish": Varnish(header="xkey", separator=" "),
    "fastly": Fastly(header="Surrogate-Key", separator=" "),
    "cloudflare": Cloudflare(header="Cache-Tag", separator=","),
}


def _adapter() -> Adapter | None:
    return ADAPTERS.get(settings.NEWSROOM_EDGE)


def _call(url: str, *, method: str = "POST", headers: dict[str, str], body: dict | None = None) -> None:
    data = None if body is None else json.dumps(body).encode()
    if data is not None:
        headers = {**headers, "Content-Type": "application/json"}
    request = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310 (our settings)
    with urllib.request.urlopen(request, timeout=settings.NEWSROOM_EDGE_TIMEOUT_SECONDS) as response:  # noqa: S310
        response.read()


def tag_response(response, shown: Iterable[str]) -> None:
    """Say, in the edge's tag header, what this public page shows; at most `HEADER_BYTES` of tags, the
    `OVERFLOW` tag (purged by every purge) standing for those that did not fit."""
    adapter = _adapter()
    if adapter is None:
        return
    tags, length = [], 0
    for tag in sorted({edge_tag(dependency) for dependency in shown}, key=lambda tag: (len(tag), tag)):
        if length + len(tag) + len(OVERFLOW) + 2 > HEADER_BYTES:
            tags.append(OVERFLOW)
            break
        tags.append(tag)
        length += len(tag) + 1
    response[adapter.header] = adapter.separator.join(tags)


def keep_off_the_edge(response) -> None:
    """A page the full-page cache would not keep (rendered while what it shows was purged, or an old copy
    served while another request renders the new one) is not kept by the edge either."""
    patch_cache_control(response, s_maxage=0)


_pending: set[str] = set()
_timer: threading.Timer | None = None
_lock = threading.Lock()


def purge_tags(dependencies: Iterable[str]) -> None:
    """After commit: the edge forgets every page that shows one of `dependencies`. Sent `BATCH_SECONDS` later
    in one request with the commit's other purges, on another thread, so a slow edge never delays a save."""
    global _timer
    if _adapter() is None:
        return
    with _lock:
        _pending.update(edge_tag(dependency) for dependency in dependencies)
        _pending.add(OVERFLOW)
        if _timer is None:
            _timer = threading.Timer(BATCH_SECONDS, flush)  # not a daemon: a command's last purge still goes out
            _timer.start()


def flush() -> None:
    """Send the pending purges now (the batch timer calls it)."""
    global _timer
    with _lock:
        tags = sorted(_pending)
        _pending.clear()
        if _timer is not None:
            _timer.cancel()
            _timer = None
    adapter = _adapter()
    if not tags or adapter is None:
        return
    try:
        adapter.send(tags)
    except (OSError, http.client.HTTPException) as error:  # unreachable, refused, timed out, an error status
        logger.error("Edge purge of %d tags through %s failed: %s", len(tags), settings.NEWSROOM_EDGE, error)
