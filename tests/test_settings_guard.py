import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Variables a real deployment would not have (the browser tests set the last one for Playwright).
NOT_INHERITED = {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def base_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}


def run_settings(**env) -> subprocess.CompletedProcess:
    clean_env = base_env()
    clean_env.update(env, DJANGO_SETTINGS_MODULE="newsroom.settings")
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=ROOT,
        env=clean_env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_secret_key():
    result = run_settings(DEBUG="0", ALLOWED_HOSTS="news.example.com")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr and "started" not in result.stdout


def test_production_refuses_the_development_key():
    result = run_settings(DEBUG="0", ALLOWED_HOSTS="x.test", SECRET_KEY="django-insecure-" + "a" * 60)
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_settings(DEBUG="0", SECRET_KEY="k3Y-9xQ_" * 8)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_starts_with_real_settings_and_check_deploy_is_clean():
    env = {"DEBUG": "0", "SECRET_KEY": "k3Y-9xQ_" * 8, "ALLOWED_HOSTS": "news.example.com"}
    assert run_settings(**env).stdout.strip() == "started"
    clean_env = {**base_env(), **env, "DJANGO_SETTINGS_MODULE": "newsroom.settings"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=clean_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_development_mode_starts_with_nothing_but_debug_set():
    minimal = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/"), "DEBUG": "1"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=ROOT,
        env={**minimal, "DJANGO_SETTINGS_MODULE": "newsroom.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "started", result.stderr


def test_replica_urls_configure_replicas_and_the_router():
    code = (
        "from django.conf import settings; "
        "print(sorted(settings.DATABASES), settings.DATABASE_ROUTERS, settings.DATABASES['replica_1']['HOST'])"
    )
    env = {
        **base_env(),
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DATABASE_URL": "postgres://app@primary.internal:5432/news",
        "DATABASE_REPLICA_URLS": "postgres://app@r0.internal:5432/news,postgres://app@r1.internal:5432/news",
    }
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == (
        "['default', 'replica_0', 'replica_1'] ['newsroom.db_router.PrimaryReplicaRouter'] r1.internal"
    ), result.stderr


def test_manage_py_in_an_unconfigured_checkout_runs_in_development_mode_only():
    env = {**base_env(), "DJANGO_SETTINGS_MODULE": "newsroom.settings"}
    bare = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert bare.returncode == 0, bare.stderr

    configured = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**env, "SECRET_KEY": "k3Y-9xQ_" * 8},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert configured.returncode != 0 and "ALLOWED_HOSTS" in configured.stderr
