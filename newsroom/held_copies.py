"""Reads: whether copies this process holds (a page and the shared blocks stitched into it) are still current,
reading one key where nothing was purged anywhere since this process last found them so.

Every purge sets `LAST_PURGE_KEY` in the same write as its marks (`newsroom.cache_entries.purge`: one atomic MSET on
Redis; the key last elsewhere), and a purge's value (its time in nanoseconds) is never one the key held before. So a
copy whose marks were all found current in the same read as `LAST_PURGE_KEY` holding `n` is current for as long as
the key still holds `n`: a hit reads that one key, not the ~50 marks of a page and its blocks, whose unpacking was
half of a hit's time. After a purge anywhere, each copy is checked against its marks once more (the same one
`get_many` as before, with the key), and a purged one is never served. Where the key is absent (no purge yet, or
lost) it is started as `newsroom.db_router` starts it, with the time it is read. A lost mark (evicted) no longer
makes a copy miss until the next purge: nothing it shows changed meanwhile, or a purge would have moved the key.
"""

import time
from typing import Any

from django.core.cache import cache

from newsroom.cache_entries import mark_keys
from newsroom.db_router import LAST_PURGE_KEY
from newsroom.round_trips import Call, get_else_add_reading, names_value

# Kept on each copy (a dict of this process's, never written back to the shared cache): the value `LAST_PURGE_KEY`
# held when its marks were last found current, read in the same `get_many` as they were.
CURRENT_AT = "current_at_purge"
# The newest value of `LAST_PURGE_KEY` this process read: a copy checked at another must read its marks again.
_last_purge_seen: list[Any] = [None]


def held_copies_current(
    copies: list[dict], *also: str, read: dict[str, Any] | None = None
) -> tuple[list[bool], dict[str, Any]]:
    """For each copy (a dict with its `versions`), whether nothing it shows was purged since it was built; and the
    entries `also` names (absent: None). One `get_many` (two right after a purge this process had not seen).

    Copies found current when `LAST_PURGE_KEY` held the value this process saw last need no marks read while it still
    holds it: only the others' marks are read, with the key — a page fetched from the shared cache, say, beside the
    blocks this process checked with its other pages (a third of the marks, where all of them were read). `read`:
    marks and the key read together already (with the copy, in the same command: `round_trips.get_else_add_reading`);
    where they cover what is to be read, no `get_many` at all."""
    last = _last_purge_seen[0]
    known = [last is not None and copy.get(CURRENT_AT) == last for copy in copies]
    others = [copy for copy, held in zip(copies, known, strict=True) if not held]
    if read is not None and not also and _covered(others, read) and (not any(known) or read[LAST_PURGE_KEY] == last):
        return _merged(known, _judged(others, read)), {}
    if any(known):
        current, found = _marks_read(others, also)
        if found.get(LAST_PURGE_KEY) == last:
            return _merged(known, current), {key: found.get(key) for key in also}
    current, found = _marks_read(copies, also)  # a purge since: every copy against its own marks
    return current, {key: found.get(key) for key in also}


def _merged(known: list[bool], current: list[bool]) -> list[bool]:
    """Each copy known current, else the next of `current` (the others', in order)."""
    others = iter(current)
    return [held or next(others) for held in known]


def _covered(copies: list[dict], read: dict[str, Any]) -> bool:
    """Whether `read` holds the last purge's key and every mark of `copies`."""
    return LAST_PURGE_KEY in read and all(key in read for copy in copies for key in mark_keys(copy["versions"]))


def _marks_read(copies: list[dict], also: tuple[str, ...]) -> tuple[list[bool], dict[str, Any]]:
    """Whether each copy's marks are those it was kept under, read in one `get_many` with `LAST_PURGE_KEY` and
    `also`."""
    keys = {key for copy in copies for key in mark_keys(copy["versions"])}
    # The marks and the key in one read (never from a request's prefetched entries: they must be read together).
    found = cache.get_many([LAST_PURGE_KEY, *keys, *also])
    return _judged(copies, found), found


def _judged(copies: list[dict], found: dict[str, Any]) -> list[bool]:
    """Whether each copy's marks are those it was kept under, by `found` (its marks and `LAST_PURGE_KEY`, read
    together); each copy found current notes the key's value."""
    current = [
        all(
            found.get(key) == mark
            for key, mark in zip(mark_keys(copy["versions"]), copy["versions"].values(), strict=True)
        )
        for copy in copies
    ]
    purged_at = found.get(LAST_PURGE_KEY)
    if purged_at is None and cache.add(LAST_PURGE_KEY, started := time.time_ns(), timeout=None):
        purged_at = started  # never purged (or the key lost) and no purge since the read: known from now on
    if purged_at is not None:
        _last_purge_seen[0] = purged_at
        for copy, still in zip(copies, current, strict=True):
            if still:
                copy[CURRENT_AT] = purged_at
    return current


def copy_else_lock(key: str, *, timeout: int) -> tuple[dict | None, bool, dict[str, Any] | None]:
    """The page copy of `key` kept by any process (None: absent) and, where it is absent, whether this request took its
    render lock (`{key}:rebuilding`); where it is found, its purge marks (named beside it: `marks_named`) and
    `LAST_PURGE_KEY`, read in the same command, for `held_copies_current(..., read=...)`. One round trip."""
    return get_else_add_reading(
        key, f"{key}:rebuilding", 1, timeout=timeout, names_key=f"{key}:marks", also=LAST_PURGE_KEY
    )


def marks_named(key: str, entry: dict, timeout: int) -> list[Call]:
    """The write naming a copy's purge marks beside it, sent with the copy. None for a list's copy (its check reads
    the lists' state too, `LISTS_KEYS`, so its marks are read with that) or where they cannot be named so."""
    names = None if entry["lists"] else names_value(mark_keys(entry["versions"]))
    return [Call("set", f"{key}:marks", names, timeout, raw=True)] if names else []
