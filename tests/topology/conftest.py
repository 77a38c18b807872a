"""The production topology on one machine: a PostgreSQL primary with a streaming hot standby, a Redis, and app
servers (granian) that use them — each test module gets its own, thrown away at the end (tests/topology/README.md).

Fixtures: `pg_pair` (primary + standby, migrated; pause/resume/delay replay, stop/start the standby),
`redis_server`, `app_server(**env)` (a granian server on a free port), `varnish(servers, port=…)` (the edge,
deploy/varnish.vcl, in front of them), `run_manage(*args)` and `run_python(code)` (the project's commands against
the same services); `tests/topology/web_client.py`: the HTTP client; `tests/topology/edge_server.py`: Varnish.

Needs PostgreSQL's server binaries (`NEWSROOM_PG_BIN`, default /usr/lib/postgresql/15/bin), redis-server and
granian. A missing one skips the tests on a workstation and fails them in CI (`CI` set): CI must run them.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest

from tests.topology.edge_server import Varnish, start_varnish
from tests.topology.web_client import HttpClient

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path(os.environ.get("NEWSROOM_PG_BIN", "/usr/lib/postgresql/15/bin"))
SETTINGS = "tests.topology.app_settings"
SECRET = "topology-" + "k3Yq9" * 10
STARTUP_SECONDS = 30


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/topology/" in str(item.fspath):
            item.add_marker(pytest.mark.topology)


def _require(path: str | Path, what: str) -> str:
    found = shutil.which(str(path))
    if found is None:
        message = f"{what} not found ({path}): the topology tests need it"
        if os.environ.get("CI"):
            pytest.fail(message + " — CI must run them, install it", pytrace=False)
        pytest.skip(message)
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(check: Callable[[], bool], what: str, seconds: float = STARTUP_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise TimeoutError(f"{what} did not happen within {seconds} s")


# --- PostgreSQL: a primary and a streaming hot standby ------------------------------------------------------


def _as_postgres(command: list[str]) -> list[str]:
    """The server refuses to run as root: as root, run it as the `postgres` user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@dataclass
class PgPair:
    directory: Path
    primary_port: int
    replica_port: int
    database: str = "newsroom"
    replica_running: bool = field(default=True)

    def url(self, port: int) -> str:
        return f"postgres://postgres@127.0.0.1:{port}/{self.database}"

    @property
    def primary_url(self) -> str:
        return self.url(self.primary_port)

    @property
    def replica_url(self) -> str:
        return self.url(self.replica_port)

    def sql(self, port: int, query: str, params=(), *, database: str | None = None) -> list[tuple]:
        dsn = f"host=127.0.0.1 port={port} user=postgres dbname={database or self.database} connect_timeout=5"
        with psycopg.connect(dsn, autocommit=True) as conn:
            cursor = conn.execute(query, params)
            return cursor.fetchall() if cursor.description else []

    def pg_ctl(self, name: str, *args: str) -> None:
        data = self.directory / name
        command = [str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(self.directory / f"{name}.log"), "-w", *args]
        subprocess.run(_as_postgres(command), check=True, capture_output=True, timeout=60)

    def pause_replay(self) -> None:
        self.sql(self.replica_port, "SELECT pg_wal_replay_pause()")

    def resume_replay(self) -> None:
        self.sql(self.replica_port, "SELECT pg_wal_replay_resume()")

    def delay_replay(self, milliseconds: int) -> None:
        """Apply every commit this long after the primary made it (0: as soon as it arrives)."""
        self.sql(self.replica_port, f"ALTER SYSTEM SET recovery_min_apply_delay = {int(milliseconds)}")
        self.sql(self.replica_port, "SELECT pg_reload_conf()")

    def wait_replayed(self, seconds: float = 10) -> None:
        """Until the standby has replayed everything the primary has written so far."""
        (target,) = self.sql(self.primary_port, "SELECT pg_current_wal_insert_lsn()")[0]

        def replayed() -> bool:
            query = "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn"
            return self.sql(self.replica_port, query, (target,), database="postgres")[0][0]

        _wait_for(replayed, "the standby replaying the primary", seconds)

    def stop_replica(self) -> None:
        self.pg_ctl("replica", "-m", "fast", "stop")
        self.replica_running = False

    def start_replica(self) -> None:
        self.pg_ctl("replica", "start")
        self.replica_running = True


def _start_pg_pair(directory: Path) -> PgPair:
    pair = PgPair(directory, free_port(), free_port())
    primary, replica = directory / "primary", directory / "replica"
    initdb = [str(PG_BIN / "initdb"), "-D", str(primary), "-U", "postgres", "-A", "trust", "--no-sync"]
    subprocess.run(_as_postgres(initdb), check=True, capture_output=True, timeout=120)
    settings = {
        "port": pair.primary_port,
        "listen_addresses": "'127.0.0.1'",
        "unix_socket_directories": f"'{directory}'",
        "wal_level": "replica",
        "max_wal_senders": 4,
        "wal_keep_size": "'256MB'",
        "hot_standby": "on",
        "fsync": "off",  # throwaway clusters: speed over durability
        "full_page_writes": "off",
        "shared_buffers": "'32MB'",
        "max_connections": 100,
    }
    with open(primary / "postgresql.conf", "a") as conf:
        conf.writelines(f"{name} = {value}\n" for name, value in settings.items())
    pair.pg_ctl("primary", "start")
    pair.sql(pair.primary_port, f"CREATE DATABASE {pair.database}", database="postgres")
    basebackup = [str(PG_BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(pair.primary_port), "-U", "postgres"]
    basebackup += ["-D", str(replica), "-R", "-X", "stream", "-c", "fast"]
    subprocess.run(_as_postgres(basebackup), check=True, capture_output=True, timeout=120)
    with open(replica / "postgresql.conf", "a") as conf:
        conf.write(f"port = {pair.replica_port}\n")
    pair.pg_ctl("replica", "start")
    return pair


@pytest.fixture(scope="module")
def pg_pair() -> Iterator[PgPair]:
    """A migrated primary and its streaming standby, on free ports, in a throwaway directory."""
    for binary in ("initdb", "pg_ctl", "pg_basebackup"):
        _require(PG_BIN / binary, f"PostgreSQL's {binary}")
    directory = Path(tempfile.mkdtemp(prefix="newsroom-topology-"))
    directory.chmod(0o777)  # the server runs as `postgres`
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres")
    pair = None
    try:
        pair = _start_pg_pair(directory)
        manage("migrate", "--no-input", env={"DATABASE_URL": pair.primary_url})
        pair.wait_replayed(30)
        yield pair
    finally:
        if pair is not None:
            for name in ("replica", "primary"):
                subprocess.run(
                    _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(directory / name), "-m", "immediate", "stop"]),
                    capture_output=True,
                    timeout=60,
                )
        shutil.rmtree(directory, ignore_errors=True)


# --- Redis -----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def redis_server() -> Iterator[str]:
    """A Redis of the module's own (no test elsewhere can empty it): its URL."""
    binary = _require("redis-server", "redis-server")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(lambda: _answers(port), "redis-server listening")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(10)


def _answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        return True
    except OSError:
        return False


# --- the project: commands and app servers -----------------------------------------------------------------


def project_env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DATABASE_", "REDIS_", "DJANGO_"))}
    env |= {"DJANGO_SETTINGS_MODULE": SETTINGS, "SECRET_KEY": SECRET, "ALLOWED_HOSTS": "127.0.0.1,localhost"}
    env |= {"DEBUG": "0", "NEWSROOM_TASKS": "immediate", "PYTHONDONTWRITEBYTECODE": "1"}
    return env | extra


def manage(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=project_env(**env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise AssertionError(f"manage.py {' '.join(args)} failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return result


def python(code: str, *, env: dict[str, str]) -> object:
    """Run `code` with Django set up against the topology; it prints one JSON value last, which is returned."""
    script = "import django, json\ndjango.setup()\n" + code
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=project_env(**env), capture_output=True, text=True, timeout=120
    )
    if result.returncode != 0:
        raise AssertionError(f"the script failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def services(pg_pair, redis_server) -> dict[str, str]:
    """The environment every process of the topology shares: the primary, the standby and Redis."""
    return {
        "DATABASE_URL": pg_pair.primary_url,
        "DATABASE_REPLICA_URLS": pg_pair.replica_url,
        "REDIS_URL": redis_server,
        "CACHE_KEY_PREFIX": "topology",
    }


@pytest.fixture(scope="module")
def run_manage(services) -> Callable[..., subprocess.CompletedProcess]:
    return lambda *args, **env: manage(*args, env=services | env)


@pytest.fixture(scope="module")
def run_python(services) -> Callable[..., object]:
    return lambda code, **env: python(code, env=services | env)


@dataclass
class AppServer:
    port: int
    process: subprocess.Popen
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def client(self) -> HttpClient:
        return HttpClient(self.port)


@pytest.fixture(scope="module")
def app_server(services, tmp_path_factory) -> Iterator[Callable[..., AppServer]]:
    """Start a granian server (production settings, one worker) on a free port: `app_server(**env)`."""
    granian = _require(Path(sys.executable).parent / "granian", "granian")
    started: list[AppServer] = []

    def start(**env: str) -> AppServer:
        port = free_port()
        log = tmp_path_factory.mktemp("granian") / "server.log"
        command = [granian, "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
        process = subprocess.Popen(
            [*command, "--blocking-threads", "1", "--log-level", "warning", "newsroom.wsgi:application"],
            cwd=ROOT,
            env=project_env(**(services | env)),
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        server = AppServer(port, process, log)
        started.append(server)

        def live() -> bool:
            if process.poll() is not None:
                raise AssertionError(f"granian exited:\n{log.read_text()[-3000:]}")
            try:
                return server.client().get("/healthz").status == 200
            except OSError:
                return False

        _wait_for(live, "the app server answering /healthz")
        return server

    yield start
    for server in started:
        server.process.terminate()
    for server in started:
        try:
            server.process.wait(20)
        except subprocess.TimeoutExpired:
            server.process.kill()


@pytest.fixture(scope="module")
def varnish(tmp_path_factory) -> Iterator[Callable[..., Varnish]]:
    """`varnish(servers, port=free_port())`: deploy/varnish.vcl (xkey, probes) in front of those app servers on
    127.0.0.1:`port` — chosen first when the servers must know where to send their purges."""
    started: list[Varnish] = []

    def start(servers: list[AppServer], *, port: int | None = None) -> Varnish:
        edge = start_varnish([server.port for server in servers], tmp_path_factory.mktemp("varnish"),
                             port=port or free_port())  # fmt: skip
        started.append(edge)
        return edge

    yield start
    for edge in started:
        edge.stop()
