# ruff: noqa: S603 — fixed argument lists (no shell) for our own python, gunicorn, granian and nginx
"""The servers `make bench` loads: granian (as `make serve` and production) or gunicorn's sync workers
(BENCH_SERVER=gunicorn, to compare, when installed), optionally behind nginx with the repository's
deploy/nginx.conf (BENCH_NGINX=1, when nginx is installed)."""

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from load import HEADERS, send

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app_server(kind: str, env: dict[str, str], port: int, workers: int, logfile: Path) -> subprocess.Popen:
    """granian's WSGI interface with one blocking thread per worker (deploy/granian.env), or gunicorn's sync
    workers."""
    if kind == "granian":
        command = [
            sys.executable, "-m", "granian", "--interface", "wsgi", "newsroom.wsgi:application",
            "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers), "--log-level", "warning",
            "--blocking-threads", "1",
        ]  # fmt: skip
    else:
        command = [
            sys.executable, "-m", "gunicorn", "newsroom.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
            "--error-logfile", str(logfile), "--log-level", "warning",
        ]  # fmt: skip
    with logfile.open("ab") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True, stdout=log, stderr=log)
    return _wait_until_up(process, port, kind, logfile)


def start_nginx(workdir: Path, *, listen: int, upstream: int, static_root: str) -> subprocess.Popen | None:
    """nginx in front of the app server, configured from deploy/nginx.conf (ports and paths swapped for the
    run's own). None when nginx is not installed."""
    nginx = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)
    if nginx is None:
        return None
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    site = site.replace("server 127.0.0.1:6081;", f"server 127.0.0.1:{upstream};")
    site = re.sub(r"listen 80( default_server)?;", rf"listen 127.0.0.1:{listen}\1;", site)
    site = site.replace("/srv/newsroom/staticfiles/", static_root.rstrip("/") + "/")
    site = site.replace("server_name news.example.com;", "server_name 127.0.0.1;")
    mime = "include /etc/nginx/mime.types;" if Path("/etc/nginx/mime.types").exists() else ""
    conf = workdir / "nginx.conf"
    conf.write_text(
        f"worker_processes 1;\npid {workdir / 'nginx.pid'};\nerror_log {workdir / 'nginx-error.log'} warn;\n"
        f"events {{ worker_connections 1024; }}\nhttp {{\n{mime}\naccess_log off;\n"
        f"client_body_temp_path {workdir / 'nginx-body'};\nproxy_temp_path {workdir / 'nginx-proxy'};\n{site}\n}}\n"
    )
    command = [nginx, "-c", str(conf), "-p", str(workdir), "-g", "daemon off;"]
    process = subprocess.Popen(command, start_new_session=True, stderr=subprocess.DEVNULL)
    return _wait_until_up(process, listen, "nginx", workdir / "nginx-error.log")


def served_etag(port: int, path: str) -> str:
    """The ETag the server on `port` gives `path` now, asked as the load asks. A page's validator covers the blocks
    stitched into it, so it is asked of the server that will answer, not of another process."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=HEADERS)
        response = connection.getresponse()
        response.read()
        return response.getheader("ETag", "")
    finally:
        connection.close()


def _wait_until_up(process: subprocess.Popen, port: int, name: str, logfile: Path) -> subprocess.Popen:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}; see {logfile}")
        try:
            status, _ = send(http.client.HTTPConnection("127.0.0.1", port, timeout=2), {"path": "/healthz"})
            if status == 200:
                return process
        except OSError:
            pass
        time.sleep(0.3)
    stop(process)
    raise RuntimeError(f"{name} did not answer /healthz within 60 s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)  # the master stops its workers
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # its own session: only what we started
        process.wait()


def worker_memory(master_pid: int) -> dict:
    """RSS of the server's master process and each worker (its children), from /proc."""

    def rss_kib(pid: int) -> int:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

    workers = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == master_pid:
                workers.append(round(rss_kib(int(proc.name)) / 1024, 1))
        except (OSError, ValueError, IndexError):
            continue
    return {"master_rss_mib": round(rss_kib(master_pid) / 1024, 1), "worker_rss_mib": sorted(workers)}
