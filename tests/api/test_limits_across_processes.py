"""Rate limits and revocations hold across server processes: this test's own process and a gunicorn
server started on loopback, both on the same test database and the same Redis."""

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings as django_settings
from django.db import connection

from articles.api import keys
from tests.api.helpers import SERVER_PORT

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(django_settings.BASE_DIR)
ANON_RATE, KEY_RATE = 6, 8


class Server:
    """gunicorn serving this checkout on 127.0.0.1:SERVER_PORT in its own process."""

    def __init__(self, env: dict):
        self.base = f"http://127.0.0.1:{SERVER_PORT}"
        cmd = [
            sys.executable, "-m", "gunicorn", "newsroom.wsgi:application",
            "--bind", f"127.0.0.1:{SERVER_PORT}", "--workers", "1", "--log-level", "warning",
        ]  # fmt: skip
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env)

    def wait_ready(self, timeout: float = 60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"gunicorn exited with {self.proc.returncode}"
            try:
                # Outside the API, so waiting costs nothing of the limits.
                urllib.request.urlopen(f"{self.base}/robots-check/", timeout=1)
            except urllib.error.HTTPError:
                return
            except OSError:
                time.sleep(0.1)
                continue
            return
        raise AssertionError("gunicorn did not answer in time")

    def get(self, path: str, **headers) -> tuple[int, dict, dict]:
        request = urllib.request.Request(self.base + path, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, dict(response.headers), json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), json.loads(error.read())

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def server(real_redis, redis_url, settings, tmp_path):
    settings.API_ANON_RATE, settings.API_KEY_RATE = ANON_RATE, KEY_RATE
    # The server's DATABASE_URL is ours with the test database's name (socket, port and password kept).
    url = urlsplit(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/newsroom"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings.base",
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": urlunsplit(url._replace(path=f"/{connection.settings_dict['NAME']}")),
        "CONN_MAX_AGE": "0",
        "REDIS_URL": redis_url,
        "CACHE_PREFIX": real_redis,
        "PAGE_CACHE_SECONDS": "0",
        "API_ANON_RATE": str(ANON_RATE),
        "API_KEY_RATE": str(KEY_RATE),
        "MEDIA_ROOT": str(tmp_path),
        "DEBUG": "0",
    }
    server = Server(env)
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


def test_anonymous_limit_is_shared_by_both_processes(client, server, make_article):
    make_article(headline="Shared story")
    here = [client.get("/api/v1/stories/").status_code for _ in range(3)]
    there = [server.get("/api/v1/stories/")[0] for _ in range(3)]
    assert here == there == [200, 200, 200]
    status, headers, body = server.get("/api/v1/stories/")
    assert status == 429 and int(headers["Retry-After"]) > 0
    assert client.get("/api/v1/stories/").status_code == 429
    # The other process served the story itself, from the same database.
    assert (
        client.get("/api/v1/stories/", REMOTE_ADDR="192.0.2.1").json()["items"][0]["headlines"][0]["value"]
        == "Shared story"
    )


def test_keyed_limit_is_shared_and_a_revocation_reaches_the_other_process(
    client, server, make_article, issue_key, administrator
):
    make_article()
    key, raw = issue_key()
    codes = []
    for i in range(KEY_RATE):
        if i % 2:
            codes.append(client.get("/api/v1/stories/", headers={"X-Api-Key": raw}).status_code)
        else:
            codes.append(server.get("/api/v1/stories/", **{"X-Api-Key": raw})[0])
    assert codes == [200] * KEY_RATE
    assert server.get("/api/v1/stories/", Authorization=f"Bearer {raw}")[0] == 429

    other, other_raw = issue_key(name="Second partner")
    assert server.get("/api/v1/stories/", **{"X-Api-Key": other_raw})[0] == 200
    keys.revoke_key(user=administrator, key=other)
    status, _, body = server.get("/api/v1/stories/", **{"X-Api-Key": other_raw})
    assert status == 401 and "revoked" in body["detail"]
