"""Health of one Newsroom process, for Docker's HEALTHCHECK and compose.yaml: exit 0 healthy, 1 not.

    python deploy/healthcheck.py web        # GET /healthz from granian on this host answers 200 "ok"
    python deploy/healthcheck.py worker     # the task worker's database answers (it has nothing else to do)
    python deploy/healthcheck.py scheduler  # the scheduler's loop touched its heartbeat file lately
    python deploy/healthcheck.py            # the role deploy/entrypoint.sh started (written to ROLE_FILE)

Standard library only and no Django start-up: it runs every few seconds beside the process it checks.
"""

import http.client
import os
import sqlite3
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROLE_FILE = Path(os.environ.get("NEWSROOM_ROLE_FILE", "/tmp/newsroom-role"))  # noqa: S108 — the container's own /tmp
HEARTBEAT_FILE = Path(os.environ.get("NEWSROOM_SCHEDULER_HEARTBEAT", "/tmp/newsroom-scheduler.heartbeat"))  # noqa: S108
HEARTBEAT_MAX_AGE_SECONDS = 120  # the scheduler touches it every 30 s (deploy/scheduler.py)
TIMEOUT_SECONDS = 3


def probe_host() -> str:
    """A Host header Django accepts: the first ALLOWED_HOSTS entry (a '.example.com' pattern as 'example.com')."""
    for host in os.environ.get("ALLOWED_HOSTS", "").split(","):
        host = host.strip().lstrip(".")
        if host and host != "*":
            return host
    return "localhost"


def web_healthy() -> bool:
    port = int(os.environ.get("GRANIAN_PORT") or 8000)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_SECONDS)
    try:
        connection.request("GET", "/healthz", headers={"Host": probe_host()})
        response = connection.getresponse()
        return response.status == 200 and response.read() == b"ok"
    except OSError:
        return False
    finally:
        connection.close()


def database_healthy() -> bool:
    url = urlsplit(os.environ.get("DATABASE_URL", ""))
    try:
        if url.scheme.startswith("postgres"):
            import psycopg  # the app's own driver; imported here so the web check never pays for it

            with psycopg.connect(os.environ["DATABASE_URL"], connect_timeout=TIMEOUT_SECONDS) as connection:
                return connection.execute("SELECT 1").fetchone() == (1,)
        path = unquote(url.path[1:]) if url.scheme == "sqlite" else "db.sqlite3"
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=TIMEOUT_SECONDS) as connection:
            return connection.execute("SELECT 1").fetchone() == (1,)
    except Exception:  # any driver's any failure is "not healthy", never a traceback in `docker inspect`
        return False


def scheduler_healthy() -> bool:
    try:
        return time.time() - HEARTBEAT_FILE.stat().st_mtime < HEARTBEAT_MAX_AGE_SECONDS
    except OSError:
        return False


CHECKS = {"web": web_healthy, "worker": database_healthy, "scheduler": scheduler_healthy}


def main(argv: list[str]) -> int:
    role = argv[1] if len(argv) > 1 else ROLE_FILE.read_text().strip() if ROLE_FILE.exists() else "web"
    check = CHECKS.get(role)
    if check is None:
        print(f"unknown role {role!r}: one of {', '.join(CHECKS)}", file=sys.stderr)
        return 1
    healthy = check()
    print(f"{role}: {'healthy' if healthy else 'unhealthy'}")
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
