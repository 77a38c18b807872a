"""Defines: a byte-bounded, least-recently-used store of this process's own copies (nothing shared is read).

One class for every per-process shortcut the page cache takes: the copies a process served last
(`articles.page_cache.local_copies`), the shared blocks it stitched in last (`newsroom.fragments`), the pages it
stitched last, and their gzipped bytes (`newsroom.compression`). Each is only a shortcut past fetching (and
unpickling, joining or compressing) again: whatever is served from one is first checked against the shared purge
marks by its caller, so a purge made by any process is seen at once.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any


def content_size(entry: dict) -> int:
    """The size of a page-cache entry: its content's bytes (headers and marks are small beside it)."""
    return len(entry["content"])


class LocalCopies:
    """At most `max_bytes` (as `size` measures a value) of values, the most recently read or stored kept."""

    def __init__(self, max_bytes: int, *, size: Callable[[Any], int] = content_size):
        self.max_bytes = max_bytes
        self.size = size
        self._entries: OrderedDict[Any, Any] = OrderedDict()
        self._sizes: dict[Any, int] = {}
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key) -> Any:
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        size = self.size(value)
        with self._lock:
            self._forget(key)
            if size > self.max_bytes:
                return
            self._entries[key] = value
            self._sizes[key] = size
            self._bytes += size
            while self._bytes > self.max_bytes:
                self._forget(next(iter(self._entries)))

    def drop(self, key) -> None:
        with self._lock:
            self._forget(key)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._sizes.clear()
            self._bytes = 0

    def _forget(self, key) -> None:
        if self._entries.pop(key, None) is not None:
            self._bytes -= self._sizes.pop(key)
