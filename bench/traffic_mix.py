"""Defines: the traffic model of `make bench` (bench/traffic.py) as pure functions: what each request asks for,
and the figures of a replay (hit ratios per layer, percentiles, p99 per second).

A news site's requests, by share: of the page views, 80 % go to the newest 200 stories (evenly), 15 % to the
archive — every older published story, in a seeded shuffle, rank r drawn with weight 1/r^s (Zipf, s = 1 by
default) — and 5 % to home (2 %), sections (1.5 %, evenly), tags (1 %, Zipf over the tags by use) and search
(0.5 %, Zipf over a list of words from headlines); on top of the page views, 1 % of all requests are votes (a
POST on one of the newest stories, each from a new reader). Everything is drawn from one seeded `random.Random`:
a plan is the same list of requests on every run.
"""

import bisect
import itertools
import math
import random
from collections import Counter
from dataclasses import dataclass

VIEW_SHARES = {"newest": 0.80, "archive": 0.15, "home": 0.02, "section": 0.015, "tag": 0.01, "search": 0.005}
VOTE_SHARE = 0.01
STORIES = ("newest", "archive")  # pages kept as a story fragment with the shared blocks stitched in
LISTS = ("home", "section", "tag", "search")
VOTE_HEADERS = {
    "Content-Type": "application/x-www-form-urlencoded",
    "Accept": "application/json",
    "Sec-Fetch-Site": "same-origin",
}


class Zipf:
    """Ranks 0..n-1 drawn with weight 1/(rank+1)^s: one bisect on the cumulative weights per draw."""

    def __init__(self, n: int, s: float = 1.0):
        if n < 1:
            raise ValueError("Zipf needs at least one rank")
        self.cumulative = list(itertools.accumulate(1 / (rank + 1) ** s for rank in range(n)))

    def rank(self, rng: random.Random) -> int:
        return bisect.bisect_left(self.cumulative, rng.random() * self.cumulative[-1])


@dataclass
class Site:
    """What a plan draws from: paths, newest first for the stories; the archive in popularity order (shuffled)."""

    newest: list[str]  # the newest 200 published stories
    newest_pks: list[int]  # their primary keys (votes)
    archive: list[str]
    sections: list[str]
    tags: list[str]  # most used first
    searches: list[str]  # query words, most asked first


def plan(site: Site, count: int, *, seed: int, zipf_s: float = 1.0) -> list[dict]:
    """`count` request specs (`{"kind", "path", ...}` as bench/load.py sends them), drawn with the shares above."""
    rng = random.Random(seed)
    archive, tags, searches = (
        Zipf(len(items), zipf_s) if items else None for items in (site.archive, site.tags, site.searches)
    )
    kinds, weights = zip(*VIEW_SHARES.items(), strict=True)
    requests = []
    for _ in range(count):
        if rng.random() < VOTE_SHARE:
            pk = rng.choice(site.newest_pks)
            requests.append({"kind": "vote", "path": f"/news/{pk}/vote/", "method": "POST", "body": "action=vote",
                             "headers": VOTE_HEADERS})  # fmt: skip
            continue
        kind = rng.choices(kinds, weights)[0]
        if kind == "newest":
            path = rng.choice(site.newest)
        elif kind == "archive" and archive:
            path = site.archive[archive.rank(rng)]
        elif kind == "section" and site.sections:
            path = rng.choice(site.sections)
        elif kind == "tag" and tags:
            path = site.tags[tags.rank(rng)]
        elif kind == "search" and searches:
            path = f"/search/?q={site.searches[searches.rank(rng)]}"
        else:
            kind, path = "home", "/"
        requests.append({"kind": kind, "path": path})
    return requests


def first_views(site: Site, count: int, *, exclude: set[str]) -> list[dict]:
    """Archived stories nobody asked for in `exclude`, oldest in the popularity order first: each asked once."""
    fresh = (path for path in reversed(site.archive) if path not in exclude)
    return [{"kind": "archive", "path": path} for path in itertools.islice(fresh, count)]


def mark_repeats(requests: list[dict], asked_before: set[str]) -> None:
    """Mark each story request asked for earlier in the run (`repeat`): its fragment was rendered once already, so a
    miss is a purge or an eviction, not the archive's long tail seen for the first time. Updates `asked_before`."""
    for request in requests:
        if request["kind"] in STORIES:
            request["repeat"] = request["path"] in asked_before
            asked_before.add(request["path"])


def shares(requests: list[dict]) -> dict[str, float]:
    """Each kind's share of the requests (votes) and of the page views (the rest)."""
    kinds = Counter(request["kind"] for request in requests)
    views = sum(n for kind, n in kinds.items() if kind != "vote")
    return {kind: n / (len(requests) if kind == "vote" else views) for kind, n in kinds.items()}


def percentile(values: list[float], p: float) -> float | None:
    """The nearest-rank percentile (bench/load.py's) of unsorted values; None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def hit_ratio(hits: int, misses: int) -> float | None:
    return round(hits / (hits + misses), 4) if hits + misses else None


def layers(records: list[dict]) -> dict:
    """Hit ratios per layer, from each answer's headers (`page_cache`: X-Page-Cache, `edge`: X-Edge-Cache).

    The edge: HIT against MISS (a PASS, such as a vote, is neither). The page cache, over the answers that reached
    the app and carry its header: `hit` and `stale` (served while one request renders the new copy) against `miss`;
    for the stories this is the fragment hit ratio (their own part found, the blocks stitched in), and again over the
    stories asked for earlier in the run (`fragment_repeat`, see `mark_repeats`). An edge hit repeats the headers of
    the answer it keeps, so it does not count for the page cache."""
    edge = Counter(r.get("edge_cache") for r in records)
    figures = {"edge": hit_ratio(edge["HIT"], edge["MISS"]), "edge_counts": {k: v for k, v in edge.items() if k}}
    reached_app = [r for r in records if r.get("edge_cache") != "HIT"]
    repeats = [r for r in reached_app if r.get("repeat")]
    for name, kinds, among in (("fragment", STORIES, reached_app), ("fragment_repeat", STORIES, repeats),
                               ("lists", LISTS, reached_app)):  # fmt: skip
        seen = Counter(r.get("page_cache") for r in among if r["kind"] in kinds)
        figures[name] = hit_ratio(seen["hit"] + seen["stale"], seen["miss"])
        figures[f"{name}_counts"] = {k: v for k, v in seen.items() if k}
    return figures


def by_kind(records: list[dict]) -> dict[str, dict]:
    """Per kind of request: how many, their p50, how many the page cache missed, their share of the summed
    latencies (where the replay's time went)."""
    total = sum(r["ms"] for r in records) or 1.0
    kinds: dict[str, list[dict]] = {}
    for r in records:
        kinds.setdefault(r["kind"], []).append(r)
    return {
        kind: {
            "requests": len(rs),
            "p50_ms": round(percentile([r["ms"] for r in rs], 50), 2),
            "misses": sum(r.get("page_cache") == "miss" and r.get("edge_cache") != "HIT" for r in rs),
            "time_share": round(sum(r["ms"] for r in rs) / total, 3),
        }
        for kind, rs in sorted(kinds.items())
    }


def p99_per_second(records: list[dict], seconds: int) -> list[float | None]:
    """p99 latency (ms) of the page views started in each of the first `seconds` seconds (`at`: from the start)."""
    buckets: dict[int, list[float]] = {}
    for r in records:
        if r["kind"] != "vote" and r["at"] < seconds:
            buckets.setdefault(int(r["at"]), []).append(r["ms"])
    return [
        None if (p := percentile(buckets.get(second, []), 99)) is None else round(p, 1) for second in range(seconds)
    ]


def recovered_after(per_second: list[float | None], limit_ms: float) -> int | None:
    """The first second from which every second's p99 stays under `limit_ms`; None if the last one does not. Seconds
    after the stage's last request (it ended sooner) are not judged; a second without a request before that is a
    stall, never under the limit."""
    judged = list(per_second)
    while judged and judged[-1] is None:
        judged.pop()
    for second in range(len(judged)):
        if all(p is not None and p < limit_ms for p in judged[second:]):
            return second
    return None


def targets(result: dict) -> dict:
    """The figures issue 23 sets targets for, from one run's stages (bench/traffic.py)."""
    traffic, warm, hit = result["traffic"], result["first_views_fragments_warm"], result["hits"]
    ratio = lambda a, b: round(a / b, 2) if a and b else None  # noqa: E731
    return {
        "fragment_hit_ratio": traffic["fragment"],
        "fragment_repeat_hit_ratio": traffic["fragment_repeat"],
        "first_view_share": traffic["first_view_share"],
        "cpu_ms_per_view": traffic["cpu_ms_per_view"],
        "first_view_warm_per_hit_cpu": ratio(warm["cpu_ms_per_view"], hit["cpu_ms_per_view"]),
        "first_view_warm_per_hit_p50": ratio(warm["p50_ms"], hit["p50_ms"]),
        "cold_recovered_after_s": result["cold_start"]["recovered_after_s"],
        "cold_recovered_to_steady_after_s": recovered_after(
            result["cold_start"]["p99_per_second_ms"], traffic["p99_ms"]
        ),
        "steady_p99_ms": traffic["p99_ms"],
    }


def long_tail_first_views(archive: int, *, zipf_s: float, views_per_lifetime: float) -> float:
    """The share of story views that find no fragment at steady state, on a site serving `views_per_lifetime` page
    views while a fragment lives (`NEWSROOM_FRAGMENT_SECONDS`), with no edits: archive story i, of Zipf weight w_i,
    is asked for at rate l_i = 15 % * w_i per page view, and a view finds no fragment when the story was not asked
    for in the lifetime before it (probability exp(-l_i * views)). An estimate from the mix, not a measurement."""
    weights = [1 / (rank + 1) ** zipf_s for rank in range(archive)]
    total = sum(weights)
    share = VIEW_SHARES["archive"]
    missed = sum(w / total * math.exp(-share * w / total * views_per_lifetime) for w in weights)
    return missed * share / (VIEW_SHARES["newest"] + share)
