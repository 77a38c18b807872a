"""Send reads to read replicas and everything else to the primary (only when replicas are configured)."""

import random

from django.conf import settings
from django.db import transaction


class PrimaryReplicaRouter:
    def __init__(self, replicas: list[str] | None = None) -> None:
        if replicas is None:
            replicas = [alias for alias in settings.DATABASES if alias.startswith("replica")]
        self.replicas = replicas

    def db_for_read(self, model, **hints) -> str:
        replicas = self.replicas
        # Inside a transaction, read from the primary: the rows we just wrote are not on a replica yet.
        if not replicas or transaction.get_connection("default").in_atomic_block:
            return "default"
        return random.choice(replicas)

    def db_for_write(self, model, **hints) -> str:
        return "default"

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # replicas hold the same data as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == "default"
