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
import math
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
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
LUA = Path(__file__).with_name("wrk.lua")
SERVER_LOG = ROOT / ".state" / "bench-gunicorn.log"
FLOOR = "/__floor__/"
WALK = "cold archive walk"


@dataclass
class Target:
    name: str
    path: str
    cached: bool = True  # measured a second time, with the page cache on
    staff: bool = False  # sent with a superuser's session cookie
    note: str = ""


@dataclass
class Result:
    name: str
    path: str
    mode: str
    rps: float | None = None
    ratio: float | None = None
    p50_ms: float | None = None
    p99_ms: float | None = None
    errors: int | None = None
    requests: int | None = None
    kb: float | None = None
    note: str = ""


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


# --- What to measure (needs Django) -----------------------------------------------------------------


def discover() -> list[Target]:
    """The issue's pages on the seeded archive: its biggest section, tag and byline, its newest story."""
    from django.db.models import Count
    from django.db.models.functions import Coalesce
    from taggit.models import TaggedItem

    from articles.models import Article, ArticleAuthor, Author, Section
    from articles.public import views
    from newsroom.ops.management.commands.seed_archive import ABSENT_WORD, COMMON_WORD, RARE_WORD

    published = Article.objects.published()
    article = published.select_related("section").filter(lead_photo__isnull=False).first()
    section_sizes = (
        published.values(top=Coalesce("section__parent_id", "section_id"))
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    biggest = section_sizes[0]
    section = Section.objects.get(pk=biggest["top"])
    last_page = math.ceil(biggest["n"] / getattr(views, "PAGE_SIZE", 20))
    deep = min(2000, last_page)
    tag = TaggedItem.objects.values("tag__slug").annotate(n=Count("id")).order_by("-n")[0]
    byline = ArticleAuthor.objects.values("author").annotate(n=Count("id")).order_by("-n")[0]
    author = Author.objects.get(pk=byline["author"])
    targets = [
        Target("home", "/"),
        Target("article page", article.get_absolute_url(), note="the newest story"),
        Target(
            "section page 1", section.get_absolute_url(), note=f"{section.name}: {biggest['n']:,} stories"
        ),
        Target(
            f"section page {deep:,}", f"{section.get_absolute_url()}?page={deep}", note=f"of {last_page:,}"
        ),
        Target("tag page, biggest tag", f"/tag/{tag['tag__slug']}/", note=f"{tag['n']:,} stories"),
        Target("author page, biggest byline", author.get_absolute_url(), note=f"{byline['n']:,} stories"),
        Target("search: common word", f"/search/?q={COMMON_WORD}", note=f"“{COMMON_WORD}”"),
        Target("search: rare word", f"/search/?q={RARE_WORD}", note=f"“{RARE_WORD}”, 12 stories"),
        Target("search: no match", f"/search/?q={ABSENT_WORD}", note=f"“{ABSENT_WORD}”"),
        Target("RSS feed", "/feeds/rss/"),
        Target("sitemap index", "/sitemap.xml"),
        Target("sitemap page", sitemap_page()),
        Target("Google News sitemap", "/sitemap-news.xml"),
        # The read API (articles/api/): ninjs JSON through the same page cache, rate limiter included.
        Target("API story list", "/api/v1/stories/", note="ninjs, 20 stories"),
        Target("API story detail", f"/api/v1/stories/{article.pk}/", note="ninjs, the newest story"),
        Target("API story list, deep cursor", api_deep_page(published), note="40,000 stories in"),
        Target("admin article list", "/admin/articles/article/", cached=False, staff=True),
        Target(
            "admin search",
            "/admin/articles/article/?q=ceasefire",
            cached=False,
            staff=True,
            note="“ceasefire”",
        ),
    ]
    return targets


def api_deep_page(published) -> str:
    """The read API's story list after its 40,000th story: a keyset page should cost what page 1 does."""
    from articles.api.stories import encode_cursor

    row = published.order_by("-published_at", "-id").values_list("published_at", "id")[39_999:40_000].first()
    return f"/api/v1/stories/?cursor={encode_cursor(*row)}" if row else "/api/v1/stories/"


def sitemap_page() -> str:
    """The first article page the sitemap index lists (or sitemap.xml itself when it is not an index)."""
    from django.test import Client

    response = Client().get("/sitemap.xml", headers={"host": "127.0.0.1"})
    body = response.content.decode(errors="replace") if response.status_code == 200 else ""
    locations = re.findall(r"<loc>([^<]+)</loc>", body)
    if "<sitemapindex" not in body or not locations:
        return "/sitemap.xml"
    chosen = next((loc for loc in locations if "article" in loc), locations[0])
    parts = urlsplit(chosen.replace("&amp;", "&"))
    return parts.path + (f"?{parts.query}" if parts.query else "")


def staff_cookie() -> str:
    """A superuser's session, made directly in the session store (no login form, no password)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model

    user, created = get_user_model().objects.get_or_create(
        username="bench-admin",
        defaults={"is_staff": True, "is_superuser": True, "email": "bench@example.org"},
    )
    if created:
        user.set_unusable_password()
        user.save()
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def clear_cache() -> None:
    """Drop the benchmark's keys (and only those: the Redis may be shared) so each run starts cold."""
    from django.conf import settings

    location = settings.CACHES["default"].get("LOCATION")
    prefix = settings.CACHES["default"].get("KEY_PREFIX")
    if "redis" not in settings.CACHES["default"]["BACKEND"].lower() or not prefix:
        return
    import redis

    client = redis.Redis.from_url(location if isinstance(location, str) else location[0])
    for key in client.scan_iter(match=f"{prefix}:*", count=1000):
        client.delete(key)


def archive() -> dict:
    from django.db import connection

    from newsroom.ops.management.commands.seed_archive import MARKER_TABLE

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT version, articles, seconds, seeded_at FROM {MARKER_TABLE}")
        version, articles, seconds, seeded_at = cursor.fetchone()
    return {
        "version": version,
        "articles": articles,
        "seed_seconds": seconds,
        "seeded_at": seeded_at.isoformat(),
    }


# --- Report -----------------------------------------------------------------------------------------


def fmt(value, spec, small_spec=None, small=0.0):
    if value is None:
        return "—"
    return format(value, small_spec if small_spec and value < small else spec)


def table(results: list[Result]) -> str:
    head = ["page", "mode", "req/s", "× floor", "p50 ms", "p99 ms", "requests", "errors", "KB", "notes"]
    rows = [
        [r.name, r.mode, fmt(r.rps, ",.0f", ".1f", 10), fmt(r.ratio, ".2f", ".3f", 0.1),
         fmt(r.p50_ms, ",.1f"), fmt(r.p99_ms, ",.1f"), fmt(r.requests, ",d"), fmt(r.errors, ",d"),
         fmt(r.kb, ".0f"), r.note]
        for r in results
    ]  # fmt: skip
    widths = [max(len(str(row[i])) for row in [head, *rows]) for i in range(len(head))]
    right = {2, 3, 4, 5, 6, 7, 8}

    def line(cells):
        return "  ".join(
            str(c).rjust(widths[i]) if i in right else str(c).ljust(widths[i]) for i, c in enumerate(cells)
        ).rstrip()

    return "\n".join([line(head), line(["-" * w for w in widths]), *map(line, rows)])


def verdicts(results: list[Result], memory: dict[str, list[dict]]) -> list[tuple[str, str, bool]]:
    """The issue's targets, each as (target, figures, met), for the pages measured."""

    def find(name, mode):
        return next((r for r in results if r.name == name and r.mode == mode and r.p50_ms is not None), None)

    out = []
    cached = [find(name, "cached") for name in ("article page", "home", "section page 1")]
    if all(cached):
        figures = ", ".join(f"{r.ratio:.2f}x" for r in cached)
        out.append(
            ("cached article, home, section >= 0.6x floor", figures, min(r.ratio for r in cached) >= 0.6)
        )
    article = find("article page", "uncached")
    if article:
        fragments = find("article page", "fragments")
        extra = f" (with stored fragments {fragments.ratio:.2f}x)" if fragments else ""
        out.append(("uncached article >= 0.10x floor", f"{article.ratio:.3f}x", article.ratio >= 0.10))
        out.append(
            (
                "uncached article >= 0.25x floor (where to head)",
                f"{article.ratio:.3f}x{extra}",
                article.ratio >= 0.25,
            )
        )
    first = find("section page 1", "uncached")
    if first:
        out.append(("uncached section page 1 >= 0.12x floor", f"{first.ratio:.3f}x", first.ratio >= 0.12))
    walked = find(WALK, "cold")
    if walked and walked.ratio is not None:
        out.append(
            (
                f"{WALK} answered without errors",
                f"{walked.ratio:.3f}x, {walked.errors} errors",
                not walked.errors,
            )
        )
    deep = [
        r for r in results if r.name.startswith("section page ") and r is not first and r.mode == "uncached"
    ]
    if first and deep and deep[0].p50_ms is not None:
        factor = deep[0].p50_ms / first.p50_ms
        figures = f"{deep[0].p50_ms:,.0f} vs {first.p50_ms:,.0f} ms ({factor:.2f}x)"
        out.append((f"uncached {deep[0].name} p50 within 1.5x of page 1", figures, factor <= 1.5))
    for prefix, limit in (("search", 5), ("admin", 4)):
        for r in results:
            if article and r.name.startswith(prefix) and r.mode == "uncached" and r.p50_ms is not None:
                factor = r.p50_ms / article.p50_ms
                figures = f"{r.p50_ms:,.0f} vs {article.p50_ms:,.0f} ms ({factor:.2f}x)"
                out.append((f"{r.name} p50 < {limit}x uncached article p50", figures, factor < limit))
    peak = max((w["peak_mb"] for workers in memory.values() for w in workers), default=0)
    errors = sum(r.errors or 0 for r in results)
    out.append(
        (
            "no worker past 150 MB, zero errors",
            f"peak {peak:.0f} MB, {errors} errors",
            peak <= 150 and not errors,
        )
    )
    return out


def ordered(results: list[Result], targets: list[Target]) -> list[Result]:
    """Floors first, then each page with its uncached, fragments and cached rows together."""
    order = {t.path: i for i, t in enumerate(targets)}
    modes = {"uncached": 0, "fragments": 1, "cached": 2}
    order[WALK] = len(order)
    return sorted(
        results,
        key=lambda r: (
            r.path != FLOOR,
            order.get(r.name if r.mode == "cold" else r.path, -1),
            modes.get(r.mode, 3),
        ),
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
