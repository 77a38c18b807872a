"""Buffered views survive a Redis crash when Redis runs with `deploy/redis.conf` (issue 11, finding 3: "15
buffered views lost at restart").

Views wait in Redis until the next flush. Each test starts its own redis-server on a free port with a data
directory of its own, counts views through the project's cache, kills Redis with SIGKILL (a crash: no chance
to save), starts it again on the same directory, then flushes: with the shipped configuration every view
arrives in `view_count`; with Redis keeping nothing on disk (the control) every one is lost, which is what the
shipped configuration is for. And the connection each thread keeps to Redis (`newsroom.cache_backend`) reconnects
after a restart, is given back when its thread ends, and never hands one command another's reply.
"""

import gc
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
import redis
from django.core.cache import caches

from articles.engagement.view_counts import view_counts_flush, view_register
from articles.models import Article
from newsroom import cache_backend
from newsroom.cache_backend import KeptConnectionPool

pytestmark = pytest.mark.django_db

DEPLOY_CONF = Path(__file__).resolve().parent.parent / "deploy" / "redis.conf"
FSYNC_WAIT = 1.5  # `appendfsync everysec`: what was written more than a second ago is on disk


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """A redis-server of this test's own, from a configuration file, restartable on the same data directory."""

    def __init__(self, conf: Path, directory: Path):
        self.conf, self.directory, self.port = conf, directory, _free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        # The port and directory are this test's; every other line is the file's.
        command = ["redis-server", str(self.conf), "--port", str(self.port), "--dir", str(self.directory)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def crash(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def _redis_server_or_skip() -> None:
    if shutil.which("redis-server") is None:
        message = "redis-server is not installed (Debian: redis-server)"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)


def _memory_only(tmp_path: Path) -> Path:
    """A configuration file for a Redis that keeps nothing on disk."""
    conf = tmp_path / "memory-only.conf"
    conf.write_text('appendonly no\nsave ""\n')
    return conf


@pytest.fixture
def redis_from(settings, tmp_path, monkeypatch):
    """Start a redis-server from a configuration file and point the project's cache at it."""
    _redis_server_or_skip()
    monkeypatch.setattr(cache_backend, "_OUTAGES", {})
    servers: list[RedisServer] = []

    def start(conf: Path) -> RedisServer:
        server = RedisServer(conf, tmp_path)
        server.start()
        servers.append(server)
        settings.CACHES = {
            "default": {
                "BACKEND": "newsroom.cache_backend.FailSafeRedisCache",
                "LOCATION": f"redis://127.0.0.1:{server.port}/0",
                "KEY_PREFIX": "newsroom-restart-test",
                "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
            }
        }
        return server

    yield start
    for server in servers:
        server.stop()


def _count_views_then_crash_and_flush(server: RedisServer, articles: list[Article], readers: int) -> list[int]:
    for article in articles:
        for n in range(readers):
            assert view_register(article_id=article.pk, reader_key=f"reader-{n}")
    assert Article.objects.filter(view_count__gt=0).count() == 0  # still only in Redis

    time.sleep(FSYNC_WAIT)
    server.crash()
    server.start()
    caches["default"].close()  # drop the connections to the dead server; the next call reconnects

    view_counts_flush()
    return [Article.objects.values_list("view_count", flat=True).get(pk=a.pk) for a in articles]


def test_views_buffered_in_redis_survive_a_crash_with_the_shipped_configuration(redis_from, make_article):
    server = redis_from(DEPLOY_CONF)
    articles = [make_article(), make_article()]

    assert _count_views_then_crash_and_flush(server, articles, readers=15) == [15, 15]


def test_without_persistence_a_crash_loses_every_buffered_view(redis_from, make_article, tmp_path):
    """The control: the same crash against a Redis that keeps nothing on disk (this machine's default)."""
    server = redis_from(_memory_only(tmp_path))
    articles = [make_article()]

    assert _count_views_then_crash_and_flush(server, articles, readers=15) == [0]


def test_the_shipped_configuration_persists_and_evicts_pages_before_failing_writes():
    lines = dict(
        line.split(None, 1) for line in DEPLOY_CONF.read_text().splitlines() if line.strip() and line[0] != "#"
    )
    assert lines["appendonly"] == "yes"
    assert lines["appendfsync"] == "everysec"
    assert lines["maxmemory-policy"] == "allkeys-lru"  # full memory never fails a vote or a page write


# Each thread keeps the connection it used last (`newsroom.cache_backend.KeptConnectionPool`): a page-cache hit's
# one command without the pool's checkout. What that must not cost: a connection per thread for good, a reply
# read by the wrong command, an outage after a restart.


def _connected_clients(server: RedisServer) -> int:
    with redis.Redis(port=server.port) as observer:
        return observer.info("clients")["connected_clients"] - 1  # not counting the observer


def test_a_thread_reads_on_the_connection_it_kept_without_asking_the_pool(redis_from, tmp_path, monkeypatch):
    redis_from(_memory_only(tmp_path))
    cache = caches["default"]
    cache.set("kept", "value")
    checkouts = []
    pool_checkout = redis.ConnectionPool.get_connection
    monkeypatch.setattr(redis.ConnectionPool, "get_connection", lambda pool: checkouts.append(1) or pool_checkout(pool))

    answers = [cache.get("kept") for _ in range(20)] + [cache.get_many(["kept", "absent"]) for _ in range(20)]

    assert answers == ["value"] * 20 + [{"kept": "value"}] * 20
    assert checkouts == []


def test_threads_give_their_connection_back_when_they_end(redis_from, tmp_path):
    """A live server's thread per request does not leave a connection behind: later threads reuse them."""
    server = redis_from(_memory_only(tmp_path))
    cache = caches["default"]
    cache.set("kept", 1)
    answers = []

    def batch() -> int:
        threads = [threading.Thread(target=lambda: answers.append(cache.get("kept"))) for _ in range(12)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        gc.collect()
        return _connected_clients(server)

    counts = [batch() for _ in range(6)]

    assert answers == [1] * 72
    # Kept for good, 72 threads would leave 72 connections. Given back as each thread ends, a batch reuses the last
    # one's: at most two batches' worth open at once (a thread's connection is given back just after it is joined).
    assert max(counts) <= 2 * 12 + 1


def test_a_kept_connection_holding_an_unread_reply_is_not_read_by_the_next_command(redis_from, tmp_path):
    redis_from(_memory_only(tmp_path))
    cache = caches["default"]
    cache.set("kept", "value")
    pool = cache._cache.get_client().connection_pool
    assert isinstance(pool, KeptConnectionPool)  # the project's pool (redis-py's own fails this test)
    connection = pool.get_connection()
    connection.send_command("PING")  # its reply never read, as after an interrupted command
    assert connection.can_read(timeout=2)  # and arrived
    pool.release(connection)

    assert cache.get("kept") == "value"


def test_after_a_redis_restart_the_next_command_reconnects_without_an_outage(redis_from, tmp_path):
    server = redis_from(_memory_only(tmp_path))
    cache = caches["default"]
    cache.set("before", 1)
    assert cache.get("before") == 1  # this thread's connection kept

    server.crash()
    server.start()

    assert cache.get("before") is None  # a memory-only Redis came back empty: a miss, not an error
    cache.set("after", 2)
    assert cache.get("after") == 2
    assert not cache.outage.down
