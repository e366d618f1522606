"""The engines of scripts/cluster_test.py not already in tests/infra/engines.py: Varnish with the cluster's
VCL, moto's S3 server, the task worker, and what kills or stops an app node; plus an HTTP client, the
database's preparation and the check of every node after the run.
"""

import collections
import contextlib
import http.client
import os
import secrets
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

from cluster_parts import article_links, cluster_vcl

from tests.infra.engines import (
    PYTHON,
    AppServer,
    PostgresCluster,
    app_environment,
    migrate,
    port_open,
    wait_for,
)

ROOT = Path(__file__).resolve().parent.parent


class Client:
    """One keep-alive connection to 127.0.0.1:`port`, re-opened after a failure. With a `jar`
    (cluster_readers.CookieJar) it behaves as a browser does with cookies: it keeps what Set-Cookie says
    and sends, on each request, the cookies whose Path matches it (`sent_cookies`: their names, last time).
    `Client.retried` counts, over every client, the GETs sent again after a reset: reported, not hidden."""

    retried = collections.Counter()  # port -> GETs retried on a new connection
    _retried_lock = threading.Lock()

    def __init__(self, port: int, timeout: float = 15, jar=None):
        self.port, self.timeout, self.conn, self.jar = port, timeout, None, jar
        self.sent_cookies: list[str] = []

    def get(self, path: str) -> tuple[int, str, dict]:
        return self.request("GET", path)

    def post(self, path: str, form: str = "") -> tuple[int, str, dict]:
        # A new connection and no retry: a write is not repeated behind the reader's back.
        self.close()
        return self.request("POST", path, form)

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str, dict]:
        headers = {"Host": "127.0.0.1"}
        cookie = self.jar.header(path) if self.jar is not None else ""
        if cookie:
            headers["Cookie"] = cookie
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.sent_cookies = [pair.split("=", 1)[0] for pair in cookie.split("; ")] if cookie else []
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                text = response.read().decode(errors="replace")
                if self.jar is not None:
                    self.jar.receive(path, response.msg.get_all("Set-Cookie") or [])
                return response.status, text, {k.lower(): v for k, v in response.getheaders()}
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # An idle keep-alive connection closed by the server: one retry, as browsers do, counted
                # (a node killed mid-request shows here too, so the soak prints how many).
                self.close()
                if attempt == 2 or method != "GET":
                    raise
                with Client._retried_lock:
                    Client.retried[self.port] += 1
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class Varnish:
    def __init__(self, folder: Path, port: int, backend_ports, admin_port: int):
        if not shutil.which("varnishd") and not Path("/usr/sbin/varnishd").exists():
            raise SystemExit("varnishd is missing: apt-get install varnish varnish-modules")
        vcl = folder / "cluster.vcl"
        vcl.write_text(cluster_vcl((ROOT / "deploy/varnish/default.vcl").read_text(), list(backend_ports)))
        self.log, self.workdir = folder / "varnishd.log", folder / "varnish"
        command = [
            shutil.which("varnishd") or "/usr/sbin/varnishd", "-F", "-j", "none",
            "-n", str(folder / "varnish"), "-T", f"127.0.0.1:{admin_port}", "-a", f"127.0.0.1:{port}",
            "-f", str(vcl), "-s", "malloc,128m",
        ]  # fmt: skip
        self.command, self.port = command, port
        self.start()

    def start(self) -> None:
        self.process = subprocess.Popen(self.command, stdout=self.log.open("a"), stderr=subprocess.STDOUT)

        def up():
            if self.process.poll() is not None:
                raise SystemExit(f"varnishd exited: {self.log.read_text()[-2000:]}")
            return port_open(self.port)

        wait_for(up, timeout=30, what="varnishd")

    def restart(self) -> float:
        """Stopped and started again, as a deploy of the edge does: its cache starts empty. The seconds
        it refused connections."""
        began = time.monotonic()
        self.stop()
        self.start()

        def serving() -> bool:
            # Its port can be open before its child process answers: back once a request is answered.
            with contextlib.suppress(OSError, http.client.HTTPException):
                return Client(self.port, timeout=2).get("/robots.txt")[0] == 200
            return False

        wait_for(serving, timeout=30, what="varnishd answering again")
        return time.monotonic() - began

    def set_health(self, backend: str, state: str) -> str:
        """backend.set_health through varnishadm (it finds the CLI and its secret in the work folder);
        what went wrong, or ""."""
        done = subprocess.run(
            ["varnishadm", "-n", str(self.workdir), "backend.set_health", f"*.{backend}", state],
            capture_output=True,
            text=True,
            timeout=10,
        )
        return (
            "" if done.returncode == 0 else (done.stdout + done.stderr).strip() or f"exit {done.returncode}"
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Moto:
    """moto's S3 server; the photos' storages point at it when the settings know MEDIA_STORAGE=s3."""

    BUCKETS = ("newsroom-originals", "newsroom-renditions")

    def __init__(self, folder: Path, port: int):
        self.log = folder / "moto.log"
        self.process = subprocess.Popen(
            [PYTHON, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )
        wait_for(lambda: port_open(port), timeout=30, what="moto server")
        self.endpoint = f"http://127.0.0.1:{port}"

    def environment(self) -> dict[str, str]:
        return {
            "AWS_ACCESS_KEY_ID": "cluster",
            "AWS_SECRET_ACCESS_KEY": "cluster-secret",
            "AWS_S3_ENDPOINT_URL": self.endpoint,
            "AWS_S3_REGION_NAME": "us-east-1",
            "AWS_S3_ADDRESSING_STYLE": "path",
            "AWS_STORAGE_BUCKET_NAME": self.BUCKETS[0],
            "AWS_RENDITIONS_BUCKET_NAME": self.BUCKETS[1],
        }

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


class Worker:
    """The task worker: it sends the edge purges queued after each publish (django-tasks-db)."""

    def __init__(self, folder: Path, env: dict[str, str]):
        self.log = folder / "worker.log"
        # Polled every 0.1 s when idle: a purge waits at most that long before it is sent.
        command = [
            PYTHON,
            "manage.py",
            "run_worker",
            "--interval",
            "0.1",
            "--no-startup-delay",
            "--no-reload",
        ]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self.log.open("w"), stderr=subprocess.STDOUT
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def settings_support_s3() -> bool:
    return any("MEDIA_STORAGE" in path.read_text() for path in (ROOT / "newsroom/settings").glob("*.py"))


def kill_node(node: AppServer) -> None:
    """SIGKILL the gunicorn master and its workers at once: a machine that dies, not a shutdown."""
    pid = node.process.pid
    children = Path(f"/proc/{pid}/task/{pid}/children")
    workers = [int(p) for p in children.read_text().split()] if children.exists() else []
    for target in (pid, *workers):
        with contextlib.suppress(ProcessLookupError):
            os.kill(target, signal.SIGKILL)
    node.process.wait(timeout=10)


def stop_node(node: AppServer, folder: Path, suffix: str = "") -> None:
    with contextlib.suppress(OSError):
        shutil.copy(node.log, folder / f"node-{node.port}{suffix}.log")
    node.stop()


def run_django(env, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def keep_logs(folder: Path) -> None:
    """The engines' logs of the last run, in .state/cluster/ (the temporary folder goes)."""
    kept = ROOT / ".state" / "cluster"
    shutil.rmtree(kept, ignore_errors=True)
    kept.mkdir(parents=True)
    for log in folder.glob("*.log"):
        shutil.copy(log, kept / log.name)


def check_nodes(published: dict, ports: list[int]) -> tuple[int, list[str], list[str]]:
    """Each `published` story asked of each node directly: (stories visible on every node, problems,
    per-node home summary)."""
    visible, problems, homes = 0, [], []
    clients = [Client(port) for port in ports]
    for story in published.values():
        ok = True
        for port, client in zip(ports, clients, strict=True):
            status, body, _ = client.get(story["url"])
            if status != 200 or story["headline_html"] not in body:
                ok = False
                problems.append(f"node :{port}: {story['url']} answered {status} without its headline")
        visible += ok
    links = []
    for port, client in zip(ports, clients, strict=True):
        status, body, _ = client.get("/")
        links.append(article_links(body))
        homes.append(f":{port} {status}, {len(links[-1])} story links")
    if links[0] != links[1]:
        problems.append(f"the home pages differ between nodes: {sorted(links[0] ^ links[1])[:5]}")
    newest = [s["url"] for s in published.values() if s.get("base")][-1:]
    for port, found in zip(ports, links, strict=True):
        if newest and newest[0] not in found:
            problems.append(f"node :{port}: the newest story {newest[0]} is not on the home page")
    for client in clients:
        client.close()
    return visible, problems, homes


def prepare(args, folder: Path, redis, moto: "Moto", stops: list, ports: dict, database: str, say) -> dict:
    """The primary, migrated and seeded, then its replica; their stops are added to `stops` at once.
    (the apps' environment, the replica)"""
    PG_PRIMARY, PG_REPLICA, VARNISH = ports["pg_primary"], ports["pg_replica"], ports["varnish"]  # noqa: N806
    primary = PostgresCluster.primary(PG_PRIMARY)
    stops.append(primary.destroy)
    url = f"postgres://postgres@127.0.0.1:{PG_PRIMARY}/{database}"
    env = app_environment(
        DATABASE_URL=url,
        REDIS_URL="",
        REDIS_SENTINELS=redis.addresses,
        REDIS_SENTINEL_MASTER="newsroom",
        CACHE_PREFIX=f"cluster-{secrets.token_hex(4)}",
        PAGE_CACHE_SECONDS="300",
        EDGE_PURGE_BACKEND="varnish",
        VARNISH_PURGE_URLS=f"http://127.0.0.1:{VARNISH}",
        SITE_URL="http://127.0.0.1",
        MEDIA_ROOT=str(folder / "media"),
    )
    if settings_support_s3():
        env |= {"MEDIA_STORAGE": "s3", **moto.environment()}
    started = time.monotonic()
    migrate(env)
    if settings_support_s3():
        run_django(env, "setup_media_buckets", "--create")
    run_django(env, "load_demo")
    if args.stories:
        # Replaces the demo's stories (its accounts stay) with a newsroom's spread over sections and tags.
        run_django(env, "seed_archive", "--articles", str(args.stories), "--tags", "100", "--authors", "40")
    say(f"database migrated and seeded ({time.monotonic() - started:.0f} s)")
    replica = primary.replica(PG_REPLICA)
    stops.append(replica.destroy)
    env["DATABASE_REPLICA_URLS"] = f"postgres://postgres@127.0.0.1:{PG_REPLICA}/{database}"
    return env, replica
