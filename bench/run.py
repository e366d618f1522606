"""Load the production server with wrk on loopback and report (scripts/bench.sh runs it: `make bench`).

The server is started three times with the same settings and workers:

- "uncached": the page cache and the stored fragments off (PAGE_CACHE_SECONDS=0,
  FRAGMENT_CACHE_SECONDS=0): every request renders everything, as for a story nobody has asked for
  since it changed. The issue's "uncached" targets are read against this run.
- "fragments": the page cache off, each story's fragments stored (articles/fragments.py): what a reader
  meets after a publish has superseded the page cache, since other stories' markup survives it.
- "cached": both on, each page requested once before it is measured.
- "cold": the cold archive walk (bench/walk.py), both caches on but emptied and the server restarted:
  1,000 random published stories fetched once each, as a crawler meets the archive after a deploy.

Turning a cache off beats a cache-busting query string: the requests are the readers' own, the cache's
key scheme does not matter, and Redis is not filled with pages nobody will read.

The framework floor is a view returning "ok" through the same middleware and server, measured first in
the uncached run: every figure is also given as a ratio to it. In the cached run the floor itself comes
from the page cache, and its row shows what a cache hit costs.
"""

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

from bench.figures import FLOOR, WALK, Result, Target
from bench.report import ordered, table, verdicts
from bench.targets import archive, clear_cache, discover, staff_cookie

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
LUA = Path(__file__).with_name("wrk.lua")
SERVER_LOG = ROOT / ".state" / "bench-gunicorn.log"


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def record_pid(kind: str, pid: int | None) -> None:
    """Leave the pid where scripts/bench.sh's EXIT trap finds it, should this process be killed."""
    run_dir = os.environ.get("BENCH_RUN_DIR")
    if not run_dir:
        return
    path = Path(run_dir) / kind
    if pid is None:
        path.unlink(missing_ok=True)
    else:
        path.write_text(str(pid))


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


class Server:
    """gunicorn with the benchmark settings, in a process group of its own (stopped as one)."""

    def __init__(self, *, workers: int, worker_class: str, env: dict):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.workers, self.worker_class, self.env = workers, worker_class, env
        self.proc = self.ready = None

    def __enter__(self):
        cmd = [
            sys.executable, "-m", "gunicorn", "newsroom.wsgi:application",
            "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
            "--worker-class", self.worker_class, "--backlog", "1024",
            "--error-logfile", str(SERVER_LOG), "--log-level", "warning", "--capture-output",
            "--config", str(Path(__file__).with_name("gunicorn_conf.py")),
        ]  # fmt: skip
        if Path("/dev/shm").is_dir():
            cmd += ["--worker-tmp-dir", "/dev/shm"]  # heartbeat files off the disk
        SERVER_LOG.parent.mkdir(exist_ok=True)
        self.ready = Path(tempfile.mkdtemp(prefix="bench-ready-"))
        env = {**self.env, "BENCH_READY_DIR": str(self.ready)}
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)
        record_pid("server.pgid", self.proc.pid)
        try:
            self.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}; see {SERVER_LOG}")
            # Every worker has loaded the application (bench/gunicorn_conf.py) and the socket answers.
            if len(list(self.ready.iterdir())) >= self.workers:
                with contextlib.suppress(OSError):
                    if self.get(FLOOR)[0] == 200:
                        return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn was not ready within {timeout:.0f} s; see {SERVER_LOG}")

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        if self.ready:
            shutil.rmtree(self.ready, ignore_errors=True)
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        record_pid("server.pgid", None)

    def get(self, path: str, cookie: str = "") -> tuple[int, dict, bytes]:
        request = urllib.request.Request(self.base + path, headers={"Cookie": cookie} if cookie else {})
        try:
            with OPENER.open(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def drain(self, timeout: float = 120) -> None:
        """Wait until no connection to the server is open: requests wrk left queued when it stopped are
        still rendered, and would otherwise eat into the next measurement."""
        port = f"{self.port:04X}"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            busy = 0
            for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
                local, state = line.split()[1], line.split()[3]
                # Any state but LISTEN (0A) and TIME_WAIT (06) is a request not yet answered and closed.
                if local.endswith(f":{port}") and state not in ("0A", "06"):
                    busy += 1
            if not busy:
                return
            time.sleep(0.1)

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def worker_memory(self) -> list[dict]:
        """Peak (VmHWM) and current (VmRSS) resident memory of each worker, in MB."""
        workers = []
        for pid in self.worker_pids():
            status = Path(f"/proc/{pid}/status").read_text()
            fields = dict(re.findall(r"^(VmHWM|VmRSS):\s+(\d+) kB", status, re.M))
            workers.append(
                {"pid": pid, "peak_mb": int(fields["VmHWM"]) / 1024, "rss_mb": int(fields["VmRSS"]) / 1024}
            )
        return workers


def wrk(url: str, *, duration: int, connections: int, threads: int, cookie: str = "") -> dict:
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "-s", str(LUA)]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    proc = subprocess.Popen([*cmd, url], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    record_pid("wrk.pid", proc.pid)
    try:
        out, err = proc.communicate(timeout=duration + 30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        record_pid("wrk.pid", None)
    for line in out.splitlines():
        if line.startswith("BENCH_JSON "):
            return json.loads(line.removeprefix("BENCH_JSON "))
    raise RuntimeError(f"wrk gave no result for {url}: {err.strip() or out.strip()}")


class Bench:
    def __init__(self, args, cookie: str):
        self.args, self.cookie = args, cookie
        self.results: list[Result] = []
        self.floor_rps: float | None = None
        self.memory: dict[str, list[dict]] = {}

    def run_phase(self, mode: str, targets: list[Target], env: dict):
        started = time.monotonic()
        print(f"\n{mode.capitalize()} run:", flush=True)
        with Server(workers=self.args.workers, worker_class=self.args.worker_class, env=env) as server:
            floor = self.measure(server, Target("framework floor", FLOOR), mode, self.floor_rps)
            # The floor is the bare view rendered: the uncached run's. In the cached run it comes from
            # the page cache, and its row shows what a cache hit costs.
            self.floor_rps = self.floor_rps or floor.rps
            for target in targets:
                self.measure(server, target, mode, self.floor_rps)
            self.memory[mode] = server.worker_memory()
        print(f"  ({time.monotonic() - started:.0f} s)", flush=True)

    def measure(self, server: Server, target: Target, mode: str, floor_rps: float | None) -> Result:
        result = Result(target.name, target.path, mode, note=target.note)
        self.results.append(result)
        cookie = self.cookie if target.staff else ""
        status, headers, body = server.get(target.path, cookie)
        if status != 200:
            missing = " (not built yet: skipped)" if status == 404 else ""
            where = f" to {headers.get('Location')}" if 300 <= status < 400 else ""
            result.note = f"HTTP {status}{where}{missing}"
            self.show(result)
            return result
        result.kb = len(body) / 1024
        if mode == "cached":
            # The probe stored the page: the next request should come from the cache (X-Cache: HIT).
            hit = server.get(target.path, cookie)[1].get("X-Cache", "absent (page cache off?)")
            result.note = ", ".join(filter(None, [result.note, f"X-Cache: {hit}"]))
        url = server.base + target.path
        options = {"connections": self.args.connections, "threads": self.args.threads, "cookie": cookie}
        stats = wrk(url, duration=self.args.duration, **options)
        server.drain()
        seconds = stats["duration_us"] / 1e6
        result.requests = stats["requests"]
        result.rps = stats["requests"] / seconds if seconds else 0.0
        result.ratio = result.rps / floor_rps if floor_rps else 1.0
        if stats["requests"]:
            result.p50_ms, result.p99_ms = stats["p50_us"] / 1000, stats["p99_us"] / 1000
        else:
            result.note = ", ".join(filter(None, [result.note, f"no answer within {self.args.duration} s"]))
        result.errors = sum(stats[k] for k in ("status", "connect", "read", "write", "timeout"))
        if result.errors:
            result.note = ", ".join(filter(None, [result.note, f"see {SERVER_LOG.relative_to(ROOT)}"]))
        self.show(result)
        return result

    def run_walk(self, env: dict):
        """The cold archive walk (bench/walk.py), on a server started afresh with the caches emptied."""
        from bench import walk as walking

        paths = walking.stories()
        clear_cache()
        print("\nCold run:", flush=True)
        note = f"{len(paths):,} random stories, each once, after a restart"
        result = Result(WALK, f"({len(paths):,} stories)", "cold", note=note)
        self.results.append(result)
        with Server(workers=self.args.workers, worker_class=self.args.worker_class, env=env) as server:
            stats = walking.walk(server.port, paths, connections=self.args.connections)
            server.drain()
            self.memory["cold"] = server.worker_memory()
        seconds = stats["duration_us"] / 1e6
        result.requests = stats["requests"]
        result.rps = stats["requests"] / seconds if seconds else 0.0
        result.ratio = result.rps / self.floor_rps if self.floor_rps else None
        result.p50_ms, result.p99_ms = stats["p50_us"] / 1000, stats["p99_us"] / 1000
        result.errors = stats["status"]
        self.show(result)

    @staticmethod
    def show(result: Result):
        if result.p50_ms is None:
            print(f"  {result.mode:8} {result.name}: {result.note}", flush=True)
        else:
            print(
                f"  {result.mode:8} {result.name}: {result.rps:,.0f} req/s, p50 {result.p50_ms:.1f} ms, "
                f"p99 {result.p99_ms:.1f} ms, {result.errors} errors",
                flush=True,
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=env_int("BENCH_DURATION", 10), help="seconds per URL")
    parser.add_argument("--connections", type=int, default=env_int("BENCH_CONNECTIONS", 16))
    parser.add_argument("--threads", type=int, default=env_int("BENCH_THREADS", 2))
    parser.add_argument("--workers", type=int, default=env_int("BENCH_WORKERS", 4))
    parser.add_argument("--worker-class", default=os.environ.get("BENCH_WORKER_CLASS", "sync"))
    parser.add_argument("--only", help="measure only the pages whose name contains this")
    args = parser.parse_args()
    # A TERM (from make, or the EXIT trap) must still stop the server: finally blocks run on SystemExit.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from bench import explain

    started = datetime.now()
    env = dict(os.environ)
    uncached_env = {**env, "PAGE_CACHE_SECONDS": "0", "FRAGMENT_CACHE_SECONDS": "0"}
    fragments_env = {**env, "PAGE_CACHE_SECONDS": "0"}
    bench = Bench(args, staff_cookie())
    print(
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s on 127.0.0.1, gunicorn "
        f"{args.workers} {args.worker_class} workers, {os.cpu_count()} CPUs",
        flush=True,
    )
    clear_cache()
    from django.test import override_settings

    with override_settings(PAGE_CACHE_SECONDS=0):
        targets = discover()
    if args.only:
        targets = [t for t in targets if args.only.lower() in t.name.lower()]
    bench.run_phase("uncached", targets, uncached_env)
    clear_cache()
    bench.run_phase("fragments", [t for t in targets if t.cached], fragments_env)
    clear_cache()
    bench.run_phase("cached", [t for t in targets if t.cached], env)
    if not args.only or args.only.lower() in WALK or args.only.lower() in "article page":
        bench.run_walk(env)

    print("\nEXPLAIN (ANALYZE, BUFFERS) of each page's queries (full plans in bench/results/explain.txt):")
    plans = explain.run(targets, bench.cookie, RESULTS / "explain.txt")
    results = ordered(bench.results, targets)
    info = archive()
    print(
        f"\nArchive: {info['articles']:,} published stories, seeded in {info['seed_seconds']:.0f} s "
        f"({info['seeded_at'][:16]}). Ratios are to the framework floor (uncached run).\n"
    )
    print(table(results))
    print("\nPeak RSS per worker (VmHWM):")
    for mode, workers in bench.memory.items():
        print(f"  {mode:9} " + ", ".join(f"{w['peak_mb']:.0f} MB" for w in workers))
    checks = verdicts(results, bench.memory)
    print("\nTargets (the issue's, read against the uncached run):")
    for target, figures, met in checks:
        print(f"  {'met ' if met else 'MISS'}  {target}: {figures}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"{started:%Y%m%d-%H%M%S}.json"
    report = {
        "started": started.isoformat(timespec="seconds"),
        "commit": git_commit(),
        "machine": {"cpus": os.cpu_count(), "cpu": cpu_model()},
        "load": {k: getattr(args, k) for k in ("duration", "connections", "threads")},
        "server": {"workers": args.workers, "worker_class": args.worker_class, "settings": "bench.settings"},
        "archive": info,
        "results": [asdict(r) for r in results],
        "workers_memory": bench.memory,
        "targets": [{"target": t, "figures": f, "met": m} for t, f, m in checks],
        "explain": plans,
    }
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"\nWritten: {out.relative_to(ROOT)} and bench/results/explain.txt")
    return 0


def git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return ""
    match = re.search(r"^model name\s*:\s*(.+)$", text, re.M)
    return match.group(1) if match else ""


if __name__ == "__main__":
    sys.exit(main())
