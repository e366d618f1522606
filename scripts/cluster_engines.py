"""The engines of scripts/cluster_test.py not already in tests/infra/engines.py: Varnish with the cluster's
VCL, moto's S3 server, the task worker, and what kills or stops an app node; plus an HTTP client.
"""

import contextlib
import http.client
import os
import shutil
import signal
import subprocess
from pathlib import Path

from cluster_parts import cluster_vcl

from tests.infra.engines import PYTHON, AppServer, port_open, wait_for

ROOT = Path(__file__).resolve().parent.parent


class Client:
    """One keep-alive connection to 127.0.0.1:`port`, re-opened after a failure."""

    def __init__(self, port: int, timeout: float = 15):
        self.port, self.timeout, self.conn = port, timeout, None

    def get(self, path: str) -> tuple[int, str, dict]:
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            try:
                self.conn.request("GET", path, headers={"Host": "127.0.0.1"})
                response = self.conn.getresponse()
                body = response.read().decode(errors="replace")
                return response.status, body, {k.lower(): v for k, v in response.getheaders()}
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # An idle keep-alive connection closed by the server: one silent retry, as browsers do.
                self.close()
                if attempt == 2:
                    raise
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
        self.process = subprocess.Popen(command, stdout=self.log.open("w"), stderr=subprocess.STDOUT)

        def up():
            if self.process.poll() is not None:
                raise SystemExit(f"varnishd exited: {self.log.read_text()[-2000:]}")
            return port_open(port)

        wait_for(up, timeout=30, what="varnishd")

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
