"""Search at the bench's size, in-process: SQL queries and the median time of each kind of search, rendered afresh.

Runs inside the bench environment (production settings, the bench database) with Django's test client, as
bench/first_view.py does: each sample drops the page's cached copy first, so the view, its queries (the newest
matches' ids, the page with its snippets, and the suggestion when a search finds little) and the template are
measured, not the cache; and the database's own CPU per search (`database_cpu_ms`: its backends on this host,
read from /proc as bench/true_miss.py does, in clock ticks summed over the samples).
The searches are those issue 22 named: an accented word, a tag's name, typos that need "did you mean", and a
word most stories hold, by relevance (every match ranked) and newest first.
"""

import os
import re
import statistics
import time
from urllib.parse import urlencode

SAMPLES = int(os.environ.get("BENCH_SEARCH_SAMPLES") or 9)
TOTAL = re.compile(r'<p class="total">total (\d+)</p>')
SUGGESTION = re.compile(r'<p class="suggestion">Did you mean <a href="[^"]*">([^<]*)</a>')
SEARCHES = [
    ("accented word", {"q": "Bogotá"}),
    ("a tag's name", {"q": "tennis"}),
    ("typo: did you mean", {"q": "Tokoy"}),
    ("two words, one misspelt", {"q": "silnt films"}),
    ("common word, by relevance", {"q": "season"}),
    ("common word, newest first, one section", {"q": "season", "sort": "date", "section": "{section}"}),
]


def measure() -> dict:
    """{label: {path, results, queries, median_ms, max_ms}} for each search."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from articles.page_cache import drop_copy
    from articles.search import SEARCH_PARAMETERS
    from articles.sections import main_sections
    from bench.true_miss import _cpu_seconds, _database_backends
    from newsroom.cache import page_key

    client = Client(HTTP_HOST="127.0.0.1")
    section = main_sections()[0].slug
    client.get("/search/?q=warm")  # site blocks, section tree, connections
    backends = _database_backends()
    figures = {}
    for label, params in SEARCHES:
        query = {name: value.format(section=section) for name, value in params.items()}
        path = f"/search/?{urlencode(query)}"
        times, queries, response = [], 0, None
        database_before = _cpu_seconds(backends)
        for _ in range(SAMPLES):
            drop_copy(page_key(host="127.0.0.1", path="/search/", query=query, parameters=SEARCH_PARAMETERS))
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get("/search/", query)
                times.append((time.perf_counter() - started) * 1000)
            queries = len(captured.captured_queries)
        database_cpu_ms = (_cpu_seconds(backends) - database_before) * 1000 / SAMPLES
        html = response.content.decode()
        total, suggestion = TOTAL.search(html), SUGGESTION.search(html)
        figures[label] = {
            "path": path,
            "status": response.status_code,
            "results": int(total.group(1)) if total else None,
            "suggestion": suggestion.group(1) if suggestion else None,
            "queries": queries,
            "median_ms": round(statistics.median(times), 1),
            "max_ms": round(max(times), 1),
            "database_cpu_ms": round(database_cpu_ms, 1) if backends else None,
        }
    return figures


def markdown_lines(searches: dict) -> list[str]:
    """The table bench/results.md shows for one size."""
    if not searches:
        return []
    lines = [
        "",
        f"Searches rendered afresh, in-process (bench/searches.py; median and slowest of {SAMPLES} samples each):",
        "",
        "| search | path | results | did you mean | SQL queries | median ms | max ms | database CPU ms |",
        "| --- | --- | ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for label, s in searches.items():
        database = s.get("database_cpu_ms")  # absent from older runs, None where the database is elsewhere
        lines.append(
            f"| {label} | `{s['path']}` | {s['results']} | {s['suggestion'] or ''} | {s['queries']} "
            f"| {s['median_ms']} | {s['max_ms']} | {'' if database is None else database} |"
        )
    return lines
