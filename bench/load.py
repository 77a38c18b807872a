"""The load loop of `make bench`, run in a second process: Python threads with `http.client`, interleaved
rounds, bounded by time and by count.

Each page is a request spec: `{"path": ..., "method": "GET", "headers": {...}, "ok": [200]}`; a response
with another status counts as an error. Answers are counted by status, so the report can say how many
conditional requests got a 304 and how many votes were accepted.
"""

import http.client
import statistics
import threading
import time
from collections import Counter

HEADERS = {"Host": "127.0.0.1", "User-Agent": "newsroom-bench"}


def load(port: int, pages: dict[str, dict], *, seconds: float, max_requests: int, concurrency: int, rounds: int, **_):
    """Interleaved rounds so drift on a shared machine hits every page alike; bounded by time and count."""
    results = {
        page: {"latencies": [], "errors": 0, "elapsed": 0.0, "round_rps": [], "statuses": Counter()} for page in pages
    }
    for _ in range(rounds):
        for page, spec in pages.items():
            latencies, errors, elapsed, statuses = _hammer(
                port, spec, seconds=seconds / rounds, max_requests=max_requests // rounds, concurrency=concurrency
            )
            results[page]["latencies"] += latencies
            results[page]["errors"] += errors
            results[page]["elapsed"] += elapsed
            results[page]["statuses"].update(statuses)
            results[page]["round_rps"].append(round(len(latencies) / elapsed, 1))
    summary = {}
    for page, r in results.items():
        lat = sorted(r["latencies"])
        statuses = {str(code): count for code, count in sorted(r["statuses"].items())}
        if not lat:
            summary[page] = {"requests": 0, "errors": r["errors"], "statuses": statuses}
            continue
        summary[page] = {
            "requests": len(lat),
            "errors": r["errors"],
            "statuses": statuses,
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


def _hammer(port: int, spec: dict, *, seconds: float, max_requests: int, concurrency: int):
    if spec.get("method", "GET") == "GET":
        for _ in range(5):  # warm up this worker's caches and connections; not measured
            send(http.client.HTTPConnection("127.0.0.1", port, timeout=30), spec)
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: Counter = Counter()
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
                status, connection = send(connection, spec)
            except (OSError, http.client.HTTPException):
                status, connection = 0, http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            took = time.perf_counter() - t0
            with lock:
                statuses[status] += 1
                if status in spec.get("ok", [200]):
                    latencies.append(took)
                else:
                    errors[0] += 1
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors[0], time.perf_counter() - started, statuses


def send(connection: http.client.HTTPConnection, spec: dict) -> tuple[int, http.client.HTTPConnection]:
    """One request; the status, and a connection to go on with (a server may close after each)."""
    connection.request(
        spec.get("method", "GET"), spec["path"], body=spec.get("body"), headers=HEADERS | spec.get("headers", {})
    )
    response = connection.getresponse()
    response.read()
    if response.will_close:
        connection.close()
        connection = http.client.HTTPConnection("127.0.0.1", connection.port, timeout=30)
    return response.status, connection
