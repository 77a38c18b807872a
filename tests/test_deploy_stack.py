"""Issue 20, item 14: the image's steps give a working site with demo content. What the Dockerfile and the compose
services run, run here without Docker: `deploy/entrypoint.sh build-static` (the image build), then the `web` role
(migrate, demo content into the empty database, granian with deploy/granian.env) on a SQLite file of its own,
the `worker` role, and deploy/healthcheck.py for each, as compose.yaml calls it.
"""

import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

from tests.deploy_helpers import ROOT, deployment_env

pytestmark = pytest.mark.deploy


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def healthcheck(env: dict[str, str], *role: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "deploy/healthcheck.py", *role], cwd=ROOT, env=env, capture_output=True, text=True, timeout=30
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The web role started as compose's web1 starts it, with DEMO_CONTENT=1; yields its environment."""
    tmp_path = tmp_path_factory.mktemp("stack")
    port = free_port()
    env = deployment_env(tmp_path, GRANIAN_HOST="127.0.0.1", GRANIAN_PORT=str(port), GRANIAN_WORKERS="1")
    subprocess.run(["deploy/entrypoint.sh", "build-static"], cwd=ROOT, env=env, check=True, timeout=300)
    server = subprocess.Popen(["deploy/entrypoint.sh", "web"], cwd=ROOT, env={**env, "DEMO_CONTENT": "1"})
    try:
        deadline = time.monotonic() + 240  # migrations and the demo content come first
        while healthcheck(env, "web").returncode != 0:
            assert server.poll() is None, "the web role exited"
            assert time.monotonic() < deadline, "the web role never became healthy"
            time.sleep(0.2)
        yield env
    finally:
        server.terminate()
        server.wait(timeout=30)


def get(env: dict[str, str], path: str) -> tuple[int, str]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{env['GRANIAN_PORT']}{path}", headers={"Host": "news.example.com"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.read().decode()


def test_web_role_serves_the_demo_site_with_collected_static_files(site):
    status, home = get(site, "/")
    assert status == 200
    # Demo stories, seeded into the empty database.
    assert '<article class="lead">' in home and "No articles yet." not in home
    assert int(re.search(r"total (\d+)", home).group(1)) >= 20
    stylesheet = home.split('rel="stylesheet" href="', 1)[1].split('"', 1)[0]
    assert stylesheet.startswith("/static/css/site.") and stylesheet.endswith(".css")  # the manifest's hashed name
    status, css = get(site, stylesheet)
    assert status == 200 and "{" in css
    assert healthcheck(site).stdout.strip() == "web: healthy"  # no argument: the role the entrypoint wrote


def test_demo_content_goes_only_into_an_empty_database(site):
    result = subprocess.run(
        ["deploy/entrypoint.sh", "manage", "seed_demo", "--if-empty"],
        cwd=ROOT,
        env=site,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0
    assert "Demo content skipped: the database already has" in result.stdout + result.stderr


def printed_until(process: subprocess.Popen, line_start: str, *, seconds: float = 60) -> str:
    """What `process` printed until its first line starting with `line_start`, its exit, or `seconds`, whichever
    comes first (read on a thread of its own, so a silent process cannot hold the test longer): on a failure, the
    assertion shows what it said, a traceback say."""
    printed, done = [], threading.Event()

    def read() -> None:
        for line in process.stdout:
            printed.append(line)
            if line.startswith(line_start):
                break
        done.set()

    threading.Thread(target=read, daemon=True).start()
    done.wait(seconds)
    return "".join(list(printed))


def test_worker_role_runs_and_is_healthy(site):
    worker = subprocess.Popen(
        ["deploy/entrypoint.sh", "worker"],
        cwd=ROOT,
        env={**site, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        printed = printed_until(worker, "Starting worker")
        assert re.search(r"^Starting worker .*queues=default$", printed, re.MULTILINE), printed  # its loop has begun
        assert worker.poll() is None  # and it keeps running, taking tasks off the queue
        assert healthcheck(site, "worker").stdout.strip() == "worker: healthy"
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    broken = {**site, "DATABASE_URL": "sqlite:////nonexistent/db.sqlite3"}
    assert healthcheck(broken, "worker").returncode == 1


def test_roles_refuse_to_start_without_a_secret_key(tmp_path):
    env = deployment_env(tmp_path, SECRET_KEY="")
    for role in ("web", "worker", "scheduler"):
        result = subprocess.run(
            ["deploy/entrypoint.sh", role], cwd=ROOT, env=env, capture_output=True, text=True, timeout=30
        )
        assert result.returncode == 64, role
        assert result.stderr.startswith("entrypoint: SECRET_KEY is not set."), result.stderr
    result = subprocess.run(["deploy/entrypoint.sh", "serve"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 64 and "unknown role 'serve'" in result.stderr
