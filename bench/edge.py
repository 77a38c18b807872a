# ruff: noqa: S603 — fixed argument lists (no shell) for varnishd and varnishstat
"""The edge stage of `make bench`: Varnish with deploy/varnish.vcl in front of the bench's granian, the same pages
loaded through it, and the edge's hit ratio from its own counters (`varnishstat`: MAIN.cache_hit against
MAIN.cache_miss; a pass, such as `/healthz` or a vote, is neither).

The shipped file is rendered as a deployment renders it (deploy/varnish/render-vcl.sh): its backend is the bench's
server, and the site's host name in the host check and in the probes is `127.0.0.1`, what the load sends. Skipped,
with a line in the log, when varnishd is not installed (Debian's varnish and varnish-modules:
scripts/install-system-deps.sh).
"""

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from servers import _wait_until_up, stop

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["healthz", "home", "article", "section", "tag", "search", "article-304"]  # the GETs; votes only pass


def _binary(name: str) -> str | None:
    return shutil.which(name) or next((p for p in (f"/usr/sbin/{name}", f"/usr/bin/{name}") if Path(p).exists()), None)


def available() -> bool:
    return _binary("varnishd") is not None and _binary("varnishstat") is not None


def start_varnish(workdir: Path, *, listen: int, upstream: int) -> subprocess.Popen:
    vcl = subprocess.run(
        ["/bin/sh", str(ROOT / "deploy/varnish/render-vcl.sh"), str(ROOT / "deploy/varnish.vcl")],
        env={"PATH": "/usr/bin:/bin", "EDGE_BACKENDS": f"127.0.0.1:{upstream}", "EDGE_HOSTS": "127.0.0.1"},
        capture_output=True, text=True, check=True, timeout=30,
    ).stdout  # fmt: skip
    (workdir / "newsroom.vcl").write_text(vcl)
    log = workdir / "varnishd.log"
    command = [_binary("varnishd"), "-F", "-n", str(workdir / "varnish"), "-a", f"127.0.0.1:{listen}",
               "-f", str(workdir / "newsroom.vcl"), "-s", "malloc,256m", "-T", "none"]  # fmt: skip
    with log.open("ab") as out:
        process = subprocess.Popen(command, start_new_session=True, stdout=out, stderr=out)
    return _wait_until_up(process, listen, "varnishd", log)


def counters(workdir: Path) -> dict[str, int]:
    """MAIN.cache_hit and MAIN.cache_miss of the edge running in `workdir`."""
    command = [_binary("varnishstat"), "-n", str(workdir / "varnish"), "-1", "-f", "MAIN.cache_hit",
               "-f", "MAIN.cache_miss"]  # fmt: skip
    out = subprocess.run(command, capture_output=True, text=True, check=True, timeout=30).stdout
    values = {line.split()[0]: int(line.split()[1]) for line in out.splitlines() if line.startswith("MAIN.")}
    return {"cache_hit": values.get("MAIN.cache_hit", 0), "cache_miss": values.get("MAIN.cache_miss", 0)}


def load_through_edge(
    workdir: Path, *, upstream: int, port: int, specs: dict, run_load: Callable[[int, dict], dict]
) -> dict:
    """Start the edge on `port` in front of `upstream`, load the GET pages through it, stop it: the load's figures
    per page and the edge's hits and misses during the load."""
    process = start_varnish(workdir, listen=port, upstream=upstream)
    try:
        before = counters(workdir)
        loaded = run_load(port, {page: spec for page, spec in specs.items() if page in PAGES})
        after = counters(workdir)
    finally:
        stop(process)
    hits, misses = (after[name] - before[name] for name in ("cache_hit", "cache_miss"))
    ratio = round(hits / (hits + misses), 4) if hits + misses else None
    return {"pages": loaded, "cache_hit": hits, "cache_miss": misses, "hit_ratio": ratio}
