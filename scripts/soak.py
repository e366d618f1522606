"""Soak: readers and editors at once against gunicorn with several workers, on loopback, for a bounded time.

    .venv/bin/python scripts/soak.py [--seconds 60] [--workers 4] [--readers 8] [--editors 2]

It uses its own database (newsroom_soak, on the server of DATABASE_URL) seeded with the demo content, its
own media and static folders under .state/soak/, and production settings (DEBUG off, manifest static
files) with the HTTPS redirect off because nothing here speaks TLS. Readers fetch the home, section, tag,
author and article pages; editors write stories and publish them through the editorial workflow, as the
admin does. Afterwards every story published during the run must answer 200 on its own page and appear on
the home page or its section's listing. Exit status 0 only with no 5xx, no failed request and no lost story.
"""

import argparse
import collections
import contextlib
import http.client
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
STATE = ROOT / ".state" / "soak"
PYTHON = sys.executable


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="length of the load phase (default 60)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes (default 4)")
    parser.add_argument("--readers", type=int, default=8, help="reader threads (default 8)")
    parser.add_argument("--editors", type=int, default=2, help="editor threads (default 2)")
    parser.add_argument(
        "--publish-every", type=float, default=1.0, help="seconds between an editor's stories"
    )
    parser.add_argument("--database", default="newsroom_soak", help="database name (default newsroom_soak)")
    return parser.parse_args()


def say(message: str) -> None:
    print(f"[soak] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_is_up() -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", 6379), timeout=0.5) as sock:
        sock.sendall(b"PING\r\n")
        return sock.recv(16).startswith(b"+PONG")
    return False


def environment(args) -> dict[str, str]:
    base = urlsplit(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/newsroom"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": urlunsplit(base._replace(path=f"/{args.database}")),
        "MEDIA_ROOT": str(STATE / "media"),
        "STATIC_ROOT": str(STATE / "static"),
        "SERVE_MEDIA": "0",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    if os.environ.get("REDIS_URL") or redis_is_up():
        # The page cache must be shared by every worker, or a publish would only reach one of them.
        env["REDIS_URL"] = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
        env["CACHE_PREFIX"] = f"newsroom-soak-{secrets.token_hex(4)}"
    else:
        say("no Redis on 127.0.0.1:6379: the page cache is off for this run (each worker would keep its own)")
        env["PAGE_CACHE_SECONDS"] = "0"
    return env


def prepare(env) -> None:
    STATE.mkdir(parents=True, exist_ok=True)
    steps = [
        ([PYTHON, "-m", "newsroom.ops.dbcreate"], "database"),
        ([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], "migrations"),
        ([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], "static files"),
        ([PYTHON, "manage.py", "load_demo"], "demo content"),
    ]
    for command, what in steps:
        started = time.monotonic()
        subprocess.run(command, cwd=ROOT, env=env, check=True, timeout=900, stdout=subprocess.DEVNULL)
        say(f"{what} ready ({time.monotonic() - started:.1f}s)")


class Http:
    """One keep-alive connection per thread, re-opened after any failure."""

    def __init__(self, port: int):
        self.port, self.conn = port, None

    def get(self, path: str) -> tuple[int, bytes]:
        status, body, _ = self.fetch(path)
        return status, body

    def fetch(self, path: str) -> tuple[int, bytes, str]:
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
            try:
                self.conn.request("GET", path, headers={"Host": f"127.0.0.1:{self.port}"})
                response = self.conn.getresponse()
                return response.status, response.read(), response.getheader("X-Cache", "")
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # A worker may close an idle keep-alive connection; one silent retry, as browsers do.
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.statuses = collections.Counter()
        self.cache = collections.Counter()
        self.errors = collections.Counter()
        self.latencies: list[float] = []
        self.server_errors: list[str] = []

    def record(self, path: str, status: int | None, seconds: float, error: str = "", cache: str = ""):
        with self.lock:
            if status is None:
                self.errors[error] += 1
                return
            self.statuses[status] += 1
            self.cache[cache or "none"] += 1
            self.latencies.append(seconds)
            if status >= 500 and len(self.server_errors) < 20:
                self.server_errors.append(f"{status} {path}")


def start_server(env, port: int, workers: int) -> subprocess.Popen:
    log = (STATE / "gunicorn.log").open("w")
    command = [
        PYTHON, "-m", "gunicorn", "newsroom.wsgi", f"--workers={workers}", f"--bind=127.0.0.1:{port}",
        "--timeout=30", "--graceful-timeout=5", "--error-logfile=-", "--log-level=warning",
    ]  # fmt: skip
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    client = Http(port)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}; see {STATE / 'gunicorn.log'}")
        with contextlib.suppress(OSError, http.client.HTTPException):
            if client.get("/")[0] == 200:
                client.close()
                return server
        client.close()
        time.sleep(0.2)
    stop_server(server)
    raise SystemExit("gunicorn did not answer within 60 s")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)  # the master stops its workers
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def main() -> int:
    args = parse_args()
    env = environment(args)
    say(f"preparing database {args.database} (production settings, {STATE.relative_to(ROOT)}/)")
    prepare(env)

    # The editors work through the ORM in this process, against the same database and cache.
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import close_old_connections, connection
    from django.utils.text import slugify
    from taggit.models import Tag

    from articles.models import Article, Author, Section
    from articles.publishing import workflow

    editor_user = get_user_model().objects.get(username="editor")
    sections = list(Section.objects.all())
    urls = ["/"]
    urls += [s.get_absolute_url() for s in sections]
    urls += [f"/tag/{slug}/" for slug in Tag.objects.values_list("slug", flat=True)[:20]]
    urls += [a.get_absolute_url() for a in Author.objects.all()[:10]]
    urls += [a.get_absolute_url() for a in Article.objects.published().select_related("section")]
    urls_lock = threading.Lock()
    connection.close()

    port = free_port()
    server = start_server(env, port, args.workers)
    say(f"gunicorn with {args.workers} workers on 127.0.0.1:{port}; load for {args.seconds:.0f}s")
    stats = Stats()
    published: list[tuple[str, str, str]] = []  # (url, section url, headline)
    editor_failures: list[str] = []
    stop_at = time.monotonic() + args.seconds

    def reader(seed: int):
        rng, client = random.Random(seed), Http(port)
        while time.monotonic() < stop_at:
            with urls_lock:
                path = rng.choice(urls)
            started = time.perf_counter()
            try:
                status, _, cache = client.fetch(path)
            except (OSError, http.client.HTTPException) as exc:
                stats.record(path, None, 0, type(exc).__name__)
                client.close()
                continue
            stats.record(path, status, time.perf_counter() - started, cache=cache)
        client.close()

    def editor(number: int):
        rng, count = random.Random(1000 + number), 0
        try:
            while time.monotonic() < stop_at:
                count += 1
                section = rng.choice(sections)
                headline = f"Soak {number}-{count}: {secrets.token_hex(3)} council votes on harbour plan"
                try:
                    article = Article.objects.create(
                        headline=headline,
                        slug=slugify(headline)[:190],
                        section=section,
                        standfirst="Written during a soak run.",
                        body="<p>" + "Councillors met for a long session. " * 30 + "</p>",
                        created_by=editor_user,
                    )
                    article.tags.add("soak")
                    workflow.publish(article=article, user=editor_user)
                except Exception as exc:  # noqa: BLE001 - reported, and the run fails
                    editor_failures.append(f"{type(exc).__name__}: {exc}")
                    continue
                url = article.get_absolute_url()
                with urls_lock:
                    urls.append(url)
                    published.append((url, section.get_absolute_url(), headline))
                # Pace the newsroom, without overshooting the end of the run.
                time.sleep(max(0.0, min(args.publish_every, stop_at - time.monotonic())))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(args.readers)]
    threads += [threading.Thread(target=editor, args=(i + 1,)) for i in range(args.editors)]
    started = time.monotonic()
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started

        # Every story published during the run: its page, and the home page or its section's listing.
        checker, listings, lost = Http(port), {}, []

        def listing(path: str) -> str:
            if path not in listings:
                listings[path] = checker.get(path)[1].decode()
            return listings[path]

        for url, section_url, headline in published:
            status, body = checker.get(url)
            if status != 200 or headline not in body.decode():
                lost.append(f"{url}: {status} on its own page")
                continue
            href = f'href="{url}"'
            pages = ["/", section_url] + [f"{section_url}?page={n}" for n in range(2, 12)]
            if not any(href in listing(page) for page in pages):
                lost.append(f"{url}: not on the home page or its section's listing")
        checker.close()
    finally:
        stop_server(server)

    log = (STATE / "gunicorn.log").read_text()
    tracebacks = len(re.findall(r"Traceback \(most recent call last\)", log))
    total = sum(stats.statuses.values())
    five_xx = sum(n for status, n in stats.statuses.items() if status >= 500)
    latencies = sorted(stats.latencies) or [0.0]

    def pct(p):
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000

    say("---- result ----")
    print(f"duration            {elapsed:.1f} s, {args.workers} gunicorn workers, "
          f"{args.readers} readers, {args.editors} editors")  # fmt: skip
    print(f"requests            {total} ({total / elapsed:.1f}/s)")
    print(f"status codes        {dict(sorted(stats.statuses.items()))}")
    print(f"5xx                 {five_xx}")
    print(f"page cache          {dict(stats.cache)}")
    print(f"failed requests     {sum(stats.errors.values())} {dict(stats.errors) or ''}".rstrip())
    print(
        f"latency ms          p50 {pct(0.5):.0f}, p95 {pct(0.95):.0f}, p99 {pct(0.99):.0f}, max {pct(1):.0f}"
    )
    print(f"stories published   {len(published)} (editor errors: {len(editor_failures)})")
    print(f"stories visible     {len(published) - len(lost)} of {len(published)}")
    print(f"server tracebacks   {tracebacks} (log: {(STATE / 'gunicorn.log').relative_to(ROOT)})")
    for line in stats.server_errors + editor_failures[:10] + lost[:20]:
        print(f"  ! {line}")
    ok = (
        not five_xx and not stats.errors and not lost and not editor_failures and not tracebacks and published
    )
    say("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
