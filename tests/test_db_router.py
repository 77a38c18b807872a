from django.db import connection

from articles.models import Article
from newsroom.db_router import PrimaryReplicaRouter


def test_without_replicas_everything_uses_the_primary():
    router = PrimaryReplicaRouter()  # the test settings configure no replica
    assert router.db_for_read(Article) == "default"
    assert router.db_for_write(Article) == "default"


def test_reads_go_to_replicas_but_not_inside_a_transaction(monkeypatch):
    router = PrimaryReplicaRouter(replicas=["replica_0", "replica_1"])
    reads = {router.db_for_read(Article) for _ in range(50)}
    assert reads == {"replica_0", "replica_1"}
    assert router.db_for_write(Article) == "default"
    assert not router.allow_migrate("replica_0", "articles") and router.allow_migrate("default", "articles")
    monkeypatch.setattr(connection, "in_atomic_block", True)
    assert router.db_for_read(Article) == "default"
