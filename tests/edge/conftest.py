"""Fixtures for the edge cache: the page cache on, a loopback HTTP receiver standing in for the Fastly and
Cloudflare APIs, and a real Varnish (Debian's varnish + varnish-modules) in front of the live server.

Ports come from this wing's range (8081-8089), below the ephemeral range where TIME-WAIT sockets linger.
"""

import http.client
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

from articles.models import SiteSettings
from newsroom.accounts.roles import sync_roles

VARNISH_PORT = 8081
RECEIVER_PORT = 8082
# Nothing listens here: a purge host that is down.
DEAD_PORT = 8089
VCL = Path(settings.BASE_DIR) / "deploy" / "varnish" / "default.vcl"


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300


@dataclass
class Received:
    method: str
    path: str
    headers: dict  # lower-case names
    body: bytes


@dataclass
class Receiver:
    """What the loopback API was sent, and what it answers next."""

    url: str
    requests: list[Received] = field(default_factory=list)
    status: int = 200
    body: bytes = b'{"status": "ok"}'
    delay: float = 0.0

    def reset(self):
        self.requests.clear()
        self.status, self.body, self.delay = 200, b'{"status": "ok"}', 0.0


def _handler(receiver: Receiver):
    class Handler(BaseHTTPRequestHandler):
        def _answer(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {name.lower(): value for name, value in self.headers.items()}
            receiver.requests.append(Received(self.command, self.path, headers, body))
            if receiver.delay:
                time.sleep(receiver.delay)
            self.send_response(receiver.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(receiver.body)))
            self.end_headers()
            self.wfile.write(receiver.body)

        do_GET = do_POST = do_PURGE = _answer

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture(scope="session")
def _receiver_server():
    receiver = Receiver(url=f"http://127.0.0.1:{RECEIVER_PORT}")
    server = ThreadingHTTPServer(("127.0.0.1", RECEIVER_PORT), _handler(receiver))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield receiver
    server.shutdown()
    server.server_close()


@pytest.fixture
def receiver(_receiver_server):
    _receiver_server.reset()
    yield _receiver_server
    _receiver_server.reset()


# --- Varnish --------------------------------------------------------------------------------------------


@pytest.fixture
def migrated_data(transactional_db):
    # Transactional tests end with a flush that empties every table: put back what the migrations made
    # (as tests/e2e does), keeping the app registry's models modules as they were.
    models_modules = {config: config.models_module for config in apps.get_app_configs()}
    sync_roles()
    for config, module in models_modules.items():
        config.models_module = module
    SiteSettings.objects.get_or_create(pk=1, defaults={"outlet_name": "English News"})


def _edge_get(path: str, **headers) -> http.client.HTTPResponse:
    """GET through Varnish; the response is read, its body in `.text`."""
    conn = http.client.HTTPConnection("127.0.0.1", VARNISH_PORT, timeout=10)
    try:
        conn.request("GET", path, headers={"Host": f"127.0.0.1:{VARNISH_PORT}", **headers})
        response = conn.getresponse()
        response.text = response.read().decode()
        return response
    finally:
        conn.close()


@pytest.fixture
def edge_get():
    """GET through Varnish: edge_get("/world/", Cookie="sessionid=...")."""
    return _edge_get


@pytest.fixture
def varnish(live_server, tmp_path, settings, migrated_data):
    """varnishd on 127.0.0.1:8081 in front of the live server, with the repository's VCL, and the app
    purging it by key."""
    if not shutil.which("varnishd"):
        pytest.fail("varnishd is missing: apt-get install varnish varnish-modules (make test installs them)")
    backend_port = live_server.url.rsplit(":", 1)[1]
    vcl = tmp_path / "default.vcl"
    vcl.write_text(VCL.read_text().replace('.port = "8000";', f'.port = "{backend_port}";'))
    workdir = tmp_path / "varnish"
    command = [
        "varnishd", "-F", "-j", "none", "-n", str(workdir), "-T", "none",
        "-a", f"127.0.0.1:{VARNISH_PORT}", "-f", str(vcl), "-s", "malloc,32m",
    ]  # fmt: skip
    log = (tmp_path / "varnishd.log").open("w")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                pytest.fail(f"varnishd exited: {(tmp_path / 'varnishd.log').read_text()[-2000:]}")
            try:
                _edge_get("/robots.txt")
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("varnishd did not answer within 30 s")
                time.sleep(0.1)
        settings.EDGE_PURGE_BACKEND = "varnish"
        settings.VARNISH_PURGE_URLS = [f"http://127.0.0.1:{VARNISH_PORT}"]
        settings.CDN_CACHE_SECONDS = 60
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
