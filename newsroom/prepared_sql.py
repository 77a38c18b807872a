"""Reads: the hot queries of a first view (the article page's story, Related's candidates) as prepared statements on
PostgreSQL: planned once per pooled connection, not on every run.

Django binds parameters in the client and prepares nothing (for the sake of connection poolers such as pgbouncer),
so PostgreSQL plans every query it is sent. At 100,000 articles (as at 2,000) it planned the story's query (five
joins and the tags' subquery) in ~1.7 ms and Related's (a slice per tag) in ~1.3 ms, against 0.3 and ~1.2 ms to run
them: two thirds of the database's CPU on every true miss. `prepared_cursor` runs a query with server-side binding,
prepared on its first run on each connection (psycopg keeps the statements by their SQL and parameter types), and
PostgreSQL reuses its generic plan (`plan_cache_mode`, set for the pool's connections in settings: these queries'
plans do not depend on the values). The cursor is Django's wrapper around it, so the query is counted, logged and
its errors wrapped like any other; a statement a migration made stale (a column's type changed under a running
process) is prepared again. Elsewhere — SQLite, or `DB_PREPARED_STATEMENTS=0` (a pooler that cannot keep prepared
statements: pgbouncer before 1.21 in transaction mode) — it is the plain cursor.
"""

import functools
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections


@contextmanager
def prepared_cursor(using: str) -> Iterator:
    """A cursor of the database `using` whose queries are prepared where it can (above), else the plain one."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    connection.ensure_connection()
    if connection.connection.prepare_threshold is None:  # prepared statements turned off
        with connection.cursor() as cursor:
            yield cursor
        return
    with connection.wrap_database_errors:
        raw = _preparing_cursor_class()(connection.connection)
        _as_django_creates_it(connection, raw)
    cursor = _logged_cursor_class()(raw, connection) if connection.queries_logged else connection.make_cursor(raw)
    connection.validate_thread_sharing()
    with cursor:
        yield cursor


@functools.cache
def _preparing_cursor_class():
    from django.db.backends.postgresql.base import ServerBindingCursor  # psycopg 3: imported where it is used
    from psycopg.errors import FeatureNotSupported
    from psycopg.pq import TransactionStatus

    class PreparingCursor(ServerBindingCursor):
        """Django's server-side binding cursor, each query prepared on its first run on the connection."""

        def execute(self, query, params=None, *, prepare=None, binary=None):
            try:
                return super().execute(query, params, prepare=True, binary=binary)
            except FeatureNotSupported:  # "cached plan must not change result type": a column's type changed
                if self.connection.info.transaction_status != TransactionStatus.IDLE:
                    raise
                self.connection.execute("DEALLOCATE ALL")  # psycopg forgets its statements with the server's
                return super().execute(query, params, prepare=True, binary=binary)

    return PreparingCursor


@functools.cache
def _logged_cursor_class():
    from django.db.backends.postgresql.base import CursorDebugWrapper
    from django.db.backends.utils import CursorWrapper

    class LoggedWithItsValues(CursorDebugWrapper):
        """Django's debug wrapper, logging the query with its values as for any other (it logs a server-bound
        query's text as sent, `$1` and all)."""

        def execute(self, sql, params=None):
            with self.debug_sql(self.db.ops.compose_sql(sql, params), params):
                return CursorWrapper.execute(self, sql, params)

    return LoggedWithItsValues


def _as_django_creates_it(connection, cursor) -> None:
    """What Django's `create_cursor` adds to a cursor: its datetimes' time zone, where the connection's differs."""
    from django.db.backends.postgresql.base import TIMESTAMPTZ_OID
    from django.db.backends.postgresql.psycopg_any import register_tzloader
    from psycopg.pq import Format

    loader = connection.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
    if connection.timezone != loader.timezone:
        register_tzloader(connection.timezone, cursor)
