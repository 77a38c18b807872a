"""Defines: Django's Redis cache, made to degrade: a dead or slow Redis is a cache miss, never an error page.

Every call that cannot reach Redis (connection refused, timeout, a server still loading its data) answers
like an empty cache — `get` the default, `add` False, `get_many` {}, pipelines one empty result per
command — so pages render from the database, slower but whole. Counters cannot pretend: `incr`/`decr`
raise `CacheUnavailable`, and `newsroom.cache_entries.counter_add` counts in this process's memory
instead (or lets view counting write straight to the database).

After a failure the backend does not try Redis again for `down_retry_seconds` (5 s unless OPTIONS say), so
an outage costs nothing per call; with short socket timeouts (`DEFAULT_OPTIONS`), the one call that finds
Redis gone costs at most a fraction of a second. The outage is logged once per process when it starts
and once when Redis answers again, never per request.

The backend also keeps one `redis.Redis` client per connection pool, where Django builds a new one on
every call, and skips Django's key check (`validate_key`), which is memcached's: Redis takes any key, and the
check loops over every character of every key — most of the cost of the page cache's one `get_many` of
purge marks on a hit (docs/benchmark.md). Replies are parsed by hiredis (requirements.txt).
"""

import contextlib
import functools
import logging
import os
import threading
import time

import redis
from django.core.cache.backends.base import default_key_func
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)

REDIS_ERRORS = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
# Defaults for what OPTIONS does not say: a Redis that is gone costs a quarter second once, then nothing.
DEFAULT_OPTIONS = {"socket_connect_timeout": 0.25, "socket_timeout": 0.5, "down_retry_seconds": 5.0}


class CacheUnavailable(Exception):
    """The shared cache cannot be reached: a counter cannot be kept there."""


class Outage:
    """Whether one Redis is down, shared by every thread of the process (so it is logged once)."""

    def __init__(self, location: str, retry_seconds: float):
        self.location = location
        self.retry_seconds = retry_seconds
        self.down = False
        self._retry_at = 0.0
        self._lock = threading.Lock()

    def skip(self) -> bool:
        """True while down and not yet time to try again: answer a miss without touching the network."""
        return self.down and time.monotonic() < self._retry_at

    def failed(self, error: Exception) -> None:
        with self._lock:
            started, self.down = not self.down, True
            self._retry_at = time.monotonic() + self.retry_seconds
        if started:
            logger.error(
                "Cache %s unreachable (%s): serving pages from the database and counting straight into it "
                "until it is back (next try in %ss).",
                self.location,
                error,
                self.retry_seconds,
            )

    def answered(self) -> None:
        if not self.down:
            return
        with self._lock:
            ended, self.down = self.down, False
        if ended:
            logger.warning("Cache %s is back: pages and counters use it again.", self.location)


_OUTAGES: dict[str, Outage] = {}
_OUTAGES_LOCK = threading.Lock()


def _outage_for(location: str, retry_seconds: float) -> Outage:
    with _OUTAGES_LOCK:
        return _OUTAGES.setdefault(location, Outage(location, retry_seconds))


def _client_call(on_miss):
    """Run a Redis call; when Redis is (or just went) down, `on_miss(*args)` answers instead."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            if self.outage.skip():
                return on_miss(*args, **kwargs)
            try:
                result = method(self, *args, **kwargs)
            except REDIS_ERRORS as error:
                self.outage.failed(error)
                return on_miss(*args, **kwargs)
            self.outage.answered()
            return result

        return wrapper

    return decorate


def _unavailable(*args, **kwargs):
    raise CacheUnavailable("The shared cache is unreachable.")


class _FailSafePipeline(redis.client.Pipeline):
    """A pipeline (Django's `set_many`, the project's `add_many`) whose every command misses when Redis is down."""

    outage: Outage

    def execute(self, raise_on_error=True):
        commands = len(self.command_stack)
        if self.outage.skip():
            self.reset()
            return [None] * commands
        try:
            result = super().execute(raise_on_error)
        except REDIS_ERRORS as error:
            self.outage.failed(error)
            self.reset()
            return [None] * commands
        self.outage.answered()
        return result


class _FailSafeRedis(redis.Redis):
    outage: Outage

    def pipeline(self, transaction=True, shard_hint=None):
        pipeline = _FailSafePipeline(self.connection_pool, self.response_callbacks, transaction, shard_hint)
        pipeline.outage = self.outage
        return pipeline


class _Kept:
    """The connection a thread keeps (`KeptConnectionPool`); given back to the pool when the thread ends."""

    def __init__(self, pool: "KeptConnectionPool"):
        self.pool = pool
        self.connection = None

    def __del__(self):
        if self.connection is not None:
            with contextlib.suppress(Exception):  # the interpreter shutting down
                redis.ConnectionPool.release(self.pool, self.connection)


class KeptConnectionPool(redis.ConnectionPool):
    """redis-py's pool, where each thread keeps the connection it used last and takes it back without going through
    the pool: its lock, its process check and its metrics on the way out and back cost a one-key read a fifth of
    its CPU in this process (a page-cache hit's one command: docs/benchmark.md). A kept connection is checked for
    unread data before it is used, and started afresh if it holds any; one that failed was disconnected by redis-py
    before it came back, and connects again when next used. A thread's second connection at a time (a pipeline inside a
    command) goes through the pool as before, and a thread's kept one goes back to the pool when the thread ends."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._threads = threading.local()

    def _kept(self) -> _Kept:
        kept = getattr(self._threads, "kept", None)
        if kept is None:
            kept = self._threads.kept = _Kept(self)
        return kept

    def get_connection(self, *args, **kwargs):
        kept = self._kept()
        connection, kept.connection = kept.connection, None
        if connection is None or connection.pid != os.getpid():
            return super().get_connection()
        try:
            unread = connection.can_read()
        except (OSError, *REDIS_ERRORS):
            unread = True  # the server closed it (a restart): connects again when used
        if unread:
            # A reply nobody read (a command cut short) must not answer the next command. (redis-py 8's own pool
            # skips this check where maintenance notifications are on, its default.)
            connection.disconnect()
        return connection

    def release(self, connection) -> None:
        kept = self._kept()
        if kept.connection is None and connection.pid == os.getpid() and not connection.should_reconnect():
            kept.connection = connection
            return
        super().release(connection)

    def reset(self) -> None:
        super().reset()  # a new process (redis-py resets a pool after a fork): no thread keeps anything yet
        self._threads = threading.local()


class FailSafeRedisCacheClient(RedisCacheClient):
    def __init__(self, servers, *, outage: Outage, **options):
        super().__init__(servers, **options)
        self.outage = outage
        self._clients: dict[int, redis.Redis] = {}

    def get_client(self, key=None, *, write=False):
        # One client per pool, built once (Django builds one per call); the pool is Django's, also built once.
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), _FailSafeRedis(connection_pool=pool))
            client.outage = self.outage
        return client

    add = _client_call(lambda key, value, timeout: False)(RedisCacheClient.add)
    get = _client_call(lambda key, default: default)(RedisCacheClient.get)
    set = _client_call(lambda key, value, timeout: None)(RedisCacheClient.set)
    touch = _client_call(lambda key, timeout: False)(RedisCacheClient.touch)
    delete = _client_call(lambda key: False)(RedisCacheClient.delete)
    get_many = _client_call(lambda keys: {})(RedisCacheClient.get_many)
    has_key = _client_call(lambda key: False)(RedisCacheClient.has_key)
    incr = _client_call(_unavailable)(RedisCacheClient.incr)
    set_many = _client_call(lambda data, timeout: None)(RedisCacheClient.set_many)
    delete_many = _client_call(lambda keys: None)(RedisCacheClient.delete_many)
    clear = _client_call(lambda: False)(RedisCacheClient.clear)


class FailSafeRedisCache(RedisCache):
    """`django.core.cache.backends.redis.RedisCache` that treats an unreachable Redis as an empty cache."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._options = DEFAULT_OPTIONS | self._options
        retry_seconds = float(self._options.pop("down_retry_seconds"))
        self._options["outage"] = _outage_for(";".join(self._servers), retry_seconds)
        self._options.setdefault("pool_class", KeptConnectionPool)
        self._class = FailSafeRedisCacheClient

    def validate_key(self, key):
        """Nothing to check: memcached's limits (250 characters, no spaces or control characters) are not
        Redis's, and Django's check of them costs a Python loop over every character of every key."""

    def get_many(self, keys, version=None):
        """Django's, each key made by one string join where the key function is Django's own: a hit reads some 50
        purge marks in one `get_many`, and three calls per key (`make_and_validate_key`) were a fifth of its time."""
        if self.key_func is not default_key_func:
            return super().get_many(keys, version=version)
        prefix = f"{self.key_prefix}:{self.version if version is None else version}:"  # as `default_key_func`
        key_map = {f"{prefix}{key}": key for key in keys}
        found = self._cache.get_many(key_map.keys())
        return {key_map[k]: v for k, v in found.items()}

    @property
    def outage(self) -> Outage:
        return self._options["outage"]


def shared_cache_down(cache) -> bool:
    """True while `cache` is a fail-safe Redis cache that found Redis unreachable (and has not seen it since)."""
    outage = getattr(cache, "outage", None)
    return outage is not None and outage.down


# While Redis is down, counters (rate limits, sign-in failures, the view de-duplication) are kept per process.
_local_fallback = LocMemCache("newsroom-cache-down-fallback", {"OPTIONS": {"MAX_ENTRIES": 20_000}})


def local_fallback() -> LocMemCache:
    return _local_fallback
