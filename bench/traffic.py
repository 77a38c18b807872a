# ruff: noqa: S603 — fixed argument lists (no shell) for our own python and manage.py
"""Serves: the traffic model of `make bench` — a replay that looks like a news site (bench/traffic_mix.py), against
granian with production settings (as `make serve`), PostgreSQL and Redis, and again through the edge (Varnish with
deploy/varnish.vcl, as bench/edge.py starts it) when varnishd is installed.

While it runs, an editor saves one of the newest stories every 10 s and a scheduled story goes live every minute
(bench/traffic_editor.py, at the issue's rates; BENCH_TRAFFIC_CLOCK=6 runs that clock six times faster). Stages,
each a fixed number of requests from `BENCH_CONCURRENCY` threads:
1. cold start: the bench's cache keys deleted, a new server, then the warm-up requests of the plan: the p99 of
   each of the first 15 seconds, and the second from which it stays under 50 ms;
2. the archive rendered ahead (`manage.py render_ahead`, a part per worker, no budget: as after a deploy that emptied
   the cache), then `/healthz`, for scale: CPU and latency of the trivial request in the same run;
3. the traffic model (`BENCH_TRAFFIC_REQUESTS`): hit ratio per layer (`X-Page-Cache`: `hit`/`stale` against
   `miss`; for the stories that is the fragment hit ratio), CPU ms per page view, p50/p99;
4. first views only: archived stories nobody asked for, each once, their copies dropped first (a true miss: the
   story rendered afresh, as after an edit);
5. the same stories again after the server is restarted — their fragments warm in Redis, no process holding
   them (an archived story's first view, fragments warm) — and page-cache hits (the newest stories, held by
   every worker): the first ratio of the issue's targets;
6. through the edge: the warm-up and the traffic model again, with the edge's hit ratio (`X-Edge-Cache`).
CPU per page view = CPU seconds of the granian processes + the PostgreSQL backends of the bench's database +
redis-server over the stage (bench/cpu.py) ÷ page views; votes count in the CPU, not in the views. The editor's
own process and its backend are left out; redis-server is shared with anything else using that Redis.

Alone: `python bench/traffic.py --database postgres://postgres@127.0.0.1:5432/traffic_bench_100k
--redis redis://127.0.0.1:6379/7 --articles 100000` (seeds the database when it holds fewer articles; JSON out).
"""

import argparse
import http.client
import itertools
import json
import os
import random
import shutil
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import edge
import traffic_mix as mix
from cpu import CpuMeter, descendants
from servers import free_port, start_app_server, stop

ROOT = Path(__file__).resolve().parent.parent
EDITOR_APP_NAME = "newsroom-bench-editor"  # its PostgreSQL backend is left out of the CPU figures
COLD_SECONDS, COLD_P99_MS = 15, 50


def settings_from_env() -> dict:
    number = lambda name, default: type(default)(os.environ.get(name) or default)  # noqa: E731
    return {
        "requests": number("BENCH_TRAFFIC_REQUESTS", 20000),
        "warmup": number("BENCH_TRAFFIC_WARMUP", 20000),
        "first_views": number("BENCH_TRAFFIC_FIRST_VIEWS", 400),
        "hits": number("BENCH_TRAFFIC_HITS", 2000),
        "clock": number("BENCH_TRAFFIC_CLOCK", 1.0),
        "zipf": number("BENCH_TRAFFIC_ZIPF", 1.0),
        "seed": number("BENCH_TRAFFIC_SEED", 23),
        "concurrency": number("BENCH_CONCURRENCY", 4),
        "workers": number("BENCH_WORKERS", 2),
        "edge": os.environ.get("BENCH_EDGE", "1") != "0" and edge.available(),
    }


def replay(port: int, requests: list[dict], concurrency: int) -> list[dict]:
    """Send every request once, `concurrency` at a time; one record per answer: when it started (s from the
    start), how long it took (ms), its status and the cache layers' headers."""
    records: list[dict] = []
    order = itertools.count()
    started = time.perf_counter()

    def worker():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while (n := next(order)) < len(requests):
            spec = requests[n]
            t0 = time.perf_counter()
            try:
                headers = {"Host": "127.0.0.1", "User-Agent": "newsroom-bench"} | spec.get("headers", {})
                connection.request(spec.get("method", "GET"), spec["path"], body=spec.get("body"), headers=headers)
                response = connection.getresponse()
                response.read()
                status, page, edged = (
                    response.status,
                    response.getheader("X-Page-Cache"),
                    response.getheader("X-Edge-Cache"),
                )
                if response.will_close:
                    connection.close()
            except (OSError, http.client.HTTPException):
                status, page, edged = 0, None, None
                connection.close()
            t1 = time.perf_counter()
            records.append({"kind": spec["kind"], "at": t0 - started, "ms": (t1 - t0) * 1000, "status": status,
                            "page_cache": page, "edge_cache": edged, "repeat": spec.get("repeat")})  # fmt: skip
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return records


def summary(records: list[dict], cpu: dict[str, float] | None = None, seconds: float | None = None) -> dict:
    views = [r for r in records if r["kind"] != "vote"]
    latencies = [r["ms"] for r in views if r["status"] == 200]
    stories = [r for r in records if r["kind"] in mix.STORIES]
    figures = {
        "requests": len(records),
        "first_view_share": round(sum(r.get("repeat") is False for r in stories) / len(stories), 4)
        if stories
        else None,
        "page_views": len(views),
        "votes": sum(r["kind"] == "vote" for r in records),
        "errors": sum(r["status"] != 200 for r in records),
        **{f"p{p}_ms": None if (v := mix.percentile(latencies, p)) is None else round(v, 2) for p in (50, 90, 99)},
        **mix.layers(records),
        "by_kind": mix.by_kind(records),
    }
    if seconds:
        figures |= {"seconds": round(seconds, 1), "rps": round(len(records) / seconds, 1)}
    if cpu is not None:
        counted = sum(cpu.get(group, 0.0) for group in ("app", "postgres", "redis"))
        figures |= {"cpu_seconds": cpu, "cpu_ms_per_view": round(counted * 1000 / len(views), 3) if views else None}
    return figures


class Site:
    """The served site: granian on `port` (restartable), the editor, the edge; the CPU groups to measure."""

    def __init__(self, env: dict[str, str], workdir: Path, settings: dict, log):
        self.env, self.workdir, self.settings, self.log = env, workdir, settings, log
        self.port, self.server, self.editor, self.varnish = free_port(), None, None, None
        self.edge_port = free_port()
        if settings["edge"]:
            self.env = env | {
                "NEWSROOM_EDGE": "varnish",
                "NEWSROOM_EDGE_VARNISH_URLS": f"http://127.0.0.1:{self.edge_port}/",
            }
        self.database = env["DATABASE_URL"].rsplit("/", 1)[1].split("?")[0]
        self.postgres = env["DATABASE_URL"].startswith(("postgres://", "postgresql://"))

    def flush_cache(self) -> int:
        import redis

        client = redis.Redis.from_url(self.env["REDIS_URL"])
        prefix = self.env.get("CACHE_KEY_PREFIX", "newsroom")
        keys = list(client.scan_iter(match=f"{prefix}:*", count=10_000))
        for start in range(0, len(keys), 1000):
            client.delete(*keys[start : start + 1000])
        self.redis_pid = int(client.info("server")["process_id"])
        return len(keys)

    def start(self) -> None:
        kind = "granian"
        self.server = start_app_server(
            kind, self.env, self.port, self.settings["workers"], self.workdir / "traffic-granian.log"
        )

    def restart(self) -> None:
        stop(self.server)
        self.start()

    def render_ahead(self) -> dict:
        """`manage.py render_ahead` with no budget, one process per worker, as after a deploy that emptied the cache:
        how long it took, and what each part rendered."""
        parts = self.settings["workers"]
        command = [sys.executable, "manage.py", "render_ahead", "--origin", "http://127.0.0.1"]
        started = time.perf_counter()
        running = [
            subprocess.Popen(
                [*command, "--part", f"{k}/{parts}"], cwd=ROOT, env=self.env, stdout=subprocess.PIPE, text=True
            )
            for k in range(1, parts + 1)
        ]
        reports = [process.communicate()[0].strip() for process in running]
        if any(process.returncode for process in running):
            raise RuntimeError(f"render_ahead failed: {reports}")
        return {"seconds": round(time.perf_counter() - started, 1), "parts": reports}

    def drop_copies(self, paths: list[str]) -> None:
        """Forget the shared copies of these pages (the next request renders each: a true miss)."""
        command = [sys.executable, str(ROOT / "bench" / "traffic_site.py"), "drop", *paths]
        subprocess.run(command, cwd=ROOT, env=self.env, check=True)

    def start_editor(self) -> None:
        options = {"save_every": 10, "live_every": 60, "clock": self.settings["clock"], "seed": self.settings["seed"]}
        with (self.workdir / "traffic-editor.log").open("ab") as out:
            self.editor = subprocess.Popen(
                [sys.executable, str(ROOT / "bench" / "traffic_editor.py"), json.dumps(options)], cwd=ROOT,
                env=self.env | {"PGAPPNAME": EDITOR_APP_NAME}, stdout=out, stderr=out, start_new_session=True,
            )  # fmt: skip

    def editor_events(self) -> dict[str, int]:
        lines = (self.workdir / "traffic-editor.log").read_text().splitlines()
        # Each event is a line of its own, but a warning on the editor's stderr may follow one on the same line.
        events = [json.JSONDecoder().raw_decode(line)[0] for line in lines if line.startswith("{")]
        now = datetime.now(UTC)
        return {
            "saved": sum(e["event"] == "saved" for e in events),
            "scheduled": sum(e["event"] == "scheduled" for e in events),
            "went_live": sum(e["event"] == "scheduled" and datetime.fromisoformat(e["at"]) <= now for e in events),
        }

    def start_edge(self) -> None:
        self.varnish = edge.start_varnish(self.workdir, listen=self.edge_port, upstream=self.port)

    def stop(self) -> None:
        for process in (self.varnish, self.editor, self.server):
            if process is not None:
                stop(process)

    def _backends(self) -> list[int]:
        if not self.postgres:
            return []
        import psycopg

        admin = self.env["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as connection:
            rows = connection.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND backend_type = 'client backend' "
                "AND application_name <> %s",
                (self.database, EDITOR_APP_NAME),
            ).fetchall()
        return [pid for (pid,) in rows]

    def meter(self) -> CpuMeter:
        groups = {
            "app": lambda: descendants(self.server.pid),
            "postgres": self._backends,
            "redis": lambda: [self.redis_pid],
            "editor": lambda: [self.editor.pid] if self.editor else [],
        }
        if self.varnish is not None:
            groups["edge"] = lambda: descendants(self.varnish.pid)
        return CpuMeter(groups, interval=0.5)


def measured(site: Site, port: int, requests: list[dict]) -> dict:
    with site.meter() as meter:
        started = time.perf_counter()
        records = replay(port, requests, site.settings["concurrency"])
        seconds = time.perf_counter() - started
    return summary(records, meter.seconds, seconds)


def bench(env: dict[str, str], *, workdir: Path, settings: dict, paths: dict, log=print) -> dict:
    """Every stage against the database in env's DATABASE_URL (seeded) and the Redis in its REDIS_URL."""
    archive = paths["archive"][:]
    random.Random(settings["seed"]).shuffle(archive)  # popularity is not age: the Zipf ranks over a shuffle
    model = mix.Site(paths["newest"], paths["newest_pks"], archive, paths["sections"], paths["tags"], paths["searches"])
    warmup = mix.plan(model, settings["warmup"], seed=settings["seed"], zipf_s=settings["zipf"])
    traffic = mix.plan(model, settings["requests"], seed=settings["seed"] + 1, zipf_s=settings["zipf"])
    asked: set[str] = set()
    mix.mark_repeats(warmup + traffic, asked)
    firsts = mix.first_views(model, settings["first_views"], exclude=asked)
    rng = random.Random(settings["seed"] + 2)
    hits = [{"kind": "newest", "path": rng.choice(model.newest)} for _ in range(settings["hits"])]
    site = Site(env, workdir, settings, log)
    result = {"settings": settings, "articles": paths["articles"], "shares": mix.shares(traffic)}
    result["loadavg_1min"] = [round(os.getloadavg()[0], 2)]
    result["long_tail_first_views"] = {  # at steady state, by page views per fragment lifetime: an estimate
        f"{views:g}": round(
            mix.long_tail_first_views(len(archive), zipf_s=settings["zipf"], views_per_lifetime=views), 4
        )
        for views in (1e5, 1e6, 1e7)
    }
    try:
        log(f"traffic model: cache emptied ({site.flush_cache()} keys), a new server, the editor, warm-up")
        site.start()
        site.start_editor()
        started = time.perf_counter()
        cold = replay(site.port, warmup, settings["concurrency"])
        per_second = mix.p99_per_second(cold, COLD_SECONDS)
        result["cold_start"] = summary(cold, seconds=time.perf_counter() - started) | {
            "p99_per_second_ms": per_second,
            "recovered_after_s": mix.recovered_after(per_second, COLD_P99_MS),
        }
        log("traffic model: the archive rendered ahead (manage.py render_ahead, a part per worker)")
        result["render_ahead"] = site.render_ahead()
        log("traffic model: /healthz, then the model")
        result["healthz"] = measured(site, site.port, [{"kind": "healthz", "path": "/healthz"}] * settings["hits"])
        result["traffic"] = measured(site, site.port, traffic)
        log(f"traffic model: {len(firsts)} first views (true misses), then again after a restart (fragments warm)")
        site.drop_copies([first["path"] for first in firsts])  # rendered ahead: dropped, as an edit would purge them
        result["first_views"] = measured(site, site.port, firsts)
        site.restart()
        replay(site.port, [{"kind": "newest", "path": path} for path in model.newest * 4], settings["concurrency"])
        result["hits"] = measured(site, site.port, hits)
        result["first_views_fragments_warm"] = measured(site, site.port, firsts)
        if settings["edge"]:
            log(f"traffic model through the edge (Varnish) on 127.0.0.1:{site.edge_port}")
            site.start_edge()
            replay(site.edge_port, warmup, settings["concurrency"])
            result["edge"] = measured(site, site.edge_port, traffic)
        result["editor"] = site.editor_events()
        result["loadavg_1min"].append(round(os.getloadavg()[0], 2))
    finally:
        site.stop()
        if not os.environ.get("BENCH_KEEP"):
            site.flush_cache()  # the fragments live for days: not in a shared Redis after the run
    result["targets"] = mix.targets(result)
    return result


def in_bench(env: dict[str, str], *, workdir: Path, articles: int, before, log) -> dict | None:
    """`make bench`'s stage (bench/run.py): at BENCH_TRAFFIC_FROM articles (100,000) and more, with a shared cache
    (BENCH_REDIS_URL); BENCH_TRAFFIC=0 leaves it out. `before` stops the bench's own server."""
    if os.environ.get("BENCH_TRAFFIC", "1") == "0" or articles < int(os.environ.get("BENCH_TRAFFIC_FROM") or 100_000):
        return None
    if "REDIS_URL" not in env:
        log("the traffic model needs a shared cache (BENCH_REDIS_URL): left out")
        return None
    before()
    plain = {name: value for name, value in env.items() if not name.startswith("NEWSROOM_EDGE")}
    return bench(plain, workdir=workdir, settings=settings_from_env(), paths=site_paths(plain), log=log)


def main() -> int:
    sys.path.insert(0, str(ROOT / "bench"))
    from run import app_environment, git_commit, manage

    parser = argparse.ArgumentParser(description="The traffic model of `make bench`, alone.")
    parser.add_argument("--database", required=True, help="postgres://… of a database of your own (seeded if short)")
    parser.add_argument("--redis", required=True, help="redis://127.0.0.1:6379/N (the bench's keys are deleted)")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--output", help="write the JSON here as well")
    parser.add_argument("--merge", metavar="STEM", help="add the figures to STEM.json's run of this size and STEM.md")
    args = parser.parse_args()
    os.environ["BENCH_REDIS_URL"] = args.redis
    workdir = ROOT / "bench" / "tmp" / f"traffic-{os.getpid()}"
    workdir.mkdir(parents=True, exist_ok=True)
    env = app_environment(SimpleNamespace(url=args.database), workdir)
    log = lambda message: print(f"[traffic {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)  # noqa: E731
    manage(env, "migrate", "--noinput", "-v0")
    paths = site_paths(env)
    if paths["articles"] < args.articles:
        log(f"seeding {args.articles} articles")
        manage(
            env,
            "seed_demo",
            "--articles",
            str(args.articles),
            "-v0",
            *(["--archive"] if args.articles >= 100_000 else []),
        )
        paths = site_paths(env)
    manage(env, "collectstatic", "--noinput", "-v0")
    try:
        result = bench(env, workdir=workdir, settings=settings_from_env(), paths=paths, log=log)
        result |= {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "commit": git_commit()}
    finally:
        if not os.environ.get("BENCH_KEEP"):
            shutil.rmtree(workdir, ignore_errors=True)
    text = json.dumps(result, indent=2)
    if args.output:
        Path(args.output).write_text(text + "\n")
    if args.merge:
        from report import _met
        from traffic_report import merge_into

        merge_into(Path(args.merge), args.articles, result, _met)
    print(text)
    return 0


def site_paths(env: dict[str, str]) -> dict:
    command = [sys.executable, str(ROOT / "bench" / "traffic_site.py")]
    done = subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    sys.exit(main())
