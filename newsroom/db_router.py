"""Send anonymous readers' reads to read replicas and everything else to the primary (only when replicas are
configured). Which request may read a replica, and which replica, is decided in `newsroom.replicas`."""

from django.conf import settings
from django.db import transaction

from newsroom.replicas import note_write, replica_for_read

# Always the primary, whoever asks: sign-in and sessions (a session just written must be found by the next
# request), the admin's log, content types, the task queue (the worker locks rows: `select_for_update`), the
# desk's versions, and the failed sign-ins.
PRIMARY_APPS = frozenset(
    {"admin", "auth", "contenttypes", "sessions", "django_tasks_database", "reversion", "newsroom"}
)


class PrimaryReplicaRouter:
    def __init__(self, replicas: list[str] | None = None) -> None:
        if replicas is None:
            replicas = [alias for alias in settings.DATABASES if alias.startswith("replica")]
        self.replicas = replicas

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
