"""`bench/results.json` and `bench/results.md`: every figure beside its target (issue 8's table)."""

import statistics
from pathlib import Path

import searches
import traffic_report

BASELINE = "healthz"
PAGES = ["healthz", "home", "article", "section", "tag", "search"]
LOADED_ONLY = ["article-304", "vote"]  # load-only rows: the article revalidated with its ETag, vote POSTs
FLAT_LIMIT = 1.2  # at the largest size, at most this many times the cost at the smallest (issue 23's flat)
FIRST_VIEW_LIMIT = 8  # a first view, at most this many times `/robots.txt`, in-process
FIRST_VIEW = f"≤ {FIRST_VIEW_LIMIT}"


def combine(queries: dict, loaded: dict, specs: dict) -> dict:
    base = loaded.get(BASELINE, {})
    pages = {}
    for page in [*PAGES, *LOADED_ONLY]:
        q = queries.get(page, {})
        spec = specs.get(page, {})
        row = {
            "path": f"{spec.get('method', 'GET')} {spec['path']}" if spec else q.get("path", ""),
            "status": q.get("status", 200),
            "queries_cold": q.get("queries_cold", "") if page in PAGES else "",
            "queries_warm": q.get("queries_warm", "") if page in PAGES else "",
        }
        measured = loaded.get(page)
        if row["status"] == 404 or measured is None:
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


def combine_edge(edged: dict | None, specs: dict) -> dict | None:
    """The edge stage (bench/edge.py): each GET page through Varnish, its throughput against `/healthz` through
    it (which Varnish passes to the app), and the edge's hit ratio over the whole stage."""
    if edged is None:
        return None
    base = edged["pages"].get(BASELINE, {})
    pages = {}
    for page, measured in edged["pages"].items():
        row = {"path": specs[page]["path"], **measured}
        if measured.get("requests") and base.get("rps"):
            per_round = [p / b for p, b in zip(measured["round_rps"], base["round_rps"], strict=True) if b]
            row["throughput_ratio"] = round(statistics.median(per_round), 3)
        pages[page] = row
    return {"pages": pages, **{key: edged[key] for key in ("cache_hit", "cache_miss", "hit_ratio")}}


def _edge_lines(edge: dict | None) -> list[str]:
    if edge is None:
        return []
    lines = [
        "",
        f"Through the edge (Varnish, deploy/varnish.vcl, in front of the same server): hit ratio "
        f"**{edge['hit_ratio']}** ({edge['cache_hit']} hits, {edge['cache_miss']} misses; `/healthz` is passed).",
        "",
        "| page | req/s | ÷ `/healthz` through the edge | p50 ms | p99 ms | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for page, r in edge["pages"].items():
        if not r.get("requests"):
            lines.append(f"| {page} | failed | | | | {r.get('errors', '')} |")
            continue
        lines.append(
            f"| {page} | {r['rps']} | {r.get('throughput_ratio', '')} | {r['p50_ms']} | {r['p99_ms']} | {r['errors']} |"
        )
    return lines


def _met(value, target: str) -> str:
    if target == "—":
        return ""  # reported, no target
    if value in (None, ""):
        return "—"
    op, limit = target.split()
    ok = value >= float(limit) if op == "≥" else value <= float(limit)
    return "met" if ok else "**missed**"


def targets(run: dict) -> list[tuple[str, object, str]]:
    """(figure, measured, target) for one database size."""
    pages, first, votes = run["pages"], run["first_views"], run["votes"]
    revalidated = pages.get("article-304", {})
    statuses = revalidated.get("statuses", {})
    answered = sum(statuses.values())
    share_304 = round(statuses.get("304", 0) / answered, 3) if answered else None
    return [
        ("warm article, throughput ÷ `/healthz`", pages["article"].get("throughput_ratio"), "≥ 0.8"),
        ("home, throughput ÷ `/healthz`", pages["home"].get("throughput_ratio"), "≥ 0.8"),
        ("section, throughput ÷ `/healthz`", pages["section"].get("throughput_ratio"), "≥ 0.8"),
        ("repeat request with its ETag: share answered 304", share_304, "≥ 1"),
        ("first view of an article (blocks warm) ÷ `/robots.txt`, in-process", first["first_view_ratio"], FIRST_VIEW),
        ("… the same in this process's CPU time (no wait for a CPU)", first.get("first_view_cpu_ratio"), FIRST_VIEW),
        ("archived story seen again (story part kept: fragment hit + stitch) ÷ a hit, in-process",
         first.get("fragment_hit_per_hit"), "≤ 2"),
        ("true miss (story rendered afresh, blocks warm) ÷ `/healthz` just before it, in-process CPU time",
         first.get("paired_healthz_cpu", {}).get("first_view"), "≤ 10"),
        ("… the same in wall-clock time (the waits for PostgreSQL's and Redis's answers in it)",
         first.get("paired_healthz", {}).get("first_view"), "≤ 10"),
        ("true miss after an edit (Related's candidates still cached) ÷ `/healthz` just before it, CPU time",
         first.get("paired_healthz_cpu", {}).get("edited"), "≤ 10"),
        ("… the same in wall-clock time", first.get("paired_healthz", {}).get("edited"), "≤ 10"),
        ("a story's first view with every cache empty (every block rebuilt) ÷ `/robots.txt`", first["all_empty_ratio"],
         "≤ 30"),
        ("… the same in this process's CPU time", first.get("all_empty_cpu_ratio"), "≤ 30"),
        ("home rendered (blocks warm) ÷ `/robots.txt`", first["home_ratio"], "—"),
        ("home with every cache empty ÷ `/robots.txt`", first["home_all_empty_ratio"], "—"),
        ("section rendered (blocks warm) ÷ `/robots.txt`", first["section_ratio"], "—"),
        ("vote POST (each from a new reader) ÷ `/healthz`", pages["vote"].get("throughput_ratio"), "—"),
        ("votes lost under load", votes["lost"], "≤ 0"),
    ]  # fmt: skip


def flatness(runs: list[dict]) -> list[tuple[str, float, float, float, float | None]]:
    """In-process costs at the largest size against the smallest: (figure, small ms, large ms, ratio of the
    times, ratio of the costs each measured against the `/robots.txt` just before it). The sizes run minutes
    apart on a host whose speed drifts: the verdict is on the last ratio."""
    small, large = runs[0]["first_views"], runs[-1]["first_views"]
    rows = []
    for key, label in [
        ("first_view", "first view of an article (blocks warm)"),
        ("all_empty", "article with every cache empty (rebuilds Ranking)"),
        ("home", "home rendered (blocks warm)"),
        ("home_all_empty", "home with every cache empty"),
        ("ranking", "Ranking rebuilt (7 days)"),
        ("related", "Related chosen (cold)"),
    ]:
        small_ms, large_ms = small.get(f"{key}_ms"), large.get(f"{key}_ms")
        if small_ms and large_ms:
            a, b = small.get("paired", {}).get(key), large.get("paired", {}).get(key)
            paired = round(b / a, 2) if a and b else None
            rows.append((label, small_ms, large_ms, round(large_ms / small_ms, 2), paired))
    return rows


def _breakdown_lines(first: dict) -> list[str]:
    """Where a first view's time goes, beside `/robots.txt`'s: what limits the first-view ratio."""
    b = first.get("breakdown")
    if not b:
        return []
    robots, view = b["robots"], b["first_view"]

    def ratio(key: str) -> str:
        return f"{view[key] / robots[key]:.1f}" if robots.get(key) else "—"

    missed = first["first_view_ratio"] > FIRST_VIEW_LIMIT
    lines = [
        "",
        "What a first view spends, beside `/robots.txt` (medians of a separate set of first views, in ms"
        + (f"; the first-view target ({FIRST_VIEW}) is missed, and this is what limits it" if missed else "")
        + "):",
        "",
        "| | `/robots.txt` | first view | ratio |",
        "| --- | ---: | ---: | ---: |",
        f"| whole request | {robots['total_ms']} | {view['total_ms']} | {ratio('total_ms')} |",
        f"| SQL: sent, planned, run, rows read ({view['queries']:g} queries) | {robots['sql_ms']} "
        f"| {view['sql_ms']} | |",
        f"| cache calls ({robots['cache_calls']:g} and {view['cache_calls']:g}) | {robots['cache_ms']} "
        f"| {view['cache_ms']} | {ratio('cache_ms')} |",
        f"| Python: middleware, ORM, templates | {robots['python_ms']} | {view['python_ms']} | {ratio('python_ms')} |",
    ]
    queries = ", ".join(f"`{table}` {ms} ms" for table, ms in b.get("first_view_queries", {}).items())
    if queries:
        lines += ["", f"A first view's queries, median each, by the table they read first: {queries}."]
    return lines


def write_markdown(report: dict, path: Path) -> None:
    m = report["meta"]
    lines = [
        "# Benchmark results",
        "",
        f"{m['date']} · commit `{m['commit']}` · cache: {m['cache']} · {m.get('server', 'granian')} "
        f"{m['workers']} workers{' behind nginx (deploy/nginx.conf)' if m.get('nginx') else ''} · "
        f"{m['concurrency']} client threads ({m['load_tool']}) · {m['cpus']} CPUs · Python {m['python']}",
        "",
        "Served pages: ratios against `/healthz` (hello world) in the same run — throughput ratio = median over",
        "the rounds of page req/s ÷ hello req/s in that round (1.0 = as fast as hello world). In-process figures:",
        "median time ÷ `/robots.txt` rendered the same way (bench/first_view.py). How to read and re-run:",
        "docs/benchmark.md.",
    ]
    for run in report["runs"]:
        lines += [
            "",
            f"## {run['articles']:,} articles ({run['database']}, seeded in {run['seed_seconds']} s, load average "
            f"{run['loadavg_1min'][0]} before the load, {run['loadavg_1min'][1]} after)",
            "",
            "| figure | measured | target | |",
            "| --- | ---: | ---: | --- |",
        ]
        lines += [f"| {label} | {value} | {target} | {_met(value, target)} |" for label, value, target in targets(run)]
        lines += [
            "",
            "| page | path | req/s | throughput ratio | p50 ms | p90 ms | p99 ms | SQL (cold/warm) | errors |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for page, r in run["pages"].items():
            sql = f"{r['queries_cold']}/{r['queries_warm']}" if r["queries_cold"] != "" else ""
            if r["result"] != "ok":
                lines.append(f"| {page} | `{r['path']}` | {r['result']} | | | | | {sql} | {r.get('errors', '')} |")
                continue
            lines.append(
                f"| {page} | `{r['path']}` | {r['rps']} | {r.get('throughput_ratio', '')} | {r['p50_ms']} "
                f"| {r['p90_ms']} | {r['p99_ms']} | {sql} | {r['errors']} |"
            )
        f, v, mem = run["first_views"], run["votes"], run["memory"]
        lines += _edge_lines(run.get("edge"))
        lines += _breakdown_lines(f)
        lines += searches.markdown_lines(run.get("searches", {}))
        lines += [
            "",
            f"In-process: `/robots.txt` {f['robots_ms']} ms; first view {f['first_view_ms']} ms; every cache empty "
            f"{f['all_empty_ms']} ms; home {f['home_ms']} ms (empty caches {f['home_all_empty_ms']} ms); section "
            f"{f['section_ms']} ms (empty caches {f['section_all_empty_ms']} ms); Ranking rebuilt "
            f"{f.get('ranking_ms', '—')} ms; Related chosen {f.get('related_ms', '—')} ms.",
            f"Votes: {v['accepted']} accepted under load; the counter went from {v['before']} to {v['vote_count']} "
            f"with {v['vote_rows']} vote rows — {v['lost']} lost.",
            f"Server memory after the load: master {mem['master_rss_mib']} MiB, workers "
            f"{', '.join(f'{w} MiB' for w in mem['worker_rss_mib'])} (RSS).",
        ]
        lines += traffic_report.markdown_lines(run.get("traffic"), _met)
    if len(report["runs"]) > 1:
        small, large = report["runs"][0]["articles"], report["runs"][-1]["articles"]
        lines += [
            "",
            f"## Cost as the archive grows: {large:,} against {small:,} articles (target ≤ {FLAT_LIMIT} times)",
            "",
            "The verdict is on the last column: each sample divided by the `/robots.txt` measured just before it, so",
            "that the host's drift between the two sizes (run minutes apart) does not count as growth.",
            "",
            f"| in-process | {small:,} (ms) | {large:,} (ms) | ratio of the times "
            "| ratio, each against `/robots.txt` | |",
            "| --- | ---: | ---: | ---: | ---: | --- |",
        ]
        lines += [
            f"| {label} | {a} | {b} | {ratio} | {paired if paired is not None else '—'} "
            f"| {_met(paired if paired is not None else ratio, f'≤ {FLAT_LIMIT}')} |"
            for label, a, b, ratio, paired in flatness(report["runs"])
        ]
    path.write_text("\n".join(lines) + "\n")
