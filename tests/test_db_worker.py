"""The task worker (`manage.py db_worker`, ours over django-tasks-db's) outlives a database restart: it reconnects
by itself and runs what is queued after, instead of dying and leaving renditions queued forever."""

import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command, get_commands
from django.db import InterfaceError, OperationalError, connection
from django_tasks_db.models import DBTaskResult, DBTaskResultQuerySet

from articles.media.models import Image
from newsroom.management.commands import db_worker
from tests.builders import jpeg_bytes, library_image

ROOT = Path(__file__).resolve().parents[1]
RESTARTED = "terminating connection due to administrator command"


def queued_image() -> Image:
    return library_image(content=jpeg_bytes(800, 450), alt="Harbour", ready=False)


def test_manage_py_db_worker_is_ours():
    assert get_commands()["db_worker"] == "newsroom"


@pytest.mark.django_db(transaction=True)  # the worker closes its connections
@pytest.mark.parametrize("error", [OperationalError(RESTARTED), InterfaceError("connection already closed")])
def test_the_worker_goes_on_after_the_database_went_away(database_queue, monkeypatch, caplog, error):
    hero = queued_image()
    monkeypatch.setattr(db_worker, "FIRST_RETRY_SECONDS", 0)
    get_locked, failures = DBTaskResultQuerySet.get_locked, [error, error]

    def restarting_database(queryset):
        if failures:
            raise failures.pop()
        return get_locked(queryset)

    monkeypatch.setattr(DBTaskResultQuerySet, "get_locked", restarting_database)

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=io.StringIO())

    hero.refresh_from_db()
    assert hero.sizes_ready and DBTaskResult.objects.get().status == "SUCCESSFUL"
    warnings = [record.getMessage() for record in caplog.records if record.levelname == "WARNING"]
    assert len(warnings) == 2 and all(f"Database error ({error})" in warning for warning in warnings)


@pytest.mark.django_db(transaction=True)
def test_errors_that_are_not_the_databases_still_end_the_worker(database_queue, monkeypatch):
    queued_image()

    def broken(queryset):
        raise ValueError("a bug")

    monkeypatch.setattr(DBTaskResultQuerySet, "get_locked", broken)
    with pytest.raises(ValueError, match="a bug"):
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=io.StringIO())


def wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def renditions_made(image: Image) -> bool:
    return Image.objects.filter(pk=image.pk, sizes_ready=True).exists()


@pytest.fixture
def worker(settings, tmp_path):
    """`manage.py db_worker --no-reload` as `make serve` runs it, on the test database, through Django's pool."""
    db = connection.settings_dict
    env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    env |= {
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "NEWSROOM_TASKS": "database",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
    }
    with open(tmp_path / "worker.log", "w+") as log:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        yield process, log
        process.terminate()
        process.wait(timeout=30)
    connection.pool.check()  # this process's idle pooled connections were terminated too: drop them


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="terminates PostgreSQL backends")
def test_the_worker_reconnects_after_postgresql_terminated_its_connections(database_queue, worker):
    process, log = worker
    before = queued_image()
    assert wait_until(lambda: renditions_made(before), 60), "the worker never ran the first task"

    with connection.cursor() as cursor:  # what a PostgreSQL restart does to every client
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    after = queued_image()

    made = wait_until(lambda: renditions_made(after), 30)
    log.seek(0)
    output = log.read()
    assert made, f"the task queued after the restart was never run (worker alive: {process.poll() is None}):\n{output}"
    assert f"Database error ({RESTARTED}" in output  # the worker did meet the restart, and went on
    assert process.poll() is None
    # The worker marks a task's result after the task's own writes commit (the renditions seen above): wait for it.
    assert wait_until(lambda: DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 2, 10)
