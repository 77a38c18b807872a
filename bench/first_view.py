"""In-process cost of pages rendered afresh, as ratios of `/robots.txt` rendered the same way.

Runs inside the bench environment (production settings, the bench database), with Django's test client so
that no network or server noise enters: what it measures is the work of the middleware, view, queries and
templates. Each figure is a median over samples; every ratio is taken against `/robots.txt` measured in the
same process, its page-cache copy dropped before each request so it is rendered too.

- first view: an article nobody asked for yet, with the site-wide blocks already warm (another article was
  served just before) — the long tail of old stories;
- edited: the same stories rendered afresh again, as after an edit purged their pages (Related's candidates, kept
  five minutes, still cached): the true miss of a story readers are reading;
- all caches empty: the same after `cache.clear()` (the request that rebuilds Ranking and every block);
- home, section: each rendered with the site-wide blocks warm, and with every cache empty;
- Ranking rebuilt, Related's candidates chosen: the two queries a cold page pays for.

`paired` gives each figure as the median, over its samples, of the sample ÷ the `/robots.txt` measured just
before it: how the cost at 100,000 articles is compared with the cost at 2,000, measured minutes apart.
`paired_healthz` gives the same against `/healthz` (issue 23's baseline: `/robots.txt` goes through the page
cache, with round trips to Redis of its own, `/healthz` through no cache at all, so ratios to it are larger), and
`paired_healthz_cpu` in this process's CPU time: the true miss's target is judged on it (as `bench/true_miss.py miss`
judges it), the wall-clock ratio beside it also counting the waits for PostgreSQL's and Redis's answers.

First views and all-caches-empty views are also given in this process's CPU time (`*_cpu_ratio`): on a machine
shared with other jobs, wall-clock time also counts waiting for a CPU.

Where a first view's time goes (`breakdown`), beside `/robots.txt`'s: the time inside SQL queries (sent,
planned and run by the database, rows read back; each query's median by its table), inside calls to the
cache (Redis round trips; with local memory, its share of Python), and the rest — Python: middleware, ORM,
templates. `bench/results.md` shows it when a first-view target is missed.

`python bench/first_view.py` prints JSON; `--profile PATH` also writes a pyinstrument text profile of
first views (pyinstrument, in requirements-test.txt).
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

SAMPLES = int(os.environ.get("BENCH_FIRST_VIEW_SAMPLES") or 25)


def measure(profile_path: str | None = None) -> dict:
    import django

    django.setup()
    from django.core.cache import cache
    from django.test import Client

    from articles.engagement.buckets import ranking_snapshot_refresh
    from articles.models import Article, Section
    from articles.page_cache import drop_copy, forget_local_copies, local_copies
    from newsroom.cache import page_key
    from newsroom.fragments import stitched_copies

    client = Client(HTTP_HOST="127.0.0.1")

    def fetch(path: str, *, kept: str = "") -> float:
        """`kept`: "" renders the page afresh (its copy dropped); "shared" finds the story's part in the shared
        cache only (this process holds neither it nor its stitch: an archived story seen again once the blocks
        moved on); "all" is a hit (the process holds its copy and its stitch)."""
        query = {}
        if "?" in path:
            bare, raw = path.split("?", 1)
            query = dict(part.split("=", 1) for part in raw.split("&"))
        else:
            bare = path
        key = page_key(host="127.0.0.1", path=bare, query=query)
        if not kept:
            drop_copy(key)
        elif kept == "shared":
            local_copies.drop(key)
            stitched_copies.clear()
        started, started_cpu = time.perf_counter(), time.thread_time()
        response = client.get(path)
        elapsed = time.perf_counter() - started
        cpu[path] = (time.thread_time() - started_cpu) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
        return elapsed * 1000

    cpu: dict[str, float] = {}  # the last fetch of each path: this process's CPU time, in ms

    def cpu_of(paths: list[str]) -> float:
        return statistics.median(cpu[path] for path in paths)

    articles = list(Article.objects.published().select_related("section").order_by("-published_at")[: 4 * SAMPLES + 2])
    fresh = iter(articles)
    section = articles[0].section
    while section.parent_id:
        section = section.parent
    for _ in range(SAMPLES):  # warm-up: imports, URL resolver, connections
        fetch("/robots.txt")
    robots, robots_cpu = [], []
    paired: dict[str, list[float]] = {}  # each measurement ÷ the `/robots.txt` taken just before it
    paired_healthz: dict[str, list[float]] = {}  # … and ÷ the `/healthz` taken just before it (issue 23's baseline)
    paired_healthz_cpu: dict[str, list[float]] = {}  # … the same in this process's CPU time
    refreshed = [0.0]  # when the Ranking's snapshot was last summed (`time.monotonic`)

    def sample(path: str, *, label: str, empty_cache: bool = False, kept: str = "") -> float:
        """One measurement of `path`, taken right after one of `/robots.txt`: on a shared host the machine's
        speed drifts by tens of per cent within a minute, so the baseline is sampled beside every figure (all
        through the run) rather than once at the start."""
        robots.append(fetch("/robots.txt"))
        robots_cpu.append(cpu["/robots.txt"])
        if empty_cache and time.monotonic() - refreshed[0] > 50:
            # The Ranking's snapshot, summed once a minute by `flush_view_counts` on a served site.
            ranking_snapshot_refresh()
            refreshed[0] = time.monotonic()
        healthz_before = fetch("/healthz", kept="all")
        healthz_cpu = cpu["/healthz"]
        if empty_cache:
            cache.clear()
            forget_local_copies()
        elapsed = fetch(path, kept=kept)
        paired.setdefault(label, []).append(elapsed / robots[-1])
        paired_healthz.setdefault(label, []).append(elapsed / healthz_before)
        paired_healthz_cpu.setdefault(label, []).append(cpu[path] / healthz_cpu)
        return elapsed

    def warm_blocks() -> None:
        """The shared blocks warm, as on a site that served anything: an article of every section. The blocks
        (and the header's menu) are cached per page section, sub-sections included — warming only the top-level
        sections left a sub-section's first view building its blocks, which is not a first view with the
        blocks warm."""
        for section_id in Section.objects.values_list("pk", flat=True):
            warm = Article.objects.published().filter(section_id=section_id).order_by("published_at").first()
            if warm is not None:
                fetch(warm.get_absolute_url())

    # From a known state: nothing kept of an earlier run (Related's candidates cached a few minutes ago would make the
    # first views those of edited stories, not of stories nobody asked for: bench/true_miss.py starts so too).
    cache.clear()
    forget_local_copies()
    warm_blocks()
    first_paths = [next(fresh).get_absolute_url() for _ in range(SAMPLES)]
    first = [sample(path, label="first_view") for path in first_paths]

    # The same stories again: a hit, and a fragment hit plus a stitch (the story's part fetched from the shared
    # cache, the warm blocks joined in): what a first view of an archived story costs now that its part is kept.
    first_cpu = cpu_of(first_paths)  # before the same paths are fetched again below
    hits = [sample(path, label="hit", kept="all") for path in first_paths]
    fragment_hits = [sample(path, label="fragment_hit", kept="shared") for path in first_paths]
    edited = [sample(path, label="edited") for path in first_paths]
    healthz = []
    for _ in range(SAMPLES):
        healthz.append(fetch("/healthz", kept="all"))

    def cold(path: str, label: str) -> float:
        return sample(path, label=label, empty_cache=True)

    empty_paths = [next(fresh).get_absolute_url() for _ in range(SAMPLES)]
    empty = [cold(path, "all_empty") for path in empty_paths]
    pages = {}
    for name, path in (("home", "/"), ("section", section.get_absolute_url())):
        fetch(path)
        pages[name] = {
            "warm_blocks_ms": statistics.median(sample(path, label=name) for _ in range(SAMPLES)),
            "all_empty_ms": statistics.median(cold(path, f"{name}_all_empty") for _ in range(max(5, SAMPLES // 3))),
        }
    # The two queries a cold page pays for at most once a minute (Ranking) or per article (Related).
    from datetime import timedelta

    from articles.engagement.ranking import CANDIDATE_MARGIN, _ranking
    from articles.related import RELATED_LIMIT, RELATED_MARGIN, _most_shared_tags

    def timed(work, label: str) -> float:
        baseline = fetch("/robots.txt")
        started = time.perf_counter()
        work()
        elapsed = (time.perf_counter() - started) * 1000
        paired.setdefault(label, []).append(elapsed / baseline)
        return elapsed

    ranking_ms = statistics.median(
        timed(lambda: _ranking(timedelta(days=7), None, None, exclude=(), limit=16 + CANDIDATE_MARGIN), "ranking")
        for _ in range(max(5, SAMPLES // 3))
    )
    related_ms = statistics.median(
        timed(
            lambda a=a: _most_shared_tags(
                article=a, tag_ids=sorted(a.tags.values_list("pk", flat=True)), limit=RELATED_LIMIT + RELATED_MARGIN
            ),
            "related",
        )
        for a in articles[:SAMPLES]
    )
    breakdown_paths = [next(fresh).get_absolute_url() for _ in range(SAMPLES)]
    breakdown = _breakdown(fetch, breakdown_paths, warm_blocks)
    robots_ms = statistics.median(robots)
    report = {
        "samples": SAMPLES,
        "robots_ms": round(robots_ms, 3),
        "first_view_ms": round(statistics.median(first), 2),
        "all_empty_ms": round(statistics.median(empty), 2),
        "first_view_ratio": round(statistics.median(first) / robots_ms, 1),
        "hit_ms": round(statistics.median(hits), 3),
        "edited_ms": round(statistics.median(edited), 2),
        "fragment_hit_ms": round(statistics.median(fragment_hits), 3),
        "healthz_ms": round(statistics.median(healthz), 3),
        # Issue 23's in-process comparisons: an archived story's first view (its part kept) against a hit, and a
        # true miss (the story rendered afresh) and the fragment hit against `/healthz`.
        "fragment_hit_per_hit": round(statistics.median(fragment_hits) / statistics.median(hits), 2),
        "fragment_hit_per_healthz": round(statistics.median(fragment_hits) / statistics.median(healthz), 1),
        "all_empty_ratio": round(statistics.median(empty) / robots_ms, 1),
        # The same in this process's CPU time (no database or Redis server time, no waiting for a CPU): steadier
        # than wall-clock time when other jobs share the machine.
        "first_view_cpu_ratio": round(first_cpu / statistics.median(robots_cpu), 1),
        "all_empty_cpu_ratio": round(cpu_of(empty_paths) / statistics.median(robots_cpu), 1),
        "ranking_ms": round(ranking_ms, 2),
        "related_ms": round(related_ms, 2),
        "breakdown": breakdown,
        # Each figure as the median of its samples each divided by the `/robots.txt` just before it: what the
        # growth from one database size to the next is judged on (the sizes run minutes apart, and the host's
        # speed drifts meanwhile).
        "paired": {label: round(statistics.median(ratios), 2) for label, ratios in paired.items()},
        # The same against `/healthz` (no page-cache round trips: the baseline of issue 23's in-process figures).
        "paired_healthz": {label: round(statistics.median(ratios), 1) for label, ratios in paired_healthz.items()},
        "paired_healthz_cpu": {label: round(statistics.median(r), 1) for label, r in paired_healthz_cpu.items()},
    }
    for name, figures in pages.items():
        report[f"{name}_ms"] = round(figures["warm_blocks_ms"], 2)
        report[f"{name}_all_empty_ms"] = round(figures["all_empty_ms"], 2)
        report[f"{name}_ratio"] = round(figures["warm_blocks_ms"] / robots_ms, 1)
        report[f"{name}_all_empty_ratio"] = round(figures["all_empty_ms"] / robots_ms, 1)
    if profile_path:
        from pyinstrument import Profiler

        remaining = list(fresh)
        warm_blocks()
        profiler = Profiler(interval=0.0002)
        with profiler:
            for article in remaining:
                fetch(article.get_absolute_url())
        Path(profile_path).write_text(profiler.output_text(unicode=True, color=False, show_all=False))
    return report


def _breakdown(fetch, paths: list[str], warm_blocks) -> dict:
    """Median milliseconds of `/robots.txt` and of first views of `paths` spent in SQL, in cache calls and in
    the rest (Python), with each query's median by the table it reads first."""
    import re
    from contextlib import ExitStack
    from unittest import mock

    import redis
    from django.db import connection

    spent: dict[str, float] = {}
    queries: dict[str, list[float]] = {}  # the first views' queries, by the table each reads first
    sampling = {"first_view": False}

    def timed_sql(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            spent["sql"] = spent.get("sql", 0.0) + elapsed
            spent["queries"] = spent.get("queries", 0) + 1
            if sampling["first_view"]:
                table = re.search(r'FROM\s+"?(\w+)', sql)
                queries.setdefault(table.group(1) if table else sql[:30], []).append(elapsed)

    def timed_cache(method):
        def call(*args, **kwargs):
            started = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                spent["cache"] = spent.get("cache", 0.0) + (time.perf_counter() - started) * 1000
                spent["cache_calls"] = spent.get("cache_calls", 0) + 1

        return call

    def sample(path: str, *, first_view: bool = False) -> dict:
        spent.clear()
        sampling["first_view"] = first_view
        total = fetch(path)
        return {**spent, "total": total}

    def summary(samples: list[dict]) -> dict:
        def median(key: str) -> float:
            return round(statistics.median(s.get(key, 0) for s in samples), 2)

        return {
            "total_ms": median("total"),
            "sql_ms": median("sql"),
            "queries": median("queries"),
            "cache_ms": median("cache"),
            "cache_calls": median("cache_calls"),
            "python_ms": round(statistics.median(s["total"] - s.get("sql", 0) - s.get("cache", 0) for s in samples), 2),
        }

    warm_blocks()
    with ExitStack() as stack:
        stack.enter_context(connection.execute_wrapper(timed_sql))
        for target in (redis.Redis, redis.client.Pipeline):  # every Redis round trip, pipelines included
            name = "execute" if target is redis.client.Pipeline else "execute_command"
            stack.enter_context(mock.patch.object(target, name, timed_cache(getattr(target, name))))
        robots, first = [], []
        for path in paths:
            robots.append(sample("/robots.txt"))
            first.append(sample(path, first_view=True))
        per_query = {table: round(statistics.median(times), 2) for table, times in queries.items()}
    return {"robots": summary(robots), "first_view": summary(first), "first_view_queries": per_query}


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    profile = sys.argv[sys.argv.index("--profile") + 1] if "--profile" in sys.argv else None
    print(json.dumps(measure(profile)))
