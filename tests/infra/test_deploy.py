"""The deployment files: compose.yaml validated by Compose itself (offline), every variable it sets
explained in docs/configuration.md, and the Dockerfile's command serving the health probes when run on
this host (there is no Docker daemon here to build the image)."""

import json
import os
import re
import secrets
import shutil
import subprocess

import pytest

from tests.infra.engines import ROOT, AppServer

APP_PORT = 8117
COMPOSE_ENV = {
    "SECRET_KEY": "x" * 50,
    "POSTGRES_PASSWORD": "p",
    "REPLICATION_PASSWORD": "r",
    "S3_ACCESS_KEY": "a",
    "S3_SECRET_KEY": "b",
}
SERVICES = {
    "app-1", "app-2", "migrate", "media-buckets", "worker", "varnish", "db", "db-replica",
    "redis", "redis-replica", "sentinel-1", "sentinel-2", "sentinel-3", "s3",
}  # fmt: skip


def compose_command() -> list[str]:
    """`docker compose` (the plugin) where it works, else the standalone `docker-compose`."""
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True, check=False)
        if probe.returncode == 0:
            return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    pytest.skip("neither `docker compose` nor `docker-compose` is installed (apt-get install docker-compose)")


def compose(*args, file="compose.yaml", env=COMPOSE_ENV):
    return subprocess.run(
        [*compose_command(), "-f", str(file), "--project-directory", str(ROOT), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        cwd=ROOT,
        check=False,
    )


def test_the_compose_file_is_valid_and_describes_the_whole_stack():
    done = compose("config", "-q")
    assert done.returncode == 0, done.stderr
    services = compose("config", "--services")
    assert set(services.stdout.split()) == SERVICES


def test_the_validator_refuses_a_broken_file(tmp_path):
    broken = tmp_path / "compose.yaml"
    broken.write_text(
        (ROOT / "compose.yaml").read_text().replace("restart: unless-stopped", "restrat: unless-stopped")
    )
    done = compose("config", "-q", file=broken)
    assert done.returncode != 0 and "restrat" in done.stderr


def test_secrets_must_come_from_the_environment():
    done = compose(
        "config", "-q", env={k: v for k, v in COMPOSE_ENV.items() if k != "SECRET_KEY"} | {"SECRET_KEY": ""}
    )
    assert done.returncode != 0 and "SECRET_KEY" in done.stderr


def test_every_variable_the_app_gets_is_in_the_configuration_reference():
    compose_file = (ROOT / "compose.yaml").read_text()
    app_env = compose_file.split("environment: &app-env", 1)[1].split("depends_on:", 1)[0]
    names = re.findall(r"^\s{4}([A-Z][A-Z0-9_]+):", app_env, re.MULTILINE)
    assert "DATABASE_REPLICA_URLS" in names and "REDIS_SENTINELS" in names
    reference = (ROOT / "docs" / "configuration.md").read_text()
    assert [name for name in names if f"`{name}`" not in reference] == []


def test_the_image_runs_as_a_user_and_collects_static_files_at_build():
    dockerfile = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")  # one line per instruction
    users = re.findall(r"^USER (\S+)", dockerfile, re.MULTILINE)
    assert users and users[-1] not in ("root", "0")
    assert re.search(r"^RUN .*manage\.py collectstatic", dockerfile, re.MULTILINE)


def test_the_image_command_serves_the_probes_under_production_settings():
    dockerfile = (ROOT / "Dockerfile").read_text()
    command = json.loads(re.search(r"^CMD (\[.*\])$", dockerfile, re.MULTILINE).group(1))
    command[command.index("--bind") + 1] = f"127.0.0.1:{APP_PORT}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "news.example.org",
        "WEB_CONCURRENCY": "1",
    }
    server = AppServer(APP_PORT, env, command=[str(ROOT / ".venv" / "bin" / command[0]), *command[1:]])
    try:
        assert server.get("/healthz")[0] == 200
        status, body, _ = server.get("/readyz")
        assert status == 200 and json.loads(body)["database"] == "ok"
        # Any other page meets the HTTPS redirect (and the host check: Host is 127.0.0.1 above).
        assert server.get("/", host="news.example.org")[0] == 301
    finally:
        server.stop()
