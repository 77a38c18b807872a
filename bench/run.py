# ruff: noqa: S603, S607 — fixed argument lists (no shell) for our own python, manage.py, gunicorn and git
"""`make bench`: seed a throwaway database, serve it with gunicorn, load each reader page, report ratios.

Not part of the test suite. Machines are shared and noisy, so every page is reported as a ratio against
the hello-world `/healthz` measured in the same run (interleaved in rounds), next to its absolute numbers.

Steps: (a) a throwaway database — a SQLite file under bench/tmp/, or, when DATABASE_URL points at
PostgreSQL, a database of its own (BENCH_DB_NAME, default newsroom_bench) created and dropped here — seeded
with `seed_demo --articles BENCH_ARTICLES`; (b) gunicorn with production settings (DEBUG=0, a generated
SECRET_KEY, collectstatic into a temporary STATIC_ROOT) on a free 127.0.0.1 port; (c) SQL queries per page
counted in-process with CaptureQueriesContext, then a bounded load loop (count and time) from a second
process with Python threads and http.client; (d) bench/results.json and bench/results.md. Everything it
starts is stopped, and the temporary files and database are removed, even when a step fails.

Settings (environment): BENCH_ARTICLES (10000), BENCH_SECONDS per page (12), BENCH_MAX_REQUESTS per page
(5000), BENCH_CONCURRENCY client threads (4), BENCH_WORKERS gunicorn workers (2), BENCH_ROUNDS (6),
BENCH_REDIS_URL (a Redis cache for the served app; local memory otherwise), BENCH_KEEP=1 keeps bench/tmp/,
BENCH_RESULTS (output path without extension, default bench/results).
"""

import http.client
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
PAGES = ["healthz", "home", "article", "section", "tag", "search"]
BASELINE = "healthz"


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def log(message: str) -> None:
    print(f"[bench {datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


# (a) the throwaway database ---------------------------------------------------------------------------


class Database:
    """A SQLite file under bench/tmp/, or a PostgreSQL database of our own next to DATABASE_URL's."""

    def __init__(self, workdir: Path):
        source = os.environ.get("DATABASE_URL", "")
        self.postgres = source.startswith(("postgres://", "postgresql://"))
        if self.postgres:
            self.name = os.environ.get("BENCH_DB_NAME", "newsroom_bench")
            parts = urlsplit(source)
            self.admin_url = source
            self.url = urlunsplit(parts._replace(path=f"/{self.name}"))
        else:
            self.name = str(workdir / "newsroom_bench.sqlite3")
            self.url = f"sqlite:///{self.name}"

    @property
    def engine(self) -> str:
        return "postgresql" if self.postgres else "sqlite"

    def create(self) -> None:
        if self.postgres:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)', f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        if self.postgres:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def _admin(self, *statements: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            for statement in statements:
                connection.execute(statement)


def app_environment(database: Database, workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DEBUG", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_PRELOAD="0",
        DATABASE_URL=database.url,
        STATIC_ROOT=str(workdir / "static"),
        MEDIA_ROOT=str(workdir / "media"),
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    if os.environ.get("BENCH_REDIS_URL"):
        env["REDIS_URL"] = os.environ["BENCH_REDIS_URL"]
        env["CACHE_KEY_PREFIX"] = f"newsroom-bench-{os.getpid()}"
    return env


def manage(env: dict[str, str], *args: str) -> float:
    started = time.monotonic()
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)
    return time.monotonic() - started


# (c1) SQL queries per page, in-process --------------------------------------------------------------


def count_queries() -> dict:
    """Runs inside the bench environment: finds a URL for each page, GETs it twice, counts SQL queries."""
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, reverse
    from taggit.models import Tag

    from articles.models import Article

    article = Article.objects.published().exclude(hero_image="").select_related("section").first()
    tag = Tag.objects.annotate(n=Count("articles_taggedarticle_items")).order_by("-n").first()
    section = article.section
    while section.parent_id:
        section = section.parent
    search = None
    for name in ("articles:search", "search"):
        try:
            search = reverse(name)
            break
        except NoReverseMatch:
            continue
    query_word = article.title.split()[-1]
    paths = {
        "healthz": "/healthz",
        "home": "/",
        "article": article.get_absolute_url(),
        "section": section.get_absolute_url(),
        "tag": reverse("articles:tag", kwargs={"slug": tag.slug}),
        "search": f"{search or '/search/'}?q={query_word}",
    }
    client = Client(HTTP_HOST="127.0.0.1")
    pages = {}
    for page, path in paths.items():
        counts, status = [], None
        for _ in range(2):  # cold (empty cache), then warm
            with CaptureQueriesContext(connection) as captured:
                status = client.get(path).status_code
            counts.append(len(captured.captured_queries))
        pages[page] = {"path": path, "status": status, "queries_cold": counts[0], "queries_warm": counts[1]}
    return pages


# (c2) the load loop, from a second process ----------------------------------------------------------


def load(port: int, paths: dict[str, str], *, seconds: float, max_requests: int, concurrency: int, rounds: int):
    """Interleaved rounds so drift on a shared machine hits every page alike; bounded by time and count."""
    results = {page: {"latencies": [], "errors": 0, "elapsed": 0.0, "round_rps": []} for page in paths}
    for _ in range(rounds):
        for page, path in paths.items():
            latencies, errors, elapsed = _hammer(
                port, path, seconds=seconds / rounds, max_requests=max_requests // rounds, concurrency=concurrency
            )
            results[page]["latencies"] += latencies
            results[page]["errors"] += errors
            results[page]["elapsed"] += elapsed
            results[page]["round_rps"].append(round(len(latencies) / elapsed, 1))
    summary = {}
    for page, r in results.items():
        lat = sorted(r["latencies"])
        if not lat:
            summary[page] = {"requests": 0, "errors": r["errors"]}
            continue
        summary[page] = {
            "requests": len(lat),
            "errors": r["errors"],
            "seconds": round(r["elapsed"], 2),
            "rps": round(len(lat) / r["elapsed"], 1),
            "p50_ms": round(_percentile(lat, 50) * 1000, 2),
            "p90_ms": round(_percentile(lat, 90) * 1000, 2),
            "p99_ms": round(_percentile(lat, 99) * 1000, 2),
            "mean_ms": round(statistics.fmean(lat) * 1000, 2),
            "round_rps": r["round_rps"],
        }
    return summary


def _percentile(sorted_values: list[float], p: float) -> float:
    index = min(len(sorted_values) - 1, max(0, round(p / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]


def _hammer(port: int, path: str, *, seconds: float, max_requests: int, concurrency: int):
    for _ in range(5):  # warm up this worker's caches and connections; not measured
        _get(http.client.HTTPConnection("127.0.0.1", port, timeout=30), path)
    lock = threading.Lock()
    latencies: list[float] = []
    errors = [0]
    issued = [0]
    started = time.perf_counter()
    deadline = started + seconds

    def worker():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < deadline:
            with lock:
                if issued[0] >= max_requests:
                    break
                issued[0] += 1
            t0 = time.perf_counter()
            try:
                ok, connection = _get(connection, path)
            except (OSError, http.client.HTTPException):
                ok, connection = False, http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            took = time.perf_counter() - t0
            with lock:
                if ok:
                    latencies.append(took)
                else:
                    errors[0] += 1
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors[0], time.perf_counter() - started


def _get(connection: http.client.HTTPConnection, path: str) -> tuple[bool, http.client.HTTPConnection]:
    connection.request("GET", path, headers={"Host": "127.0.0.1", "User-Agent": "newsroom-bench"})
    response = connection.getresponse()
    response.read()
    if response.will_close:  # gunicorn's sync workers close after each response: reconnect
        connection.close()
        connection = http.client.HTTPConnection("127.0.0.1", connection.port, timeout=30)
    return response.status == 200, connection


# (b) gunicorn ---------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(env: dict[str, str], port: int, workers: int, logfile: Path) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "gunicorn", "newsroom.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
        "--error-logfile", str(logfile), "--log-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}; see {logfile}")
        try:
            ok, _ = _get(http.client.HTTPConnection("127.0.0.1", port, timeout=2), "/healthz")
            if ok:
                return process
        except OSError:
            pass
        time.sleep(0.3)
    stop(process)
    raise RuntimeError("gunicorn did not answer /healthz within 60 s")


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
    """RSS of the gunicorn master and each worker (children of the master), from /proc."""

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


# (d) the report -------------------------------------------------------------------------------------


def combine(queries: dict, loaded: dict) -> dict:
    base = loaded.get(BASELINE, {})
    pages = {}
    for page in PAGES:
        q = queries[page]
        row = {
            "path": q["path"],
            "status": q["status"],
            "queries_cold": q["queries_cold"],
            "queries_warm": q["queries_warm"],
        }
        measured = loaded.get(page)
        if q["status"] == 404 or measured is None:
            row["result"] = "missing"
        elif not measured.get("requests"):
            row["result"] = "failed"
            row.update(measured)
        else:
            row["result"] = "ok"
            row.update(measured)
            if base.get("rps"):
                # Median over rounds of (page ÷ hello world in the same round): robust to drift between rounds.
                per_round = [p / b for p, b in zip(measured["round_rps"], base["round_rps"], strict=True) if b]
                row["throughput_ratio"] = round(statistics.median(per_round), 3)
                row["p50_latency_ratio"] = round(measured["p50_ms"] / base["p50_ms"], 2)
                row["p99_latency_ratio"] = round(measured["p99_ms"] / base["p99_ms"], 2)
        pages[page] = row
    return pages


def write_markdown(report: dict, path: Path) -> None:
    m = report["meta"]
    lines = [
        "# Benchmark results",
        "",
        f"{m['date']} · commit `{m['commit']}` · {m['database']} · {m['articles']} articles "
        f"(seeded in {m['seed_seconds']} s) · gunicorn {m['workers']} sync workers · "
        f"{m['concurrency']} client threads · {m['cpus']} CPUs (load average {m['loadavg_1min'][0]} before the "
        f"load, {m['loadavg_1min'][1]} after) · Python {m['python']}",
        "",
        "Ratios are against `/healthz` (hello world) in the same run: throughput ratio = median over the rounds of",
        "page req/s ÷ hello req/s in that round (higher is better, 1.0 = as fast as hello world); p50 ratio = page",
        "p50 ÷ hello p50 over the whole run (lower is better).",
        "",
        "| page | path | req/s | throughput ratio | p50 ms | p90 ms | p99 ms | p50 ratio | SQL (cold/warm) | errors |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for page, r in report["pages"].items():
        sql = f"{r['queries_cold']}/{r['queries_warm']}"
        if r["result"] != "ok":
            lines.append(f"| {page} | `{r['path']}` | {r['result']} (HTTP {r['status']}) | | | | | | | |")
            continue
        lines.append(
            f"| {page} | `{r['path']}` | {r['rps']} | {r.get('throughput_ratio', '')} | {r['p50_ms']} | {r['p90_ms']} "
            f"| {r['p99_ms']} | {r.get('p50_latency_ratio', '')} | {sql} | {r['errors']} |"
        )
    mem = report["memory"]
    lines += [
        "",
        f"Gunicorn memory after the load: master {mem['master_rss_mib']} MiB, workers "
        f"{', '.join(f'{w} MiB' for w in mem['worker_rss_mib'])} (RSS).",
        "",
        "How to read this and how to re-run it: docs/benchmark.md.",
        "",
    ]
    path.write_text("\n".join(lines))


def git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True
        ).stdout
        return out.stdout.strip() + ("+dirty" if dirty.strip() else "")
    except OSError:
        return "unknown"


def main() -> int:
    articles = env_int("BENCH_ARTICLES", 10000)
    seconds = float(os.environ.get("BENCH_SECONDS") or 12)
    max_requests = env_int("BENCH_MAX_REQUESTS", 5000)
    concurrency = env_int("BENCH_CONCURRENCY", 4)
    workers = env_int("BENCH_WORKERS", 2)
    rounds = env_int("BENCH_ROUNDS", 6)

    workdir = BENCH_DIR / "tmp" / f"run-{os.getpid()}"
    workdir.mkdir(parents=True, exist_ok=True)
    database = Database(workdir)
    env = app_environment(database, workdir)
    server = None
    try:
        log(f"database: {database.engine} ({database.name})")
        database.create()
        manage(env, "migrate", "--noinput", "-v0")
        log(f"seeding {articles} articles")
        seed_seconds = manage(env, "seed_demo", "--articles", str(articles))
        manage(env, "collectstatic", "--noinput", "-v0")

        log("counting SQL queries per page (in-process)")
        counted = subprocess.run(
            [sys.executable, __file__, "_queries"], cwd=ROOT, env=env, check=True, capture_output=True, text=True
        )
        queries = json.loads(counted.stdout.strip().splitlines()[-1])
        present = {p: q["path"] for p, q in queries.items() if q["status"] != 404}
        for page in sorted(set(PAGES) - set(present)):
            log(f"{page}: {queries[page]['path']} answers 404 — reported as missing")

        port = free_port()
        log(f"starting gunicorn on 127.0.0.1:{port} with {workers} workers")
        server = start_gunicorn(env, port, workers, workdir / "gunicorn.log")
        load_before = os.getloadavg()[0]
        log(f"load: {seconds:g} s or {max_requests} requests per page, {concurrency} threads, {rounds} rounds")
        args = json.dumps({"port": port, "paths": present, "seconds": seconds, "max_requests": max_requests,
                           "concurrency": concurrency, "rounds": rounds})  # fmt: skip
        loaded_run = subprocess.run(
            [sys.executable, __file__, "_load", args], cwd=ROOT, check=True, capture_output=True, text=True
        )
        loaded = json.loads(loaded_run.stdout)
        memory = worker_memory(server.pid)
        load_after = os.getloadavg()[0]
    finally:
        if server is not None:
            stop(server)
            log("gunicorn stopped")
        try:
            database.drop()
        finally:
            if not os.environ.get("BENCH_KEEP"):
                shutil.rmtree(workdir, ignore_errors=True)

    report = {
        "meta": {
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "commit": git_commit(),
            "database": database.engine,
            "articles": articles,
            "seed_seconds": round(seed_seconds, 1),
            "workers": workers,
            "concurrency": concurrency,
            "seconds_per_page": seconds,
            "max_requests_per_page": max_requests,
            "rounds": rounds,
            "load_tool": "python threads + http.client",
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "loadavg_1min": [round(load_before, 2), round(load_after, 2)],
        },
        "pages": combine(queries, loaded),
        "memory": memory,
    }
    output = Path(os.environ.get("BENCH_RESULTS") or BENCH_DIR / "results")
    output.with_suffix(".json").write_text(json.dumps(report, indent=2) + "\n")
    write_markdown(report, output.with_suffix(".md"))
    print(output.with_suffix(".md").read_text())
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    if len(sys.argv) > 1 and sys.argv[1] == "_queries":
        print(json.dumps(count_queries()))
    elif len(sys.argv) > 1 and sys.argv[1] == "_load":
        options = json.loads(sys.argv[2])
        print(json.dumps(load(options.pop("port"), options.pop("paths"), **options)))
    else:
        sys.exit(main())
