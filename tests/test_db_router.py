"""Which reads go to a replica (newsroom/db_router.py): the rules, with stand-in replicas.
The real thing — a streaming standby lagging, paused and stopped — is in tests/topology/."""

import time

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.db import OperationalError, transaction
from django.test import RequestFactory
from django_tasks_db.models import DBTaskResult

from articles import related
from articles.models import Article
from newsroom import db_router
from newsroom.db_router import (
    PrimaryReplicaRouter,
    ReplicaReadsMiddleware,
    ReplicaState,
    reads_include,
    replica_reads,
)


class StandIn:
    """A replica connection that answers, or not."""

    vendor = "postgresql"

    def __init__(self, up: bool = True):
        self.up = up

    def ensure_connection(self):
        if not self.up:
            raise OperationalError('connection to server at "127.0.0.1", port 5499 failed: Connection refused')

    def cursor(self):
        self.ensure_connection()
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def execute(self, sql, params=None):
        pass

    def fetchone(self):
        return (1,)

    def close(self):
        pass


@pytest.fixture
def stand_ins(monkeypatch):
    """replica_0 and replica_1, reachable and caught up; a test may take one down."""
    stand_ins = {"replica_0": StandIn(), "replica_1": StandIn()}

    class Connections(dict):
        def close_all(self):
            pass

    monkeypatch.setattr(db_router, "connections", Connections(stand_ins))
    monkeypatch.setattr(db_router, "_replayed_position", lambda alias: 1 << 64)
    monkeypatch.setattr(db_router, "_primary_position", lambda: 0)
    monkeypatch.setattr(db_router, "REPLICA_RETRY_SECONDS", 0.05)
    db_router.forget_states()
    yield stand_ins
    db_router.forget_states()


ROUTER = PrimaryReplicaRouter(replicas=["replica_0", "replica_1"])


def test_without_replicas_everything_uses_the_primary():
    router = PrimaryReplicaRouter()  # the test settings configure no replica
    assert router.db_for_read(Article) == "default"
    assert router.db_for_write(Article) == "default"


def test_an_anonymous_request_reads_one_replica_for_all_its_reads(stand_ins):
    chosen = set()
    for _ in range(40):
        with replica_reads():
            reads = {ROUTER.db_for_read(Article) for _ in range(5)}
        assert len(reads) == 1  # one replica per request: its reads agree with each other
        chosen |= reads
    assert chosen == {"replica_0", "replica_1"}
    assert ROUTER.db_for_write(Article) == "default"
    assert not ROUTER.allow_migrate("replica_0", "articles") and ROUTER.allow_migrate("default", "articles")


@pytest.mark.django_db
def test_reads_inside_a_transaction_go_to_the_primary(stand_ins):
    with replica_reads(), transaction.atomic():
        assert ROUTER.db_for_read(Article) == "default"


def test_sessions_sign_in_and_the_task_queue_always_read_the_primary(stand_ins):
    """The task worker crashed at start: its `select_for_update` went to a replica. Sessions read from a lagging
    replica signed every editor out."""
    with replica_reads():
        assert ROUTER.db_for_read(Article).startswith("replica")
        for model in (Session, User, DBTaskResult):
            assert ROUTER.db_for_read(model) == "default"


def test_work_outside_a_request_reads_the_primary(stand_ins):
    """Commands and the task worker read what they then write."""
    assert ROUTER.db_for_read(Article) == "default"


def test_a_request_that_wrote_reads_its_write_back_from_the_primary(stand_ins):
    with replica_reads():
        assert ROUTER.db_for_read(Article).startswith("replica")
        ROUTER.db_for_write(Article)
        assert ROUTER.db_for_read(Article) == "default"


@pytest.mark.parametrize(
    ("method", "cookies", "reads"),
    [
        ("get", {}, "replica"),
        ("head", {}, "replica"),
        ("get", {"sessionid": "x" * 32}, "default"),  # anyone signed in: the editor sees their own save
        ("post", {}, "default"),  # votes and the beacon: a reader's vote is there when the page comes back
        ("post", {"sessionid": "x" * 32}, "default"),
    ],
)
def test_only_anonymous_gets_read_a_replica(stand_ins, monkeypatch, method, cookies, reads):
    monkeypatch.setattr(db_router, "replica_aliases", lambda: ["replica_0", "replica_1"])
    seen = []
    middleware = ReplicaReadsMiddleware(lambda request: seen.append(ROUTER.db_for_read(Article)))
    request = getattr(RequestFactory(), method)("/news/a-story/")
    request.COOKIES.update(cookies)
    middleware(request)
    assert seen[0].startswith(reads)


def test_an_unreachable_replica_is_left_out_until_it_answers_again(stand_ins):
    stand_ins["replica_0"].up = False
    stand_ins["replica_1"].up = False
    with replica_reads():
        assert ROUTER.db_for_read(Article) == "default"  # not an error page: the primary answers
    started = time.monotonic()
    for _ in range(20):
        with replica_reads():
            assert ROUTER.db_for_read(Article) == "default"
    assert time.monotonic() - started < 0.1  # nobody waits for the replica again

    stand_ins["replica_1"].up = True
    deadline = time.monotonic() + 5
    while not db_router._state("replica_1").up and time.monotonic() < deadline:
        time.sleep(0.02)
    with replica_reads():
        assert ROUTER.db_for_read(Article) == "replica_1"


def test_a_replica_behind_the_last_purge_is_not_read(stand_ins, monkeypatch):
    positions = {"primary": 100, "replayed": 50}
    monkeypatch.setattr(db_router, "_primary_position", lambda: positions["primary"])
    monkeypatch.setattr(db_router, "_replayed_position", lambda alias: positions["replayed"])
    monkeypatch.setattr(db_router, "_last_purge_ns", lambda: time.time_ns())
    with replica_reads():
        assert ROUTER.db_for_read(Article) == "default"  # the purge's commit may not be there yet
    positions["replayed"] = 100
    with replica_reads():
        assert ROUTER.db_for_read(Article).startswith("replica")


def test_a_copy_read_from_a_replica_behind_a_mark_is_not_kept(stand_ins):
    with replica_reads() as scope:
        ROUTER.db_for_read(Article)
        behind_ns = scope.current_as_of_ns
        assert reads_include(behind_ns - 1)
        assert not reads_include(time.time_ns() + 10**9)
    assert db_router._state(scope.alias).wanted_ns > behind_ns  # the next request checks the replica again
    assert reads_include(time.time_ns() + 10**9)  # read from the primary: everything is there


def test_replica_state_starts_knowing_nothing():
    assert ReplicaState().current_as_of_ns == 0 and ReplicaState().up


@pytest.mark.django_db
def test_related_reads_the_connection_the_router_names(make_article, monkeypatch):
    """Its raw SQL went to the primary whatever the router said."""
    asked = []

    class Router:
        def db_for_read(self, model, **hints):
            asked.append(model)
            return "default"

    monkeypatch.setattr(related, "router", Router())
    article = make_article(tags=["harbour"])
    related.related_articles(article=article, tag_ids=list(article.tags.values_list("id", flat=True)))
    assert asked
