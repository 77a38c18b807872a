"""Issue 20, item 14: the scheduled commands run on the README's intervals, in the compose stack's scheduler
(deploy/scheduler.py) and in the systemd timers alike, and one failing command never stops the others.

The scheduler is driven in-process with a fake clock over a simulated day; then for real: its loop with its
heartbeat (what the container's health check reads), and its runner on every shipped command against a migrated
database of its own. systemd-analyze verifies the units as shipped, but for their paths (skipped locally when
missing, a failure in CI).
"""

import datetime as dt
import os
import re
import shutil
import subprocess
import threading
import time

import pytest

from tests.deploy_helpers import ROOT, deployment_env, load_deploy_module

pytestmark = pytest.mark.deploy

scheduler = load_deploy_module("scheduler")
healthcheck = load_deploy_module("healthcheck")
SYSTEMD = ROOT / "deploy" / "systemd"
README_INTERVALS = {"every minute": (60, None), "hourly": (3600, None), "nightly": (86400, "any")}


def unit(name: str) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for line in (SYSTEMD / name).read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values.setdefault(key, []).append(value)
    return values


def timer_schedule(on_calendar: str) -> tuple[int, int]:
    """(every, offset) in seconds for the OnCalendar forms the units use."""
    if on_calendar in {"minutely", "hourly"}:
        return {"minutely": 60, "hourly": 3600}[on_calendar], 0
    if every_minutes := re.fullmatch(r"\*-\*-\* \*:(\d\d)/(\d+):(\d\d) UTC", on_calendar):
        minute, every, second = map(int, every_minutes.groups())
        return every * 60, minute * 60 + second
    hours, minutes, seconds = re.fullmatch(r"\*-\*-\* (\d\d):(\d\d):(\d\d) UTC", on_calendar).groups()
    return 86400, int(hours) * 3600 + int(minutes) * 60 + int(seconds)


# The schedule agrees everywhere


def test_scheduler_runs_the_readme_commands_on_the_readme_intervals():
    readme = (ROOT / "README.md").read_text()
    promised = re.findall(r"`manage\.py (\w+)` (every minute|hourly|nightly)", readme)
    assert {"flush_view_counts", "rollup_popularity", "reconcile_counts"} <= {command for command, _ in promised}
    jobs = {job.name: job for job in scheduler.JOBS}
    for command, interval in promised:
        every, offset = README_INTERVALS[interval]
        assert jobs[command].every == every, command
        assert offset == "any" or jobs[command].offset == 0, command


def test_each_scheduled_command_has_a_systemd_timer_on_the_same_schedule():
    timers = sorted(SYSTEMD.glob("newsroom-*.timer"))
    assert len(timers) == len(scheduler.JOBS)
    by_command = {}
    for timer in timers:
        service = unit(timer.name.replace(".timer", ".service"))
        command = service["ExecStart"][0].removeprefix("/srv/newsroom/deploy/entrypoint.sh manage ")
        by_command[tuple(command.split())] = timer_schedule(unit(timer.name)["OnCalendar"][0])
        assert service["Type"] == ["oneshot"] and service["Restart"] == ["on-failure"], timer.name
    assert by_command == {job.command: (job.every, job.offset) for job in scheduler.JOBS}


def test_web_and_worker_units_restart_always_and_every_unit_is_hardened():
    for name in ("newsroom-web.service", "newsroom-worker.service"):
        assert unit(name)["Restart"] == ["always"], name
    hardening = unit("newsroom-.service.d/hardening.conf")  # a prefix drop-in: every newsroom-*.service
    for setting in (
        "NoNewPrivileges=yes",
        "PrivateTmp=yes",
        "ProtectSystem=strict",
        "ProtectHome=yes",
        "CapabilityBoundingSet=",
        "User=newsroom",
        "EnvironmentFile=/etc/newsroom/newsroom.env",
    ):
        key, _, value = setting.partition("=")
        assert hardening[key] == [value], setting
    assert hardening["ReadWritePaths"] == ["/srv/newsroom/media"]


def test_systemd_units_verify(tmp_path):
    """`systemd-analyze verify` on the shipped units, /srv/newsroom pointed at this checkout: no error, no warning."""
    binary = shutil.which("systemd-analyze")
    if binary is None:
        message = "systemd-analyze not found (Debian's systemd: scripts/install-system-deps.sh)"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    (tmp_path / "srv").mkdir()
    (tmp_path / "srv" / "newsroom").symlink_to(ROOT)
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "newsroom.env").write_text((SYSTEMD / "newsroom.env.example").read_text())
    units = tmp_path / "units"
    for path in SYSTEMD.rglob("newsroom*"):
        if path.is_file() and not path.name.endswith(".example"):
            target = units / path.relative_to(SYSTEMD)
            target.parent.mkdir(parents=True, exist_ok=True)
            text = path.read_text().replace("/srv/newsroom", str(tmp_path / "srv" / "newsroom"))
            target.write_text(text.replace("/etc/newsroom/newsroom.env", str(tmp_path / "etc" / "newsroom.env")))
    names = sorted(path.name for path in units.glob("newsroom*") if path.is_file())
    assert len(names) == 2 + 2 * len(scheduler.JOBS) + 1  # web, worker, a service and a timer per job, the target
    result = subprocess.run(
        [binary, "verify", *names],
        cwd=units,
        env={**os.environ, "SYSTEMD_UNIT_PATH": f"{units}:"},  # ours first, then the system's
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0 and result.stderr == "" and result.stdout == "", result.stderr + result.stdout


# The scheduler's loop


class FakeClock:
    def __init__(self, start: dt.datetime):
        self.now = start.timestamp()

    def __call__(self) -> float:
        return self.now


def test_a_simulated_day_runs_each_job_on_time_and_a_failing_one_stops_nothing():
    clock = FakeClock(dt.datetime(2026, 3, 1, 0, 0, 30, tzinfo=dt.UTC))
    runs = []

    def run(job):
        runs.append((job.name, dt.datetime.fromtimestamp(clock(), tz=dt.UTC)))
        clock.now += 2  # each command takes two seconds
        if job.name == "rollup_popularity":
            raise RuntimeError("the runner itself broke")
        return 1 if job.name == "flush_view_counts" else 0  # and the every-minute one always fails

    loop = scheduler.Scheduler(run=run, clock=clock)
    while clock() < dt.datetime(2026, 3, 2, 0, 0, 30, tzinfo=dt.UTC).timestamp():
        loop.tick()
        clock.now += loop.seconds_to_next()

    counts = {name: sum(1 for ran, _ in runs if ran == name) for name, _ in runs}
    assert counts == {
        "flush_view_counts": 1440,
        "rollup_popularity": 24,
        "refresh_search_words": 24,
        "render_ahead": 288,
        "reconcile_counts": 1,
        "prune_versions": 1,
        "prune_db_task_results": 1,
    }
    # On time, after the jobs due the same second have run (two seconds each here: flush, rollup, refresh at 04:00).
    nightly = {name: at.strftime("%H:%M:%S") for name, at in runs if name.startswith(("reconcile", "prune"))}
    assert nightly == {
        "reconcile_counts": "03:30:02",
        "prune_versions": "04:00:06",
        "prune_db_task_results": "04:30:02",
    }
    hours = {at.strftime("%M:%S") for name, at in runs if name == "rollup_popularity"}
    assert hours == {"00:02"}


def test_the_loop_keeps_its_heartbeat_fresh_and_stops_on_a_signal(tmp_path, monkeypatch):
    monkeypatch.setattr(scheduler, "HEARTBEAT_FILE", tmp_path / "heartbeat")
    monkeypatch.setattr(healthcheck, "HEARTBEAT_FILE", tmp_path / "heartbeat")
    assert not healthcheck.scheduler_healthy()  # no heartbeat yet: unhealthy
    ran = []
    every_second = scheduler.Job(("flush_view_counts",), every=1, timeout=5)
    loop = scheduler.Scheduler((every_second,), run=lambda job: ran.append(job) or 1)
    thread = threading.Thread(target=loop.run_forever)
    thread.start()
    time.sleep(2.5)
    assert healthcheck.scheduler_healthy()
    loop.stop.set()
    thread.join(timeout=5)
    assert not thread.is_alive() and len(ran) >= 2  # every run failed; the loop went on until told to stop


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("scheduled")
    env = deployment_env(tmp_path)
    subprocess.run(["deploy/entrypoint.sh", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
    return env


def test_once_runs_every_command_and_says_when_one_failed(migrated, tmp_path):
    result = subprocess.run(
        ["deploy/entrypoint.sh", "scheduler", "--once"],
        cwd=ROOT,
        env=migrated,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.count(" done in ") == len(scheduler.JOBS)  # every shipped command, for real
    assert "Flushed 0 view(s) for 0 article(s)." in result.stdout
    assert "No drift: all counters agree." in result.stdout
    broken = {**migrated, "DATABASE_URL": f"sqlite:///{tmp_path / 'missing' / 'db.sqlite3'}"}
    result = subprocess.run(
        ["deploy/entrypoint.sh", "scheduler", "--once"],
        cwd=ROOT,
        env=broken,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1
    assert result.stderr.count(" failed (exit 1)") == len(scheduler.JOBS)  # each tried, none skipped
