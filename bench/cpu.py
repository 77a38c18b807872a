"""Reads: CPU time spent by groups of processes over a stretch of the benchmark, from /proc/<pid>/stat.

A group is a function returning its process ids now (the app server and its workers, the PostgreSQL backends
connected to the bench's database, redis-server, varnishd). A sampler thread reads each process's user + system
time (and that of its children it waited for) every `interval` seconds; a group's CPU over the stretch is, for
each process, its last reading less its first — or less nothing, for a process that started within it (a
PostgreSQL backend the pool opened). A process that ends loses what it spent since its last reading.
"""

import os
import threading
from collections.abc import Callable
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float | None:
    """utime + stime + cutime + cstime of `pid`, in seconds; None when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return sum(int(value) for value in fields[11:15]) / TICKS


def descendants(pid: int) -> list[int]:
    """`pid` and every process below it."""
    children: dict[int, list[int]] = {}
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                parent = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(proc.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def consumed(first: dict[int, float], last: dict[int, float]) -> float:
    """CPU seconds spent between two readings of a group (pid → seconds): a pid not in `first` started between."""
    return sum(value - first.get(pid, 0.0) for pid, value in last.items())


class CpuMeter:
    """`with CpuMeter(groups) as meter:` … then `meter.seconds` (group → CPU seconds spent inside the block)."""

    def __init__(self, groups: dict[str, Callable[[], list[int]]], interval: float = 0.25):
        self.groups, self.interval = groups, interval
        self.first: dict[str, dict[int, float]] = {}
        self.last: dict[str, dict[int, float]] = {}
        self.seconds: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _read(self) -> None:
        for name, pids in self.groups.items():
            for pid in pids():
                value = cpu_seconds(pid)
                if value is not None:
                    self.last.setdefault(name, {})[pid] = value

    def __enter__(self):
        self._read()
        self.first = {name: dict(readings) for name, readings in self.last.items()}
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._read()

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self._read()
        self.seconds = {
            name: round(consumed(self.first.get(name, {}), self.last.get(name, {})), 3) for name in self.groups
        }
        return False
