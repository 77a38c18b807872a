"""Issue 20, item 14: the shipped stack (Dockerfile, compose.yaml, deploy/systemd/) says what it must, and the
tools that read these files accept them: the compose-spec schema and Debian's docker-compose (`config`), and
systemd-analyze (`verify`, on the units as shipped but for their paths). Those two programs skip locally when
missing and fail in CI (scripts/install-system-deps.sh installs them).

tests/fixtures/compose-spec.json is the Compose Specification's schema (github.com/compose-spec/compose-spec,
schema/compose-spec.json at 170098ba07d9f53c383a41bfd4c5166b0a4529a6, Apache License 2.0).
"""

import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import jsonschema
import pytest
import yaml

from tests.deploy_helpers import ROOT, load_deploy_module

COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())
SERVICES = COMPOSE["services"]
SYSTEMD = ROOT / "deploy" / "systemd"
ENTRYPOINT = (ROOT / "deploy" / "entrypoint.sh").read_text()
scheduler = load_deploy_module("scheduler")

FILLED_SECRETS = {
    "SECRET_KEY": "compose-config-test-" + "k3Yq9" * 10,
    "POSTGRES_PASSWORD": "db-password",
    "POSTGRES_REPLICATION_PASSWORD": "replication-password",
}


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        message = f"{name} not found (scripts/install-system-deps.sh installs it)"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    return path


def entrypoint_roles() -> set[str]:
    cases = re.findall(r"^  ([a-z][a-z|\- ]*)\)$", ENTRYPOINT, flags=re.MULTILINE)
    return {role.strip() for case in cases for role in case.split("|")}


# compose.yaml


def test_compose_file_follows_the_compose_specification():
    schema = json.loads((ROOT / "tests" / "fixtures" / "compose-spec.json").read_text())
    errors = [
        f"{list(error.path)}: {error.message}" for error in jsonschema.Draft7Validator(schema).iter_errors(COMPOSE)
    ]
    assert errors == []


def test_compose_starts_every_layer_of_the_stack():
    assert set(SERVICES) == {"proxy", "edge", "web1", "web2", "worker", "scheduler", "db", "db-replica", "redis"}
    assert {SERVICES[name]["command"][0] for name in ("web1", "web2", "worker", "scheduler")} <= entrypoint_roles()
    assert [name for name, service in SERVICES.items() if "ports" in service] == ["proxy"]  # nothing else exposed
    assert "./deploy/varnish.vcl:/etc/varnish/newsroom.vcl:ro" in SERVICES["edge"]["volumes"]
    assert "./deploy/redis.conf:/usr/local/etc/redis/redis.conf:ro" in SERVICES["redis"]["volumes"]
    env = SERVICES["web2"]["environment"]
    assert "@db:5432/" in env["DATABASE_URL"] and "@db-replica:5432/" in env["DATABASE_REPLICA_URLS"]
    assert env["REDIS_URL"].startswith("redis://redis:6379/")
    # One web server migrates and seeds; the other and the background services start once it is healthy.
    assert SERVICES["web1"]["environment"]["NEWSROOM_MIGRATE"] == "1" and env["NEWSROOM_MIGRATE"] == "0"
    for name in ("web2", "worker", "scheduler"):
        assert SERVICES[name]["depends_on"]["web1"]["condition"] == "service_healthy", name


def test_every_service_has_a_health_check_and_comes_back_after_a_failure():
    for name, service in SERVICES.items():
        test = service.get("healthcheck", {}).get("test")
        assert test and test != ["NONE"], f"{name} has no health check"
        assert service.get("restart") in {"always", "unless-stopped", "on-failure"}, name


def test_health_checks_call_roles_the_checker_knows():
    healthcheck = load_deploy_module("healthcheck")
    for name in ("web1", "web2", "worker", "scheduler"):
        test = SERVICES[name]["healthcheck"]["test"]
        assert test[:3] == ["CMD", "python", "deploy/healthcheck.py"] and test[3] in healthcheck.CHECKS, name


def test_the_example_environment_names_every_variable_compose_reads():
    used = set(re.findall(r"\$\{([A-Z_]+)", (ROOT / "compose.yaml").read_text()))
    example = (ROOT / "deploy" / "compose.env.example").read_text()
    named = set(re.findall(r"^([A-Z_]+)=", example, flags=re.MULTILINE))
    assert used == named
    assert ".env" in (ROOT / ".gitignore").read_text().splitlines()  # the filled-in copy is never committed


def compose_config(tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    binary = tool("docker-compose")
    (tmp_path / "compose.env").write_text("".join(f"{key}={value}\n" for key, value in env.items()))
    clean = {key: value for key, value in os.environ.items() if key not in {*FILLED_SECRETS, "SECRET_KEY"}}
    return subprocess.run(
        [
            binary,
            "--project-directory",
            str(ROOT),
            "--env-file",
            str(tmp_path / "compose.env"),
            "-f",
            str(ROOT / "compose.yaml"),
            "config",
        ],
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_docker_compose_accepts_the_file_with_the_example_environment_filled_in(tmp_path):
    example = (ROOT / "deploy" / "compose.env.example").read_text()
    env = dict(re.findall(r"^([A-Z_]+)=(.*)$", example, flags=re.MULTILINE)) | FILLED_SECRETS
    result = compose_config(tmp_path, env)
    assert result.returncode == 0, result.stderr
    resolved = yaml.safe_load(result.stdout)["services"]
    assert resolved["web1"]["environment"]["DATABASE_URL"] == "postgres://newsroom:db-password@db:5432/newsroom"
    assert resolved["web1"]["environment"]["SECRET_KEY"] == FILLED_SECRETS["SECRET_KEY"]


def test_docker_compose_refuses_to_start_without_a_secret_key(tmp_path):
    result = compose_config(tmp_path, {**FILLED_SECRETS, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY is not set. Copy deploy/compose.env.example to .env" in result.stderr


# The image


def test_image_runs_as_a_non_root_user_with_static_files_collected_at_build():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert dockerfile.startswith("#") and "\nFROM python:3.13-slim\n" in dockerfile
    assert re.search(r"^USER newsroom$", dockerfile, flags=re.MULTILINE)
    assert "RUN pip install -r requirements.txt" in dockerfile
    assert "RUN deploy/entrypoint.sh build-static" in dockerfile and "build-static" in entrypoint_roles()
    assert 'HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 CMD ["python", ' in dockerfile
    assert 'ENTRYPOINT ["deploy/entrypoint.sh"]' in dockerfile
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert {".git", ".env", ".venv", "db.sqlite3*", "media"} <= set(ignored)


def test_shell_scripts_pass_shellcheck():
    scripts = ["deploy/entrypoint.sh", "deploy/postgres/init-primary.sh", "deploy/postgres/replica.sh"]
    result = subprocess.run([tool("shellcheck"), *scripts], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout


# The front proxy of the compose stack


def nginx_directives(path: Path) -> list[tuple[str, str]]:
    names = (
        "client_header_timeout|client_body_timeout|send_timeout|keepalive_timeout|client_max_body_size|limit_conn"
        "|proxy_request_buffering|proxy_buffering|proxy_connect_timeout|proxy_read_timeout"
    )
    return sorted(re.findall(rf"^\s*({names})\s+([^;]+);", path.read_text(), flags=re.MULTILINE))


def test_compose_proxy_keeps_the_slow_client_limits_and_caches_nothing():
    stack = ROOT / "deploy" / "compose" / "nginx.conf"
    assert nginx_directives(stack) == nginx_directives(ROOT / "deploy" / "nginx.conf")
    assert ("proxy_request_buffering", "on") in nginx_directives(stack)
    assert "proxy_cache " not in stack.read_text()  # a copy here is one no purge would reach


def test_the_stacks_edge_is_the_shipped_vcl_with_its_own_servers_names_and_purgers():
    """compose.yaml's Varnish renders deploy/varnish.vcl with its app servers, host names and purgers, and the
    result compiles (`varnishd -C`); the app is told to tag pages and purge that edge."""
    edge = SERVICES["edge"]["environment"]
    env = {
        **os.environ,
        "EDGE_BACKENDS": "127.0.0.2:8000 127.0.0.3:8000",  # compose's web1/web2 resolve only inside the stack
        "EDGE_HOSTS": "localhost 127.0.0.1",
        "EDGE_PURGERS": "172.30.81.0/24",
    }
    rendered = subprocess.run(
        ["sh", str(ROOT / "deploy/varnish/render-vcl.sh"), str(ROOT / "deploy/varnish.vcl")],
        env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    # Where varnishd's unprivileged compiler can read it (pytest's tmp_path is the owner's alone).
    with tempfile.NamedTemporaryFile("w", suffix=".vcl", dir="/tmp", delete=False) as vcl:
        vcl.write(rendered)
    os.chmod(vcl.name, 0o644)

    assert edge["EDGE_BACKENDS"] == "web1:8000 web2:8000"
    assert "app.add_backend(app_2);" in rendered
    assert '"Host: localhost"' in rendered
    assert r'"^(localhost|127\.0\.0\.1)(:[0-9]+)?$"' in rendered
    assert '"172.30.81.0"/24;' in rendered
    for web in ("web1", "web2"):
        app = SERVICES[web]["environment"]
        assert (app["NEWSROOM_EDGE"], app["NEWSROOM_EDGE_VARNISH_URLS"]) == ("varnish", "http://edge:6081/")
    try:
        compiled = subprocess.run([tool("varnishd"), "-C", "-f", vcl.name], capture_output=True, text=True)
    finally:
        os.unlink(vcl.name)
    assert compiled.returncode == 0, compiled.stderr[-2000:]
