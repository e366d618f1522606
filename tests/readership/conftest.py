"""Fixtures for story reads: a real Redis (the beacon's scripts run there in production), beacons sent as
a browser sends them, and the flush run as the worker runs it."""

import os
import shutil
import socket
import subprocess
import time
import uuid

import pytest

from articles.readership import beacon as beacons
from articles.readership import flush

# This wing's loopback port, for a redis-server of its own when REDIS_URL is not set.
REDIS_PORT = 8189
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
READER_IP = "203.0.113.77"


def _answers(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="session")
def reads_redis_url(tmp_path_factory):
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (scripts/test.sh apt-installs it)")
    folder = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen(
        [binary, "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", "", "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while not _answers(REDIS_PORT):
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{REDIS_PORT}/0"
    finally:
        server.terminate()
        server.wait(10)


@pytest.fixture
def redis(settings, reads_redis_url):
    """The cache on the real Redis under this test's own prefix; the raw client, to look inside."""
    import redis as redis_py

    prefix = f"reads-test-{uuid.uuid4().hex}"
    before = settings.CACHES
    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.redis_cache.RedisCache",
            "LOCATION": reads_redis_url,
            "KEY_PREFIX": prefix,
        }
    }
    server = redis_py.Redis.from_url(reads_redis_url)
    server.prefix = prefix
    yield server
    server.delete(*server.keys(f"{prefix}:*") or [f"{prefix}:none"])
    settings.CACHES = before


@pytest.fixture(autouse=True)
def _fresh_salt(monkeypatch):
    # The salt a process keeps for the day belongs to the cache it came from: each test has its own.
    monkeypatch.setattr(beacons, "_salts", {})


@pytest.fixture
def send(client):
    """POST a beacon for `story` as a browser on one of our pages would; extra headers override."""

    def post(story, *, referrer="", query="", **headers):
        headers = {
            "HTTP_USER_AGENT": BROWSER,
            "HTTP_SEC_FETCH_SITE": "same-origin",
            "REMOTE_ADDR": READER_IP,
            **headers,
        }
        headers = {name: value for name, value in headers.items() if value is not None}
        body = f"s={getattr(story, 'pk', story)}&r={referrer}&q={query}"
        return client.post(
            "/r/", data=body, content_type="application/x-www-form-urlencoded;charset=UTF-8", **headers
        )

    return post


@pytest.fixture
def flushed(commit):
    """Run the flush as its task does, its on-commit work included: the reads moved."""

    def run(**kwargs):
        return commit(flush.flush, **kwargs)

    return run
