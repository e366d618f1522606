"""Real engines on loopback for the many-machines tests, and for a cluster script to reuse.

PostgreSQL primary + streaming replica (initdb, pg_basebackup -R), Redis primary + replica + Sentinels,
an app server (gunicorn) and an editor process that publishes through the real services. Everything
lives in a temporary folder and is stopped by `stop()`; nothing here is a fake.
"""

import glob
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


PG_BIN = _pg_bin()
REDIS_SERVER = shutil.which("redis-server")


def wait_for(condition, *, timeout: float, what: str, every: float = 0.05):
    """Poll `condition()` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {timeout} s")
        time.sleep(every)


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _as_postgres(command: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root: as root, run it as the postgres user (scripts/setup.sh does too).
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _owned_tempdir(prefix: str) -> Path:
    path = Path(tempfile.mkdtemp(prefix=prefix))
    if os.geteuid() == 0:
        shutil.chown(path, "postgres", "postgres")
    return path


class PostgresCluster:
    """One PostgreSQL server in its own data folder, on 127.0.0.1:`port`."""

    def __init__(self, port: int, data: Path):
        self.port, self.data = port, data

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/newsroom"

    @classmethod
    def primary(cls, port: int) -> "PostgresCluster":
        data = _owned_tempdir("newsroom-pg-primary-") / "data"
        subprocess.run(
            _as_postgres(
                [str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        cluster = cls(port, data)
        cluster.start()
        return cluster

    def replica(self, port: int) -> "PostgresCluster":
        """A streaming replica of this (running) server: pg_basebackup -R to a new folder, started."""
        data = _owned_tempdir("newsroom-pg-replica-") / "data"
        subprocess.run(
            _as_postgres(
                [str(PG_BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"]
                + ["-D", str(data), "-R", "-X", "stream", "-c", "fast"]
            ),
            check=True,
        )
        cluster = PostgresCluster(port, data)
        cluster.start()
        return cluster

    def start(self) -> None:
        # wal_level=replica is the default; fsync off because these clusters are thrown away.
        options = f"-p {self.port} -k {self.data.parent} -c listen_addresses=127.0.0.1"
        options += " -c fsync=off -c wal_level=replica"
        subprocess.run(
            _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.data / "log"), "-w"])
            + ["-o", options, "start"],
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def stop(self, mode: str = "fast") -> None:
        subprocess.run(
            _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"]),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def sql(self, query: str, *, database: str = "newsroom"):
        """The first column of the first row of `query` (autocommit), or None."""
        import psycopg

        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=postgres dbname={database}", autocommit=True
        ) as c:
            cursor = c.execute(query)
            row = cursor.fetchone() if cursor.description else None
            return row[0] if row else None

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.data.parent, ignore_errors=True)


class RedisServer:
    def __init__(self, port: int, folder: Path, *extra: str, sentinel_of: "RedisServer | None" = None):
        self.port = port
        if sentinel_of is not None:
            # A Sentinel rewrites its own config file: it must be a file of its own.
            conf = folder / f"sentinel-{port}.conf"
            conf.write_text(
                f"port {port}\nbind 127.0.0.1\ndir {folder}\n"
                f"sentinel monitor newsroom 127.0.0.1 {sentinel_of.port} 2\n"
                "sentinel down-after-milliseconds newsroom 1000\n"
                "sentinel failover-timeout newsroom 5000\n"
                "sentinel parallel-syncs newsroom 1\n"
            )
            command = [REDIS_SERVER, str(conf), "--sentinel"]
        else:
            command = [
                REDIS_SERVER,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ]
            command += ["--dir", str(folder), *extra]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: port_open(port), timeout=10, what=f"redis on {port}")

    def command(self, *args: str) -> str:
        done = subprocess.run(
            ["redis-cli", "-p", str(self.port), *args], capture_output=True, text=True, timeout=5, check=False
        )
        return done.stdout.strip()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


class RedisSentinelSet:
    """A Redis primary, one replica and three Sentinels watching them (service name "newsroom")."""

    def __init__(self, primary_port: int, replica_port: int, sentinel_ports: tuple[int, int, int]):
        self.folder = Path(tempfile.mkdtemp(prefix="newsroom-redis-"))
        self.primary = self.replica = None
        self.sentinels = []
        try:
            self.primary = RedisServer(primary_port, self.folder)
            self.replica = RedisServer(
                replica_port, self.folder, "--replicaof", "127.0.0.1", str(primary_port)
            )
            for port in sentinel_ports:
                self.sentinels.append(RedisServer(port, self.folder, sentinel_of=self.primary))
            wait_for(
                lambda: "master_link_status:up" in self.replica.command("INFO", "replication"),
                timeout=10,
                what="redis replica in sync",
            )
            wait_for(lambda: self._sentinels_know_replica(), timeout=15, what="sentinels see the replica")
        except BaseException:
            # Interrupted or failed half-way: stop what did start (nobody else holds a reference to it).
            self.stop()
            raise

    def _sentinels_know_replica(self) -> bool:
        return all(
            f"{self.replica.port}" in s.command("SENTINEL", "replicas", "newsroom") for s in self.sentinels
        )

    @property
    def addresses(self) -> str:
        return ",".join(f"127.0.0.1:{s.port}" for s in self.sentinels)

    def master_port(self) -> int:
        answer = self.sentinels[0].command("SENTINEL", "get-master-addr-by-name", "newsroom").split()
        return int(answer[1])

    def stop(self) -> None:
        for server in (*self.sentinels, self.replica, self.primary):
            if server is not None:
                server.kill()
        shutil.rmtree(self.folder, ignore_errors=True)


def app_environment(**overrides: str) -> dict[str, str]:
    """The environment of an app process under the base settings (DEBUG off, no collectstatic needed)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings.base",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SERVE_MEDIA": "0",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
        "MEDIA_ROOT": str(Path(tempfile.gettempdir()) / "newsroom-infra-media"),
    }
    env.update(overrides)
    return env


def shared_server_url(database: str) -> str:
    """DATABASE_URL (the suite's PostgreSQL server) with another database name."""
    base = urlsplit(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/newsroom"))
    return urlunsplit(base._replace(path=f"/{database}"))


def redis_url() -> str:
    return os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/11"


def migrate(env: dict[str, str]) -> None:
    """A new database for the app processes (dropped first: a name reused by an earlier run, or another
    checkout, may carry another migration history), migrated."""
    subprocess.run(
        [PYTHON, "-m", "newsroom.ops.dbcreate", "--fresh"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)


class AppServer:
    """gunicorn on 127.0.0.1:`port`, ready once /healthz answers."""

    def __init__(self, port: int, env: dict[str, str], *, workers: int = 2, command: list[str] | None = None):
        self.port = port
        self.log = Path(tempfile.mkstemp(prefix="newsroom-gunicorn-", suffix=".log")[1])
        self.process = subprocess.Popen(
            command
            or [PYTHON, "-m", "gunicorn", "newsroom.wsgi", f"--workers={workers}", f"--bind=127.0.0.1:{port}"]
            + ["--graceful-timeout=2", "--timeout=30"],
            cwd=ROOT,
            env=env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )
        wait_for(lambda: self._healthy(), timeout=60, what=f"gunicorn on {port}")

    def _healthy(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {self.log.read_text()[-2000:]}")
        try:
            return self.get("/healthz")[0] == 200
        except OSError:
            return False

    def get(self, path: str, *, cookies: str = "", host: str = "127.0.0.1", timeout: float = 10):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            headers = {"Host": host} | ({"Cookie": cookies} if cookies else {})
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            return response.status, response.read().decode(), dict(response.getheaders())
        finally:
            conn.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.unlink(missing_ok=True)


class Editor:
    """A long-lived Django process publishing through the real services (tests/infra/editor.py), so a
    publish is a real commit with its on-commit hooks, ready the moment it is asked."""

    def __init__(self, env: dict[str, str]):
        self.process = subprocess.Popen(
            [PYTHON, "-m", "tests.infra.editor"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.ask({"do": "ping"})["ok"]

    def ask(self, request: dict) -> dict:
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the editor process died")
        return json.loads(line)

    def publish(self, headline: str) -> dict:
        return self.ask({"do": "publish", "headline": headline})

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait(timeout=10)


def compile_vcl(vcl: str, folder: Path) -> subprocess.CompletedProcess:
    """`varnishd -C` on `vcl` (written to `folder`): compiles it as Varnish would load it."""
    import pytest

    varnishd = shutil.which("varnishd") or "/usr/sbin/varnishd"
    if not Path(varnishd).exists():
        pytest.fail("varnishd is missing: apt-get install varnish varnish-modules (make test installs them)")
    (folder / "test.vcl").write_text(vcl)
    return subprocess.run(
        [varnishd, "-C", "-j", "none", "-n", str(folder / "work"), "-f", str(folder / "test.vcl")],
        capture_output=True,
        text=True,
        timeout=60,
    )
