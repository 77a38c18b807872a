"""Reads: the shared cache: pages stitched from fragments when they are served.

A page whose own part lives long while the shared blocks around it change every minute (the article: its story
is kept until it changes, its Ranking is a minute old at most) is rendered with placeholders where the blocks go
(`placeholder`), and kept that way by the page cache. Serving it joins the blocks in (`stitch`): each block is a
shared entry with its own lifetime and purge marks (`newsroom.cache_entries.shown_entry`), held by each process
(`block_copies`) so that a hit checks the page's marks and its blocks' in one `get_many` and joins strings — no
template, no SQL. The page says which blocks it takes and how each is shown on it (`Fragment`): a block may be
filtered for the page at stitch time (a story not repeated, the page's own story not linked), from candidates
rendered into the block when it was built.

The stitched page's validator is a hash of the page's own `ETag` and each block's, and its `Last-Modified` the
latest of theirs, so a 304 is never an answer after a block changed; it goes downstream (the edge, browsers) no
longer than its earliest block stays fresh, while the page's own part stays in this cache until it changes.

A view answers through `respond`: inside the page cache's render (`kept_apart`) it hands over its page with the
placeholders; anywhere else (a signed-in reader, `?my-vote`, a preview) the blocks are stitched in at once.
"""

import hashlib
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

from newsroom.cache_entries import marks_current_each, shown_entry
from newsroom.local_copies import LocalCopies

_MARKER = re.compile(rb"<!--newsroom-block:([a-z-]+)-->")
# Counted, not measured: a site has a few blocks per section and language.
BLOCKS_KEPT = 512


def placeholder(name: str) -> SafeString:
    """Where the block `name` goes in a page's own part (an HTML comment: editor HTML is sanitised free of them)."""
    return mark_safe(f"<!--newsroom-block:{name}-->")  # noqa: S308 — a fixed comment around a [a-z-] name


@dataclass(frozen=True)
class Block:
    key: str  # its shared cache entry
    build: Callable[[], Any]  # its value, built on a miss (SQL, templates): once per lifetime, not per page
    timeout: int  # how long it stays fresh


class Fragment(Protocol):
    """What a page's own part says about the blocks it is served with (kept with the page: picklable)."""

    def blocks(self) -> dict[str, Block]:
        """The blocks, by placeholder name."""

    def fill(self, values: dict[str, Any]) -> dict[str, str]:
        """The HTML of each placeholder on this page, given each block's value: string work only."""


_kept_apart: ContextVar[bool] = ContextVar("newsroom_fragments_kept_apart", default=False)


@contextmanager
def kept_apart() -> Iterator[None]:
    """The page cache's render: a view hands over its page with the placeholders (`respond`)."""
    token = _kept_apart.set(True)
    try:
        yield
    finally:
        _kept_apart.reset(token)


def respond(response, fragment: Fragment):
    """A view's page with placeholders: handed to the page cache as it is, or stitched at once (not cached)."""
    if _kept_apart.get():
        response.fragment = fragment
        return response
    stitched = stitch(response.content, etag="", built_at=0, fragment=fragment, blocks=complete(fragment, {}))
    response.content = stitched.content
    return response


# The blocks this process stitched in last (checked against their purge marks before each use).
block_copies = LocalCopies(BLOCKS_KEPT, size=lambda entry: 1)
# The pages this process stitched last, by their stitched `ETag` (the page's own and each block's).
stitched_copies = LocalCopies(settings.NEWSROOM_PAGE_CACHE_LOCAL_BYTES // 2, size=lambda page: len(page.content))


def held_blocks(fragment: Fragment, now: float) -> dict[str, dict]:
    """The blocks of `fragment` this process holds and that are still fresh, by name; their purge marks are yet to
    be checked (`drop_purged`), in the same `get_many` as the page's own."""
    held = {}
    for name, block in fragment.blocks().items():
        entry = block_copies.get(block.key)
        if entry is not None and now < entry["fresh_until"]:
            held[name] = entry
    return held


def drop_purged(fragment: Fragment, held: dict[str, dict], current: list[bool]) -> dict[str, dict]:
    """`held` without the blocks whose marks moved (`current`: for each, in order); this process forgets those."""
    if all(current):
        return held
    keys = {name: block.key for name, block in fragment.blocks().items()}
    for (name, _), still in zip(list(held.items()), current, strict=True):
        if not still:
            block_copies.drop(keys[name])
            del held[name]
    return held


def complete(fragment: Fragment, held: dict[str, dict]) -> dict[str, dict]:
    """Every block of `fragment`: those `held` (checked already); those this process holds fresh, checked in one
    `get_many`; the others from the shared cache (built there on a miss, by one request: `shown_entry`)."""
    found, now = dict(held), time.time()
    wanted = {name: block for name, block in fragment.blocks().items() if name not in found}
    if not wanted:  # a hit: every block held and checked with the page
        return found
    local = {name: entry for name, entry in held_blocks(fragment, now).items() if name in wanted}
    if local:
        current, _ = marks_current_each([entry["versions"] for entry in local.values()])
        found |= drop_purged(fragment, local, current)
    for name, block in wanted.items():
        if name not in found:
            entry = shown_entry(block.key, block.build, block.timeout)
            if entry["versions"] is not None:
                block_copies.put(block.key, entry)
            found[name] = entry
    return found


@dataclass(frozen=True)
class Stitched:
    content: bytes
    etag: str  # a hash of the page's own `ETag` and each block's
    last_modified: float  # the latest of the page's and its blocks'
    fresh_until: float  # the earliest of its blocks' lifetimes: no longer downstream
    shown: frozenset[str]  # what its blocks show (the edge's tags, with the page's own)
    kept: bool  # every block is a copy the cache keeps (not one built while something on it was purged)


def stitch(content: bytes, *, etag: str, built_at: float, fragment: Fragment, blocks: dict[str, dict]) -> Stitched:
    """The page: its own part with each placeholder replaced. Joined once per process for each combination of the
    page's copy and its blocks' copies (`stitched_copies`), then served from memory."""
    names = sorted(blocks)
    signature = "\n".join([etag, *(f"{name}={blocks[name]['etag']}" for name in names)])
    stitched_etag = f'"{hashlib.blake2b(signature.encode(), digest_size=16).hexdigest()}"'
    kept = all(blocks[name]["versions"] is not None for name in names)
    found = stitched_copies.get(stitched_etag) if etag and kept else None
    if found is not None:
        return found
    html = {name: value.encode() for name, value in fragment.fill({n: blocks[n]["value"] for n in names}).items()}
    parts = _MARKER.split(content)  # text, name, text, name, …, text
    for at in range(1, len(parts), 2):
        parts[at] = html.get(parts[at].decode(), b"")
    stitched = Stitched(
        content=b"".join(parts),
        etag=stitched_etag,
        last_modified=max([built_at, *(blocks[name]["built_at"] for name in names)]),
        fresh_until=min((blocks[name]["fresh_until"] for name in names), default=float("inf")),
        shown=frozenset().union(*(blocks[name]["shown"] for name in names)),
        kept=kept,
    )
    if etag and kept:
        stitched_copies.put(stitched_etag, stitched)
    return stitched
