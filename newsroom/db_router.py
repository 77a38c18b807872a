"""Reads: which database a read goes to. Without replicas, the primary. With DATABASE_REPLICA_URLS, the router
(`PrimaryReplicaRouter`, at the end) sends writes to the primary, and reads to a replica only when it is safe.

Only an anonymous reader's GET or HEAD (no session cookie: exactly the requests the page cache may answer) reads a
replica; every other request, and all work outside a request (commands, the task worker), reads the primary. Such
a request picks one replica for all its reads (`replica_for_read`), or the primary when no replica fits:
- **unreachable**: a replica that failed to connect is left out; a background thread tries it every
  `REPLICA_RETRY_SECONDS` and brings it back when it answers (no request waits for the retry);
- **behind**: every purge also records when it happened (`LAST_PURGE_KEY`). A replica serves a request only if
  it has replayed everything the primary had committed at that moment — known by comparing the replica's replay
  position with the primary's WAL position read at a time after the purge (one small query on each, once per
  purge per process while the replica keeps up). A render that follows a purge therefore reads what the purge
  announced: from the replica once it has caught up, from the primary until then.
- `reads_include`: the last check, made when a copy is stored under its purge marks (`shown_versions`): a copy
  rendered from a replica that was not known to hold a mark's commit is not kept.
Writes in the request send its later reads to the primary too (`note_write`).
"""

import logging
import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connections, transaction

logger = logging.getLogger(__name__)

LAST_PURGE_KEY = "replicas:last-purge"  # set by every purge (newsroom.cache_entries.purge), with its marks
REPLICA_RETRY_SECONDS = 2  # how often an unreachable replica is tried again, off the request path
_NO_LSN = -1


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica")]


# --- the request's scope ------------------------------------------------------------------------------------


@dataclass
class ReadScope:
    allowed: bool  # this request may read a replica at all
    alias: str | None = None  # the replica it reads, once chosen
    chosen: bool = False
    current_as_of_ns: int = 0  # the chosen replica holds every commit the primary had made by then


_scope: ContextVar[ReadScope | None] = ContextVar("newsroom_read_scope", default=None)


@contextmanager
def replica_reads(*, allowed: bool = True) -> Iterator[ReadScope]:
    """A scope in which reads may go to a replica (the request middleware opens one per request)."""
    scope = ReadScope(allowed=allowed)
    token = _scope.set(scope)
    try:
        yield scope
    finally:
        _scope.reset(token)


def reads_replicas(request) -> bool:
    """An anonymous reader's GET or HEAD: nobody is signed in, nothing is written, nothing personal is read."""
    return request.method in ("GET", "HEAD") and settings.SESSION_COOKIE_NAME not in request.COOKIES


class ReplicaReadsMiddleware:
    """Opens the request's read scope: a replica for anonymous reads, the primary for everything else."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.enabled = bool(replica_aliases())

    def __call__(self, request):
        if not self.enabled:
            return self.get_response(request)
        with replica_reads(allowed=reads_replicas(request)):
            return self.get_response(request)


def note_write() -> None:
    """The request wrote: what it reads from now on comes from the primary (which has the write)."""
    scope = _scope.get()
    if scope is not None:
        scope.allowed, scope.alias, scope.chosen = False, None, True


def replica_for_read(replicas: list[str]) -> str | None:
    """The replica this request's reads go to, or None for the primary. Chosen once per request."""
    scope = _scope.get()
    if scope is None or not scope.allowed or not replicas:
        return None
    if not scope.chosen:
        scope.chosen = True  # first, so that the queries made while choosing go to the primary
        needed_ns = _last_purge_ns() + settings.NEWSROOM_PAGE_CACHE_CLOCK_SKEW_MS * 1_000_000
        for alias in random.sample(replicas, len(replicas)):
            state = _state(alias)
            if state.up and _current_since(alias, state, needed_ns):
                scope.alias, scope.current_as_of_ns = alias, state.current_as_of_ns
                break
    return scope.alias


def reads_include(mark_ns: int) -> bool:
    """Whether what this request read holds every commit purged up to `mark_ns` (a purge mark, another server's
    clock: `NEWSROOM_PAGE_CACHE_CLOCK_SKEW_MS` allows for the difference). Always, when it read the primary."""
    scope = _scope.get()
    if scope is None or scope.alias is None:
        return True
    if scope.current_as_of_ns - settings.NEWSROOM_PAGE_CACHE_CLOCK_SKEW_MS * 1_000_000 >= mark_ns:
        return True
    state = _state(scope.alias)
    state.wanted_ns = max(state.wanted_ns, mark_ns)  # the next request checks the replica against this mark
    return False


def _last_purge_ns() -> int:
    """When the last purge was, on any server. Unknown (never recorded, or lost): from now on."""
    last = cache.get(LAST_PURGE_KEY)
    if last is None:
        cache.add(LAST_PURGE_KEY, time.time_ns(), timeout=None)
        last = cache.get(LAST_PURGE_KEY, 0)
    return last


# --- each replica's state in this process ---------------------------------------------------------------------


@dataclass
class ReplicaState:
    up: bool = True
    retrying: bool = False
    current_as_of_ns: int = 0  # every commit the primary had made by this time has been replayed here
    wanted_ns: int = 0  # a copy was refused for a mark this recent: check the replica against it
    target: tuple[int, int] | None = None  # (time, the primary's WAL position then), not replayed yet


_states: dict[str, ReplicaState] = {}
_states_lock = threading.Lock()


def _state(alias: str) -> ReplicaState:
    with _states_lock:
        return _states.setdefault(alias, ReplicaState())


def forget_states() -> None:
    """Start again knowing nothing about any replica (tests)."""
    with _states_lock:
        _states.clear()


def _current_since(alias: str, state: ReplicaState, needed_ns: int) -> bool:
    """Whether `alias` is reachable and has replayed every commit made on the primary by `needed_ns`."""
    needed_ns = max(needed_ns, state.wanted_ns)
    try:
        connections[alias].ensure_connection()  # a pooled connection, checked: fails here, not in the view
        if state.current_as_of_ns >= needed_ns:
            return True
        if state.target is None or state.target[0] < needed_ns:
            state.target = (time.time_ns(), _primary_position())
        checked_ns, position = state.target
        if _replayed_position(alias) >= position:
            state.current_as_of_ns = max(state.current_as_of_ns, checked_ns)
    except DatabaseError as error:
        mark_down(alias, error)
        return False
    return state.current_as_of_ns >= needed_ns


def _lsn(text: str | None) -> int:
    if text is None:
        return _NO_LSN
    high, _, low = text.partition("/")
    return (int(high, 16) << 32) + int(low, 16)


def _primary_position() -> int:
    connection = connections["default"]
    if connection.vendor != "postgresql":
        return _NO_LSN
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_insert_lsn()::text")
        return _lsn(cursor.fetchone()[0])


def _replayed_position(alias: str) -> int:
    """How far the replica has replayed; for a server not in recovery (the primary itself), everything."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return 1 << 64
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_last_wal_replay_lsn()::text, pg_is_in_recovery()")
        replayed, in_recovery = cursor.fetchone()
    return _lsn(replayed) if in_recovery else 1 << 64


def mark_down(alias: str, error: Exception) -> None:
    """Reads stop going to `alias`; a background thread tries it again until it answers."""
    state = _state(alias)
    with _states_lock:
        if state.up:
            logger.warning("Read replica %s is unreachable; reading from the primary: %s", alias, error)
        state.up = False
        if state.retrying:
            return
        state.retrying = True
    threading.Thread(target=_retry, args=(alias, state), name=f"replica-retry-{alias}", daemon=True).start()


def _retry(alias: str, state: ReplicaState) -> None:
    try:
        while _states.get(alias) is state:  # until it answers (or the states were forgotten)
            time.sleep(REPLICA_RETRY_SECONDS)
            if _states.get(alias) is state and replica_answers(alias):
                logger.warning("Read replica %s answers again", alias)
                state.up = True
                return
    finally:
        state.retrying = False
        connections.close_all()  # this thread's connections


def replica_answers(alias: str) -> bool:
    connection = connections[alias]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False
    finally:
        connection.close()


def replica_health() -> dict[str, str]:
    """Each replica's state for `/readyz`: "ok", or "unreachable" (reads go to the primary meanwhile)."""
    health = {}
    for alias in replica_aliases():
        state = _state(alias)
        if state.up and not replica_answers(alias):
            mark_down(alias, DatabaseError("the readiness probe failed"))
        health[alias] = "ok" if state.up else "unreachable"
    return health


# --- the router ---------------------------------------------------------------------------------------------

# Always the primary, whoever asks: sign-in and sessions (a session just written must be found by the next
# request), the admin's log, content types, the task queue (the worker locks rows: `select_for_update`), the
# desk's versions, and the failed sign-ins.
PRIMARY_APPS = frozenset(
    {"admin", "auth", "contenttypes", "sessions", "django_tasks_database", "reversion", "newsroom"}
)


class PrimaryReplicaRouter:
    def __init__(self, replicas: list[str] | None = None) -> None:
        self.replicas = replica_aliases() if replicas is None else replicas

    def db_for_read(self, model, **hints) -> str:
        # Inside a transaction, read from the primary: the rows we just wrote are not on a replica yet.
        if model._meta.app_label in PRIMARY_APPS or transaction.get_connection("default").in_atomic_block:
            return "default"
        return replica_for_read(self.replicas) or "default"

    def db_for_write(self, model, **hints) -> str:
        note_write()
        return "default"

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # replicas hold the same data as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == "default"
