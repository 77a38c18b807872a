"""The scheduled commands, for a container or a host without systemd timers (`deploy/entrypoint.sh scheduler`).

Each job is a `manage.py` command run in a process of its own at fixed wall-clock times (UTC): every minute,
every hour on the hour, every night at a set time, as cron would. Jobs run one after another; a run that fails
or outlives its timeout is logged and the loop goes on, so one broken command never stops the others. A run
that ends after its next time has passed is not repeated to catch up (the commands sweep whatever is waiting).
deploy/systemd/ has the same schedule as timers; tests/test_deploy_files.py keeps the two and the README agreeing.

    python deploy/scheduler.py          # run forever (SIGTERM or SIGINT: stop after the running command)
    python deploy/scheduler.py --once   # run every job now, in order; exit 1 if any failed
    python deploy/scheduler.py --list   # print the schedule
"""

import argparse
import logging
import math
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MINUTE, HOUR, DAY = 60, 3600, 86400
# Touched at least this often while the loop is alive (deploy/healthcheck.py reads it).
HEARTBEAT_SECONDS = 30
HEARTBEAT_FILE = Path(os.environ.get("NEWSROOM_SCHEDULER_HEARTBEAT", "/tmp/newsroom-scheduler.heartbeat"))  # noqa: S108 — the process's own (private) /tmp

logger = logging.getLogger("newsroom.scheduler")


@dataclass(frozen=True)
class Job:
    """`manage.py <command>` every `every` seconds, `offset` seconds into each period (UTC)."""

    command: tuple[str, ...]
    every: int
    timeout: int
    offset: int = 0

    @property
    def name(self) -> str:
        return self.command[0]

    def next_after(self, now: float) -> float:
        """The first time strictly after `now` at which this job is due."""
        return (math.floor((now - self.offset) / self.every) + 1) * self.every + self.offset


JOBS = (
    # Buffered views into popularity buckets and view_count (README: every minute).
    Job(("flush_view_counts",), every=MINUTE, timeout=10 * MINUTE),
    # Hourly buckets into daily ones, expired ones into totals (README: hourly).
    Job(("rollup_popularity",), every=HOUR, timeout=HOUR),
    # The words search's "did you mean" offers, from published stories (README: hourly).
    Job(("refresh_search_words",), every=HOUR, timeout=10 * MINUTE),
    # Tag and story pages nobody asked for yet, rendered ahead of readers within a budget (docs/page-cache.md): every
    # five minutes, between the minute's flushes.
    Job(("render_ahead", "--seconds", "20"), every=5 * MINUTE, offset=2 * MINUTE + 30, timeout=5 * MINUTE),
    # Counters recomputed from their rows (README: nightly).
    Job(("reconcile_counts",), every=DAY, offset=3 * HOUR + 30 * MINUTE, timeout=4 * HOUR),
    # Old article versions (docs/editors-desk.md: nightly), finished task rows older than 14 days.
    Job(("prune_versions", "--keep", "50"), every=DAY, offset=4 * HOUR, timeout=2 * HOUR),
    Job(("prune_db_task_results",), every=DAY, offset=4 * HOUR + 30 * MINUTE, timeout=HOUR),
)


def beat() -> None:
    try:
        HEARTBEAT_FILE.touch()
    except OSError as error:  # a read-only /tmp must not stop the schedule
        logger.warning("Cannot touch %s: %s", HEARTBEAT_FILE, error)


def run_command(job: Job) -> int:
    """Run one job's command to its end (or its timeout); its exit status, -1 when it could not finish."""
    started = time.monotonic()
    try:
        child = subprocess.Popen([sys.executable, "manage.py", *job.command], cwd=ROOT)  # noqa: S603 — our own argv
    except OSError as error:
        logger.error("%s could not start: %s", job.name, error)
        return -1
    deadline = started + job.timeout
    while True:
        try:
            code = child.wait(timeout=max(0.0, min(HEARTBEAT_SECONDS, deadline - time.monotonic())))
            break
        except subprocess.TimeoutExpired:
            beat()
            if time.monotonic() >= deadline:
                child.kill()
                child.wait()
                logger.error("%s killed after its %s s timeout", job.name, job.timeout)
                return -1
    elapsed = time.monotonic() - started
    if code:
        logger.error("%s failed (exit %s) after %.1f s", job.name, code, elapsed)
    else:
        logger.info("%s done in %.1f s", job.name, elapsed)
    return code


class Scheduler:
    """Runs each job when it is due; `clock`, `run` and `wait` are replaceable so a test can drive it."""

    def __init__(
        self,
        jobs: tuple[Job, ...] = JOBS,
        *,
        run: Callable[[Job], int] = run_command,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.jobs = jobs
        self.run = run
        self.clock = clock
        self.stop = threading.Event()
        now = clock()
        self.due = {job: job.next_after(now) for job in jobs}

    def tick(self) -> list[tuple[Job, int]]:
        """Run every job that is due now, in the schedule's order; each job's next time is set after its run."""
        results = []
        for job in self.jobs:
            if self.due[job] <= self.clock() and not self.stop.is_set():
                try:
                    code = self.run(job)
                except Exception:  # a runner's own failure is one failed run, not the end of the schedule
                    logger.exception("%s could not run", job.name)
                    code = -1
                results.append((job, code))
                self.due[job] = job.next_after(self.clock())
        return results

    def seconds_to_next(self) -> float:
        return max(0.0, min(self.due.values()) - self.clock())

    def run_forever(self) -> None:
        """Until `stop` is set (a signal): the running command is let finish, no other starts."""
        logger.info("Scheduler started: %s", "; ".join(f"{job.name} {describe(job)}" for job in self.jobs))
        while not self.stop.is_set():
            beat()
            self.tick()
            self.stop.wait(min(HEARTBEAT_SECONDS, self.seconds_to_next()))
        logger.info("Scheduler stopped")


def describe(job: Job) -> str:
    if job.every == DAY:
        return f"daily at {job.offset // HOUR:02d}:{job.offset % HOUR // MINUTE:02d} UTC"
    return f"every {job.every} s" + (f", {job.offset} s in" if job.offset else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--once", action="store_true", help="run every job now, in order, then exit")
    parser.add_argument("--list", action="store_true", help="print the schedule and exit")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s scheduler %(levelname)s %(message)s")
    if args.list:
        for job in JOBS:
            print(f"manage.py {' '.join(job.command):40} {describe(job)}")
        return 0
    if args.once:
        failed = [job.name for job in JOBS if run_command(job) != 0]
        return 1 if failed else 0
    scheduler = Scheduler()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: scheduler.stop.set())
    scheduler.run_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
