"""Settings that cannot contradict each other (`newsroom/checks.py`), and the README's environment table, which
names exactly the variables the settings read."""

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.test import override_settings

from newsroom.checks import TAG

ROOT = Path(__file__).resolve().parents[1]


def error_ids() -> list[str]:
    return [message.id for message in run_checks(tags=[TAG])]


def test_the_default_settings_agree():
    assert error_ids() == []


@pytest.mark.parametrize(
    ("ttl", "expected"),
    [(48 * 3600, ["newsroom.E001"]), (49 * 3600 - 1, ["newsroom.E001"]), (49 * 3600, []), (72 * 3600, [])],
)
def test_buffered_views_must_outlive_the_look_back_of_a_flush(ttl, expected):
    with override_settings(NEWSROOM_VIEW_BUFFER_LOOKBACK_HOURS=48, NEWSROOM_VIEW_BUFFER_TTL_SECONDS=ttl):
        assert error_ids() == expected


def test_the_error_says_what_to_set():
    with override_settings(NEWSROOM_VIEW_BUFFER_LOOKBACK_HOURS=48, NEWSROOM_VIEW_BUFFER_TTL_SECONDS=3600):
        (error,) = [message for message in run_checks(tags=[TAG]) if message.id == "newsroom.E001"]
    assert "NEWSROOM_VIEW_BUFFER_TTL_SECONDS (3600)" in error.msg and "176400 seconds" in error.hint


def test_flushes_must_come_within_the_look_back():
    with override_settings(NEWSROOM_VIEW_BUFFER_LOOKBACK_HOURS=1, NEWSROOM_VIEW_FLUSH_INTERVAL_SECONDS=3600):
        assert error_ids() == ["newsroom.E002"]


def test_one_client_cannot_lock_an_editor_out():
    with override_settings(NEWSROOM_LOGIN_FAILURES_PER_ACCOUNT_AND_CLIENT=50, NEWSROOM_LOGIN_FAILURES_PER_ACCOUNT=50):
        assert error_ids() == ["newsroom.E003"]


def test_manage_py_check_refuses_contradicting_environment_variables():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(DEBUG="1", NEWSROOM_VIEW_BUFFER_TTL_SECONDS="3600")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "newsroom.E001" in result.stderr


# The README's table of environment variables, against what newsroom/settings/ (and newsroom/env.py) read.
ENV_HELPERS = {"env_bool", "env_int", "env_float", "env_list"}
READ_BY_OTHERS = {"GRANIAN_HOST", "GRANIAN_PORT", "GRANIAN_WORKERS"}  # granian itself (deploy/granian.env)


def variables_read_by_the_settings() -> set[str]:
    """Names passed to an env helper or `os.environ.get` anywhere under newsroom/ (the settings, newsroom/env.py)."""
    names = set()
    for path in (ROOT / "newsroom").rglob("*.py"):
        if path.name == "test_settings.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)):
                continue
            func = node.func
            helper = isinstance(func, ast.Name) and func.id in ENV_HELPERS
            environ_get = (
                isinstance(func, ast.Attribute) and func.attr == "get" and ast.unparse(func.value) == "os.environ"
            )
            if helper or environ_get:
                names.add(node.args[0].value)
    return names


def variables_in_the_readme_table() -> set[str]:
    text = (ROOT / "README.md").read_text()
    table = text.split("## Configuration (environment variables)", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    return {name for row in rows for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[1])}


def test_every_variable_the_settings_read_is_in_the_readme_table():
    missing = variables_read_by_the_settings() - variables_in_the_readme_table()
    assert not missing, f"add a row for each to the README's 'Configuration (environment variables)': {missing}"


def test_every_variable_in_the_readme_table_is_read_by_the_settings():
    unread = variables_in_the_readme_table() - variables_read_by_the_settings() - READ_BY_OTHERS
    assert not unread, f"the README's environment table names variables nothing reads: {unread}"
