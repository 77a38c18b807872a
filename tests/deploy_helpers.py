"""Shared by the deploy tests: the scripts under deploy/ loaded by path, and a production-like environment."""

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
# Variables of the test run that a deployment would not have (the suite's settings module, its database and cache).
NOT_INHERITED = {
    "DJANGO_SETTINGS_MODULE",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "DATABASE_REPLICA_URLS",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "STATIC_ROOT",
    "MEDIA_ROOT",
}


def load_deploy_module(name: str) -> ModuleType:
    """deploy/<name>.py as a module (deploy/ is scripts, not a package)."""
    module_name = f"newsroom_deploy_{name}"
    if module_name not in sys.modules:
        spec = importlib.util.spec_from_file_location(module_name, ROOT / "deploy" / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
    return sys.modules[module_name]


def deployment_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A production environment (DEBUG off) on a SQLite file of its own under tmp_path, as a host would set it."""
    env = {key: value for key, value in os.environ.items() if key not in NOT_INHERITED}
    env.update(
        PATH=f"{Path(sys.executable).parent}:{env.get('PATH', '/usr/bin:/bin')}",  # `python` is this venv's
        DEBUG="0",
        SECRET_KEY="deploy-test-" + "k3Yq9x" * 9,
        ALLOWED_HOSTS="news.example.com,127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
        NEWSROOM_ROLE_FILE=str(tmp_path / "role"),
        NEWSROOM_SCHEDULER_HEARTBEAT=str(tmp_path / "heartbeat"),
    )
    env.update(extra)
    return env
