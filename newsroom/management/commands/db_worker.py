"""Writes: `manage.py db_worker`: django-tasks-db's worker, made to outlive a database restart.

Upstream's loop ends at the first database error other than SQLite's "locked" (PostgreSQL restarted:
`OperationalError: terminating connection due to administrator command`), and nothing starts it again, so
renditions queue forever. This worker catches the database's errors around that loop, drops its connections
(with Django's pool, the whole pool: a restart broke the idle pooled connections too), waits (1 s, doubling up to
30 s while the database stays away) and goes on. Same options as upstream's (`make serve`: `--no-reload`).

A task that was running when the database went away keeps its RUNNING row (upstream's behaviour); the worker
takes the next ready task.
"""

import os
import time
from contextlib import suppress

from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker as upstream

FIRST_RETRY_SECONDS = 1.0
LAST_RETRY_SECONDS = 30.0


def drop_connections() -> None:
    """Close every connection this process holds; a pooled one's pool goes too (the next query opens a new one)."""
    for connection in connections.all(initialized_only=True):
        with suppress(DatabaseError):  # closing a broken connection may itself fail: it is dropped all the same
            connection.close()
        if getattr(connection, "pool", None):  # PostgreSQL with Django's pool
            connection.close_pool()


class RestartingWorker(upstream.Worker):
    """Upstream's worker, whose loop is started again after the database's errors instead of ending."""

    def run(self) -> None:
        delay = FIRST_RETRY_SECONDS
        while True:
            started = time.monotonic()
            try:
                return super().run()
            except (OperationalError, InterfaceError) as error:
                if not self.running:  # asked to stop meanwhile
                    return None
                if time.monotonic() - started > LAST_RETRY_SECONDS:  # it had been working: a new outage
                    delay = FIRST_RETRY_SECONDS
                upstream.logger.warning("Database error (%s); worker %s retries in %g s", error, self.worker_id, delay)
                drop_connections()
                time.sleep(delay)
                delay = min(delay * 2, LAST_RETRY_SECONDS)
                self.startup_delay = False


class Command(upstream.Command):
    help = "Run a database background worker that outlives a database restart"

    def handle(
        self,
        *,
        verbosity: int,
        queue_name: str,
        interval: float,
        batch: bool,
        backend_name: str,
        startup_delay: bool,
        reload: bool,
        max_tasks: int | None,
        worker_id: str,
        exclude_queues: str,
        **options,
    ) -> None:
        """As upstream's `handle` (django-tasks-db 0.13), with `RestartingWorker`."""
        self.configure_logging(verbosity)
        if reload and batch:
            upstream.logger.warning("Warning: --reload and --batch cannot be specified together. Disabling autoreload.")
            reload = False
        queue_names = queue_name.split(",")
        excluded_queue_names = exclude_queues.split(",") if exclude_queues else []
        if excluded_queue_names and "*" not in queue_names:
            raise upstream.CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = RestartingWorker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded_queue_names,
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":  # only the reloader's child handles signals
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
