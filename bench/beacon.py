"""Benchmark (not a test): what the read beacon costs, against the framework floor in the same run.

    make bench-beacon         # also the last step of `make bench`

One gunicorn server with the benchmark's settings (bench/settings.py, Redis as in production); wrk loads
the floor (GET /__floor__/, a view returning "ok" through every middleware) and then the beacon (POST /r/
as static/js/reads.js sends it), each for --duration seconds. The beacon is answered by a middleware
before the page cache, sessions and the database: one Redis round trip (a script) per request, so it
should beat the floor. Printed: requests per second of each, the beacon's ratio to the floor, the
reads the counters took (one reader and one story: the daily dedup keeps it at 1 unless READS_DEDUP=0),
and the microseconds a worker spends on one beacon (its middleware called in this process).
"""

import argparse
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.figures import FLOOR  # noqa: E402
from bench.run import LUA, Server, env_int, record_pid  # noqa: E402

BEACON_LUA = Path(__file__).with_name("beacon.lua")


def wrk(url: str, *, duration: int, connections: int, threads: int, script: Path, env: dict) -> dict:
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "-s", str(script)]
    proc = subprocess.Popen([*cmd, url], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
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
            stats = json.loads(line.removeprefix("BENCH_JSON "))
            stats["rps"] = stats["requests"] / (stats["duration_us"] / 1e6)
            return stats
    raise RuntimeError(f"wrk gave no result for {url}: {err.strip() or out.strip()}")


def counted(story_id: int) -> int:
    """The reads the counters hold for the story now (all hours kept), before any flush."""
    from datetime import timedelta

    from django.utils import timezone

    from articles.caching import counters
    from articles.readership.beacon import hour_key, hour_of

    now = timezone.now()
    hours = [hour_of(now - timedelta(hours=n)) for n in range(2)]
    return sum((counters.read(hour_key(h)) or {}).get(str(story_id), 0) for h in hours)


def in_process(story_id: int, n: int = 2000) -> float:
    """Microseconds per beacon through its middleware alone (no server, no HTTP): the Redis round trip
    and the checks, as a worker spends them."""
    import time

    from django.test import RequestFactory

    from articles.readership.beacon import BeaconMiddleware

    middleware = BeaconMiddleware(lambda request: None)
    factory = RequestFactory()
    headers = {"HTTP_USER_AGENT": "Mozilla/5.0 Chrome/131.0", "HTTP_SEC_FETCH_SITE": "same-origin"}
    body = f"s={story_id}&r=https://www.google.com/&q="
    kind = "application/x-www-form-urlencoded"
    requests = [factory.post("/r/", data=body, content_type=kind, **headers) for _ in range(n)]
    started = time.perf_counter()
    for request in requests:
        middleware(request)
    return (time.perf_counter() - started) / n * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=env_int("BENCH_DURATION", 10))
    parser.add_argument("--connections", type=int, default=env_int("BENCH_CONNECTIONS", 16))
    parser.add_argument("--threads", type=int, default=env_int("BENCH_THREADS", 2))
    parser.add_argument("--workers", type=int, default=env_int("BENCH_WORKERS", 4))
    parser.add_argument("--worker-class", default=os.environ.get("BENCH_WORKER_CLASS", "sync"))
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.conf import settings

    from articles.models import Article

    story_id = Article.objects.published().values_list("pk", flat=True).first() or 1
    before = counted(story_id)
    env = {**os.environ, "BENCH_WRK_LUA": str(LUA), "BEACON_BODY": f"s={story_id}&r=&q="}
    load = {"duration": args.duration, "connections": args.connections, "threads": args.threads, "env": env}
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    print(
        f"\nRead beacon: wrk -t{args.threads} -c{args.connections} -d{args.duration}s, gunicorn "
        f"{args.workers} {args.worker_class} workers, cache {backend}",
        flush=True,
    )
    # The floor as bench/run.py's ratios take it: the bare view rendered, not a page-cache hit.
    server_env = {**os.environ, "PAGE_CACHE_SECONDS": "0"}
    with Server(workers=args.workers, worker_class=args.worker_class, env=server_env) as server:
        floor = wrk(server.base + FLOOR, script=LUA, **load)
        server.drain()
        beacon = wrk(server.base + "/r/", script=BEACON_LUA, **load)
        server.drain()
    for name, stats in (("framework floor (GET)", floor), ("beacon (POST /r/)", beacon)):
        errors = sum(stats[k] for k in ("status", "connect", "read", "write", "timeout"))
        print(
            f"  {name:22} {stats['rps']:8,.0f} req/s, p50 {stats['p50_us'] / 1000:.2f} ms, "
            f"p99 {stats['p99_us'] / 1000:.2f} ms, {errors} errors",
            flush=True,
        )
    ratio = beacon["rps"] / floor["rps"] if floor["rps"] else 0.0
    print(f"  beacon / floor: {ratio:.2f}; reads counted for story {story_id}: {counted(story_id) - before}")
    print(f"  in the worker: {in_process(story_id):.0f} us per beacon (its middleware, Redis included)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
