"""The traffic model of `make bench` (bench/traffic_mix.py, bench/cpu.py): its mix, its Zipf draws, its figures.
Pure functions on a seeded sample; nothing is timed."""

import random
from collections import Counter

import pytest

from bench.cpu import consumed
from bench.traffic_mix import (
    VIEW_SHARES,
    Site,
    Zipf,
    by_kind,
    first_views,
    layers,
    long_tail_first_views,
    mark_repeats,
    p99_per_second,
    plan,
    recovered_after,
    shares,
)

SITE = Site(
    newest=[f"/news/new-{n}/" for n in range(200)],
    newest_pks=list(range(1, 201)),
    archive=[f"/news/old-{n}/" for n in range(5000)],
    sections=["/section/world/", "/section/sport/"],
    tags=[f"/tag/t{n}/" for n in range(100)],
    searches=["housing", "election", "season"],
)


@pytest.fixture(scope="module")
def sample():
    return plan(SITE, 40_000, seed=23)


def test_the_mix_has_the_issue_shares(sample):
    measured = shares(sample)
    assert measured["vote"] == pytest.approx(0.01, abs=0.002)
    for kind, share in VIEW_SHARES.items():
        assert measured[kind] == pytest.approx(share, rel=0.1, abs=0.002), kind


def test_a_plan_is_the_same_for_the_same_seed(sample):
    assert plan(SITE, 40_000, seed=23) == sample
    assert plan(SITE, 1000, seed=24) != sample[:1000]


def test_each_kind_asks_for_its_own_pages(sample):
    newest, archive = set(SITE.newest), set(SITE.archive)
    for request in sample:
        kind, path = request["kind"], request["path"]
        assert (
            (kind == "newest" and path in newest)
            or (kind == "archive" and path in archive)
            or (kind == "home" and path == "/")
            or (kind == "section" and path in SITE.sections)
            or (kind == "tag" and path in SITE.tags)
            or (kind == "search" and path.startswith("/search/?q="))
            or (kind == "vote" and request["method"] == "POST" and path.endswith("/vote/"))
        ), request


def test_the_archive_is_zipf_spread(sample):
    asked = Counter(r["path"] for r in sample if r["kind"] == "archive")
    first, tenth = asked[SITE.archive[0]], asked[SITE.archive[9]]
    assert 5 < first / tenth < 20  # weight 1/r: the first ten times the tenth
    assert len(asked) > 1000  # and a long tail


def test_zipf_draws_follow_the_weights():
    rng, zipf = random.Random(1), Zipf(4, s=1.0)
    drawn = Counter(zipf.rank(rng) for _ in range(50_000))
    total = 1 + 1 / 2 + 1 / 3 + 1 / 4
    for rank in range(4):
        assert drawn[rank] / 50_000 == pytest.approx(1 / (rank + 1) / total, abs=0.01)


def test_first_views_are_stories_nobody_asked_for(sample):
    asked = {r["path"] for r in sample}
    views = first_views(SITE, 300, exclude=asked)
    paths = [v["path"] for v in views]
    assert len(paths) == len(set(paths)) == 300
    assert not asked & set(paths)


def test_repeats_are_stories_asked_for_earlier_in_the_run():
    requests = [{"kind": "newest", "path": "/news/a/"}, {"kind": "home", "path": "/"},
                {"kind": "archive", "path": "/news/b/"}, {"kind": "newest", "path": "/news/a/"}]  # fmt: skip
    asked = {"/news/b/"}
    mark_repeats(requests, asked)
    assert [r.get("repeat") for r in requests] == [False, None, True, True]
    assert asked == {"/news/a/", "/news/b/"}


def test_hit_ratios_per_layer():
    records = [
        {"kind": "newest", "page_cache": "hit", "edge_cache": "MISS", "repeat": True},
        {"kind": "archive", "page_cache": "miss", "edge_cache": "MISS", "repeat": False},
        {"kind": "newest", "page_cache": "stale", "edge_cache": "MISS"},
        {"kind": "newest", "page_cache": "miss", "edge_cache": "HIT"},  # the edge's kept headers: not the app's
        {"kind": "home", "page_cache": "hit", "edge_cache": "HIT"},
        {"kind": "home", "page_cache": "miss", "edge_cache": "MISS"},
        {"kind": "vote", "page_cache": None, "edge_cache": "PASS"},
    ]
    figures = layers(records)
    assert figures["edge"] == round(2 / 6, 4)
    assert figures["fragment"] == round(2 / 3, 4)
    assert figures["fragment_repeat"] == 1.0
    assert figures["lists"] == 0.0


def test_where_the_time_went_by_kind():
    records = [
        {"kind": "newest", "ms": 1.0, "page_cache": "hit"},
        {"kind": "newest", "ms": 3.0, "page_cache": "hit"},
        {"kind": "archive", "ms": 16.0, "page_cache": "miss"},
    ]
    kinds = by_kind(records)
    assert kinds["archive"] == {"requests": 1, "p50_ms": 16.0, "misses": 1, "time_share": 0.8}
    assert kinds["newest"]["requests"] == 2 and kinds["newest"]["misses"] == 0


def test_p99_per_second_and_recovery():
    records = [{"kind": "newest", "at": second + 0.5, "ms": ms} for second, ms in enumerate([300, 120, 40, 30, 20])]
    records.append({"kind": "vote", "at": 3.1, "ms": 900})  # votes are not page views
    per_second = p99_per_second(records, 6)
    assert per_second == [300, 120, 40, 30, 20, None]
    assert recovered_after(per_second[:5], 50) == 2
    assert recovered_after(per_second, 50) == 2  # the stage ended within the sixth second: not a stall
    assert recovered_after([10, 60], 50) is None
    assert recovered_after([80, None, 20, 20], 50) == 2  # a second without a request, before the end: a stall
    assert recovered_after([None, None], 50) is None


def test_cpu_consumed_counts_processes_that_started_within():
    first = {10: 5.0, 11: 1.0}
    last = {10: 5.5, 11: 1.25, 12: 0.25}  # 12: a backend opened during the stretch
    assert consumed(first, last) == pytest.approx(1.0)


def test_the_long_tail_estimate_shrinks_as_traffic_grows():
    shares = [long_tail_first_views(5000, zipf_s=1.0, views_per_lifetime=views) for views in (1e3, 1e5, 1e7)]
    assert 0.15 / 0.95 > shares[0] > shares[1] > shares[2] >= 0


def test_the_report_says_how_the_archive_was_rendered_ahead():
    from bench.traffic_report import _ahead

    ahead = {
        "seconds": 597.9,
        "parts": [
            "Rendered ahead: 47111 page(s) of 48000 stories; 889 already kept; 0 failed.",
            "Rendered ahead: 45750 page(s) of 46666 stories; 916 already kept; 0 failed.",
        ],
    }
    assert _ahead({"render_ahead": ahead}) == (
        " and the archive rendered ahead (`manage.py render_ahead`, 2 parts in 597.9 s: 47111 page(s) of 48000 "
        "stories; 889 already kept; 0 failed; 45750 page(s) of 46666 stories; 916 already kept; 0 failed)"
    )
    assert _ahead({}) == ""  # a run from before it
