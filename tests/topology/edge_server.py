"""Varnish with deploy/varnish.vcl as shipped, in front of app servers on free 127.0.0.1 ports: only its backends are
swapped for the test's (the probes, the host names and everything else stay). The topology tests (the `varnish`
fixture in conftest.py) and tests/test_edge.py start it through `start_varnish`.

Needs Debian's varnish and varnish-modules (xkey; scripts/install-system-deps.sh): a missing varnishd skips the
tests on a workstation and fails them when `CI` is set.
"""

import http.client
import os
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HOST = "news.example.com"  # the name deploy/varnish.vcl ships with (its host check and its probes)
SHIPPED_BACKEND = (
    'backend app_1 { .host = "127.0.0.1"; .port = "8000"; .connect_timeout = 2s; .first_byte_timeout = 30s; '
    ".probe = healthz; }"
)


def varnishd() -> str:
    binary = shutil.which("varnishd") or ("/usr/sbin/varnishd" if Path("/usr/sbin/varnishd").exists() else None)
    if binary is None:
        message = "varnishd not found (Debian's varnish and varnish-modules: scripts/install-system-deps.sh)"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    return binary


def edge_vcl(app_ports: list[int]) -> str:
    """deploy/varnish.vcl as shipped, with its one backend replaced by one per app server of the test."""
    vcl = (ROOT / "deploy" / "varnish.vcl").read_text()
    assert SHIPPED_BACKEND in vcl and "app.add_backend(app_1);" in vcl
    backends = "\n".join(
        SHIPPED_BACKEND.replace("app_1", f"app_{n}").replace('"8000"', f'"{port}"')
        for n, port in enumerate(app_ports, 1)
    )
    added = "\n    ".join(f"app.add_backend(app_{n});" for n in range(1, len(app_ports) + 1))
    return vcl.replace(SHIPPED_BACKEND, backends).replace("app.add_backend(app_1);", added)


def fetch(port: int, path: str, *, host: str = HOST, headers: dict | None = None) -> tuple[int, dict, str]:
    """One GET through the edge (as a reader of `host`): status, headers (lower-case names), body."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": host, **(headers or {})})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read().decode()
    finally:
        connection.close()


@dataclass
class Varnish:
    port: int
    process: subprocess.Popen

    @property
    def purge_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def get(self, path: str, **kwargs) -> tuple[int, dict, str]:
        return fetch(self.port, path, **kwargs)

    def forget_everything(self) -> None:
        """Purge every page it holds (every page carries the `site` tag)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            connection.request("PURGE", "/", headers={"xkey-purge": "site"})
            assert connection.getresponse().status == 200
        finally:
            connection.close()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_varnish(app_ports: list[int], workdir: Path, *, port: int) -> Varnish:
    """varnishd on 127.0.0.1:`port` in front of `app_ports`, answering `/healthz` once it returns."""
    binary = varnishd()
    (workdir / "newsroom.vcl").write_text(edge_vcl(app_ports))
    command = [binary, "-F", "-n", str(workdir / "n"), "-a", f"127.0.0.1:{port}", "-f", str(workdir / "newsroom.vcl"),
               "-s", "malloc,64m", "-T", "none", "-j", "none"]  # fmt: skip
    log = workdir / "varnishd.log"
    edge = Varnish(port, subprocess.Popen(command, stdout=log.open("w"), stderr=subprocess.STDOUT))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if edge.process.poll() is not None:
            raise AssertionError(f"varnishd exited with {edge.process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if fetch(port, "/healthz")[0] == 200:
                return edge
        except OSError:
            pass
        time.sleep(0.1)
    edge.stop()
    raise AssertionError(f"varnishd did not answer /healthz on port {port} within 30 s")


def probe_waits(port: int) -> list[float]:
    """32 connections held open, like many load balancers probing at once: each sends a /healthz probe every 50 ms
    (the starts spread over the first 50 ms), 320 in all. How long each took, sorted."""
    waits: list[float] = []
    failures: list[str] = []

    def probe(offset: float) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        time.sleep(offset)
        for _ in range(10):
            started = time.perf_counter()
            connection.request("GET", "/healthz", headers={"Host": HOST})
            response = connection.getresponse()
            response.read()
            waits.append(time.perf_counter() - started)
            if response.status != 200:
                failures.append(str(response.status))
            time.sleep(0.05)
        connection.close()

    threads = [threading.Thread(target=probe, args=(n * 0.05 / 32,)) for n in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures and len(waits) == 320
    return sorted(waits)


def p50(waits: list[float]) -> float:
    return waits[len(waits) // 2]


def p99(waits: list[float]) -> float:
    return waits[int(len(waits) * 0.99) - 1]
