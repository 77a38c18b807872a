"""Issue 23's in-process figures: a true miss, and every cache empty, each against `/healthz` in the same process.

Run it inside an environment like the bench's (production settings, a seeded database, the cache it uses; Django's
test client, so no server or network enters) — docs/benchmark.md, "A true miss, before and after":

    python bench/true_miss.py miss     # the story rendered afresh, the shared blocks warm (first views)
    python bench/true_miss.py empty    # an article and home with every cache empty (the request that rebuilds
                                       # the shared blocks)
    python bench/true_miss.py parts    # where a true miss's CPU goes (this process's CPU ms, by part)
    python bench/true_miss.py counts   # per true miss: Python function calls, template nodes, model instances

Each figure is sampled right after a `/healthz` of its own (never cached: no page-cache round trip), and given as
the median time, the median of each sample ÷ its `/healthz` (`paired`), and the same in this process's CPU time
(`time.thread_time`: on a shared machine, wall-clock time also counts waiting for a CPU, and the database's and
Redis's own time, which CPU time leaves out; the database's CPU is given apart, `database_cpu_ms`, and with the
page's as `cpu_with_database_per_healthz`). `bench/first_view.py` (what `make bench` runs) divides by
`/robots.txt` instead, which goes through the page cache, and seeds the 100,000-article database with
`--archive`; the two methods are compared in docs/benchmark.md. With every cache empty, the Ranking's snapshot is
summed again once a minute, as `manage.py flush_view_counts` does on a served site. BENCH_TRUE_MISS_SAMPLES (40)
samples each.
"""

import cProfile
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

SAMPLES = int(os.environ.get("BENCH_TRUE_MISS_SAMPLES") or 40)


def main(mode: str) -> dict:
    import django

    django.setup()
    from django.core.cache import cache
    from django.test import Client

    from articles.models import Article, Section
    from articles.page_cache import drop_copy, forget_local_copies
    from newsroom.cache import page_key

    client = Client(HTTP_HOST="127.0.0.1")

    def fetch(path: str, *, render: bool = True) -> tuple[float, float]:
        """Wall-clock and CPU ms of one request; `render`: its page-cache copy dropped first (rendered afresh)."""
        if render:
            drop_copy(page_key(host="127.0.0.1", path=path, query={}))
        started, started_cpu = time.perf_counter(), time.thread_time()
        response = client.get(path)
        elapsed = ((time.perf_counter() - started) * 1000, (time.thread_time() - started_cpu) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
        return elapsed

    def warm_blocks() -> None:
        """An article of every section served: the shared blocks and menus warm, as on a site serving anything."""
        for section_id in Section.objects.values_list("pk", flat=True):
            warm = Article.objects.published().filter(section_id=section_id).order_by("published_at").first()
            if warm is not None:
                fetch(warm.get_absolute_url())

    newest = Article.objects.published().order_by("-published_at")[: 3 * SAMPLES + 10]
    fresh = iter([article.get_absolute_url() for article in newest])
    for _ in range(SAMPLES):  # imports, the URL resolver, connections
        fetch("/healthz", render=False)
    cache.clear()
    forget_local_copies()
    warm_blocks()

    from articles.engagement.buckets import ranking_snapshot_refresh

    refreshed = [0.0]

    def as_the_minute_flush() -> None:
        """The Ranking's snapshot kept as `flush_view_counts` keeps it on a served site: summed once a minute."""
        if time.monotonic() - refreshed[0] > 50:
            ranking_snapshot_refresh()
            refreshed[0] = time.monotonic()

    def measured(next_path, *, empty: bool = False, samples: int = SAMPLES) -> dict:
        pages, healthz, database = [], [], []
        for _ in range(samples):
            if empty:
                as_the_minute_flush()
            healthz.append(fetch("/healthz", render=False))
            if empty:
                cache.clear()
                forget_local_copies()
            backends = _database_backends()
            before = _cpu_seconds(backends)
            pages.append(fetch(next_path()))
            database.append((_cpu_seconds(backends) - before) * 1000)

        def median(values, at):
            return statistics.median(value[at] for value in values)

        return {
            "ms": round(median(pages, 0), 2),
            "cpu_ms": round(median(pages, 1), 2),
            "healthz_ms": round(median(healthz, 0), 3),
            "healthz_cpu_ms": round(median(healthz, 1), 3),
            "paired": round(statistics.median(p[0] / h[0] for p, h in zip(pages, healthz, strict=True)), 1),
            "paired_cpu": round(statistics.median(p[1] / h[1] for p, h in zip(pages, healthz, strict=True)), 1),
            # The database's own CPU (its backends on this host, read from /proc: clock ticks, so summed over the
            # samples), which the figures above leave out; and the page's CPU with it ÷ `/healthz`'s, by the sums.
            "database_cpu_ms": round(sum(database) / samples, 2),
            "cpu_with_database_per_healthz": round(
                (sum(p[1] for p in pages) + sum(database)) / sum(h[1] for h in healthz), 1
            ),
        }

    if mode == "miss":
        return {"true_miss": measured(lambda: next(fresh))}
    if mode == "empty":
        return {
            "article_all_empty": measured(lambda: next(fresh), empty=True, samples=max(10, SAMPLES // 2)),
            "home_all_empty": measured(lambda: "/", empty=True, samples=max(10, SAMPLES // 2)),
        }
    if mode == "parts":
        return _parts(fetch, fresh)
    if mode == "counts":
        return _counts(fetch, fresh)
    raise SystemExit(f"unknown mode {mode!r}: miss, empty, parts or counts")


def _database_backends() -> list[int]:
    """The process ids of the PostgreSQL backends connected to this database (none elsewhere, or on another host)."""
    from django.db import connection

    if connection.vendor != "postgresql" or connection.settings_dict["HOST"] not in ("127.0.0.1", "localhost", ""):
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'"
        )
        return [pid for (pid,) in cursor.fetchall()]


def _cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds of these processes, from /proc (a process gone counts nothing)."""
    ticks, total = os.sysconf("SC_CLK_TCK"), 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


# Where a true miss's CPU goes: (module, attribute, label); a part's time includes the parts inside it.
PARTS = [
    ("articles.page_cache", "PageCacheMiddleware._render", "render and store (the page cache's miss)"),
    ("articles.page_cache", "PageCacheMiddleware._store", "store: purge marks, the copy written"),
    ("articles.views", "_article_by_slug", "the view"),
    ("articles.views", "_render_article", "the view less finding the article"),
    ("articles.views", "related_listed", "Related: candidates, rows, its HTML"),
    ("articles.views", "render", "the article template"),
]


def _parts(fetch, fresh) -> dict:
    import importlib

    spent: dict[str, float] = {}
    for module, attribute, label in PARTS:
        owner = importlib.import_module(module)
        *path, name = attribute.split(".")
        for step in path:
            owner = getattr(owner, step)
        setattr(owner, name, _timed(getattr(owner, name), label, spent))
    rows = []
    for _ in range(SAMPLES):
        spent.clear()
        whole = fetch(next(fresh))[1]
        rows.append({"whole request": whole, **spent})
    return {label: round(statistics.median(row.get(label, 0) for row in rows), 2) for label in rows[0]}


def _timed(function, label: str, spent: dict):
    def timed(*args, **kwargs):
        started = time.thread_time()
        try:
            return function(*args, **kwargs)
        finally:
            spent[label] = spent.get(label, 0) + (time.thread_time() - started) * 1000

    return timed


def _counts(fetch, fresh) -> dict:
    from django.db.models.signals import post_init
    from django.template import base

    counted = {"nodes": 0, "instances": 0}
    render_annotated = base.Node.render_annotated

    def counting(node, context):
        counted["nodes"] += 1
        return render_annotated(node, context)

    def instance(**kwargs):
        counted["instances"] += 1

    base.Node.render_annotated = counting
    post_init.connect(instance, weak=False)
    rows = []
    for _ in range(SAMPLES):
        path = next(fresh)
        counted.update(nodes=0, instances=0)
        profile = cProfile.Profile()
        profile.enable()
        fetch(path)
        profile.disable()
        rows.append({"function calls": pstats.Stats(profile).total_calls, **counted})
    return {key: statistics.median(row[key] for row in rows) for key in rows[0]}


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    print(json.dumps(main(sys.argv[1] if len(sys.argv) > 1 else "miss")))
