"""Writes: the traffic model's section of `bench/results.md` (bench/traffic.py's figures beside issue 23's targets):
as bench/report.py renders a whole run, or added to results a full `make bench` wrote earlier (`merge_into`)."""

import json
from collections.abc import Callable
from pathlib import Path

STAGES = [
    ("healthz", "`/healthz` (for scale)"),
    ("traffic", "**traffic model**"),
    ("first_views", "first views only (true misses: story rendered afresh)"),
    ("first_views_fragments_warm", "first views, fragments warm (new processes)"),
    ("hits", "page-cache hits (newest stories)"),
    ("edge", "traffic model through the edge (Varnish)"),
    ("cold_start", "cold start: warm-up from empty caches"),
]


def _cell(value) -> str:
    return "" if value is None else str(value)


def _ahead(traffic: dict) -> str:
    """How the archive was rendered ahead before the model (`manage.py render_ahead`), if it was."""
    ahead = traffic.get("render_ahead")
    if not ahead:
        return ""
    parts = "; ".join(report.removeprefix("Rendered ahead: ").rstrip(".") for report in ahead["parts"])
    return (
        f" and the archive rendered ahead (`manage.py render_ahead`, {len(ahead['parts'])} parts in "
        f"{ahead['seconds']} s: {parts})"
    )


def markdown_lines(traffic: dict | None, met: Callable[[object, str], str]) -> list[str]:
    if not traffic:
        return []
    s, t, editor = traffic["settings"], traffic["targets"], traffic.get("editor", {})
    per_healthz = None
    if traffic["traffic"].get("cpu_ms_per_view") and traffic["healthz"].get("cpu_ms_per_view"):
        per_healthz = round(traffic["traffic"]["cpu_ms_per_view"] / traffic["healthz"]["cpu_ms_per_view"], 1)
    shares = ", ".join(f"{kind} {share:.1%}" for kind, share in sorted(traffic["shares"].items(), key=lambda i: -i[1]))
    lines = [
        "",
        f"### Traffic model ({traffic['articles']:,} articles; bench/traffic.py; load average "
        f"{' → '.join(str(n) for n in traffic.get('loadavg_1min', []))})",
        *(["", f"Run alone: {traffic['date']} · commit `{traffic['commit']}`."] if "commit" in traffic else []),
        "",
        f"{s['requests']:,} requests after {s['warmup']:,} of warm-up from a cold start{_ahead(traffic)}, "
        f"{s['concurrency']} client "
        f"threads, granian {s['workers']} workers, Redis; Zipf s = {s['zipf']}, seed {s['seed']}. Drawn: {shares} "
        f"(votes: of the requests; the rest: of the page views). Meanwhile an editor saved a story every "
        f"{10 / s['clock']:.3g} s and a scheduled story went live every {60 / s['clock']:.3g} s ("
        + (f"the newsroom's clock sped up {s['clock']:g} times; " if s["clock"] != 1 else "")
        + f"{editor.get('saved', '?')} saves, {editor.get('went_live', '?')} stories live over the whole run). CPU = "
        "granian + the PostgreSQL backends of the bench database + redis-server (shared: anything else using it "
        "counts too), ÷ page views.",
        "",
        "| figure | measured | target | |",
        "| --- | ---: | ---: | --- |",
    ]
    first_share = t.get("first_view_share")
    cold = t["cold_recovered_after_s"]
    rows = [
        (f"fragment hit ratio after warm-up, every story view ({first_share:.1%} of them the archive's long tail "
         "asked for the first time in the run)" if first_share is not None else "fragment hit ratio after warm-up",
         t["fragment_hit_ratio"], "≥ 0.99"),
        ("… over the stories asked for before in the run (a miss: a purge or an eviction)",
         t.get("fragment_repeat_hit_ratio"), "≥ 0.99"),
        ("CPU ms per page view (app + PostgreSQL + Redis)", t["cpu_ms_per_view"], "≤ 1"),
        ("… ÷ CPU per `/healthz` request, same run", per_healthz, "—"),
        ("archived story's first view (fragments warm) ÷ a page-cache hit, CPU per view",
         t["first_view_warm_per_hit_cpu"], "≤ 2"),
        ("… the same, p50 latency", t["first_view_warm_per_hit_p50"], "≤ 2"),
        ("cold start: second from which p99 stays under 50 ms", cold, "≤ 10"),
        (f"… under the p99 of the warm traffic model ({t.get('steady_p99_ms')} ms)",
         t.get("cold_recovered_to_steady_after_s"), "—"),
    ]  # fmt: skip
    watched = f"not within {len(traffic['cold_start']['p99_per_second_ms'])} s"
    if cold is None:  # never under 50 ms through the seconds watched
        rows[-2] = (rows[-2][0], watched, "≤ 10")
    if t.get("cold_recovered_to_steady_after_s") is None:
        rows[-1] = (rows[-1][0], watched, "—")
    verdict = lambda value, target: met(None if isinstance(value, str) else value, target).replace("—", "**missed**")  # noqa: E731
    lines += [f"| {label} | {_cell(value)} | {target} | {verdict(value, target)} |" for label, value, target in rows]
    lines += [
        "",
        "| stage | requests | req/s | p50 ms | p90 ms | p99 ms | fragment hits | list hits | edge hits "
        "| CPU ms/view | app s | PostgreSQL s | Redis s | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for key, label in STAGES:
        r = traffic.get(key)
        if not r:
            continue
        cpu = r.get("cpu_seconds", {})
        lines.append(
            f"| {label} | {r['requests']} | {_cell(r.get('rps'))} | {_cell(r['p50_ms'])} | {_cell(r['p90_ms'])} "
            f"| {_cell(r['p99_ms'])} | {_cell(r['fragment'])} | {_cell(r['lists'])} | {_cell(r['edge'])} "
            f"| {_cell(r.get('cpu_ms_per_view'))} | {_cell(cpu.get('app'))} | {_cell(cpu.get('postgres'))} "
            f"| {_cell(cpu.get('redis'))} | {r['errors']} |"
        )
    cold = traffic["cold_start"]
    per_second = ", ".join("—" if p is None else f"{p:g}" for p in cold["p99_per_second_ms"])
    lines += ["", f"Cold start, p99 (ms) of each of the first {len(cold['p99_per_second_ms'])} seconds: {per_second}."]
    tail = traffic.get("long_tail_first_views")
    if tail:
        lines.append(
            "Without rendering ahead, estimated from the mix (no edits): the share of story views finding no "
            "fragment at steady state, on a site serving this many page views while a fragment lives (two days): "
            + ", ".join(f"{float(views):,.0f}: {share:.2%}" for views, share in tail.items())
            + " (bench/traffic_mix.py, `long_tail_first_views`)."
        )
    kinds = traffic["traffic"].get("by_kind", {})
    if kinds:
        where = "; ".join(
            f"{kind} {k['time_share']:.0%} ({k['requests']} requests, {k['misses']} missed, p50 {k['p50_ms']} ms)"
            for kind, k in sorted(kinds.items(), key=lambda item: -item[1]["time_share"])
        )
        lines.append(f"Where the model's time went (share of the summed latencies, by kind): {where}.")
    if traffic.get("edge"):
        e = traffic["edge"]
        lines.append(
            f"Through the edge: {e['edge_counts']} (`X-Edge-Cache`); varnishd spent "
            f"{e['cpu_seconds'].get('edge', '—')} CPU s, not counted in CPU ms/view."
        )
    return lines


def merge_into(stem: Path, articles: int, traffic: dict, met: Callable[[object, str], str]) -> None:
    """Put the figures of a traffic model run alone (`python bench/traffic.py --merge bench/results`) into the run
    of `articles` in STEM.json, and its section at the end of that size's part of STEM.md (replacing an older one);
    the rest of both files is left as it was."""
    report = json.loads(stem.with_suffix(".json").read_text())
    run = next(run for run in report["runs"] if run["articles"] == articles)
    run["traffic"] = traffic
    stem.with_suffix(".json").write_text(json.dumps(report, indent=2) + "\n")
    text = stem.with_suffix(".md").read_text()
    start = text.index(f"\n## {articles:,} articles")
    end = text.find("\n## ", start + 1)
    end = len(text.rstrip("\n")) if end == -1 else end
    part = text[start:end]
    if "\n### Traffic model" in part:
        part = part[: part.index("\n### Traffic model")].rstrip("\n")
    section = "\n".join(markdown_lines(traffic, met))
    rest = text[end:].strip("\n")
    merged = text[:start] + part.rstrip("\n") + "\n" + section + "\n" + (f"\n{rest}\n" if rest else "")
    stem.with_suffix(".md").write_text(merged)
