"""Benchmark (not a test): the bytes each content encoding sends for the main pages, and what compressing
one page costs a worker.

    python bench/encodings.py     # a step of `make bench`, on its seeded archive

One gunicorn server with the benchmark's settings; each page is fetched once per Accept-Encoding a
browser sends (Chrome and Firefox take zstd, Safari Brotli, old clients gzip or nothing) and the bytes on
the wire printed, with Brotli's and zstd's saving over gzip. The cost is the middleware's own call on the
page's identity body, timed in this process (django_http_compression, as served).
"""

import gzip
import os
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import Server, env_int  # noqa: E402

CLIENTS = {
    "identity": "identity",
    "gzip": "gzip, deflate",
    "br": "gzip, deflate, br",
    "zstd": "gzip, deflate, br, zstd",  # the app's choice; Varnish asks it for Brotli (default.vcl)
}
PAGES = ("home", "article page", "section page 1", "RSS feed", "API story list")


def fetch(base: str, path: str, accept: str) -> tuple[str, int]:
    request = urllib.request.Request(base + path, headers={"Accept-Encoding": accept})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.headers.get("Content-Encoding", "identity"), len(response.read())


def cost_ms(body: bytes, coding: str, rounds: int = 50) -> float:
    import brotli
    from django_http_compression import middleware

    squeeze = {
        "gzip": lambda b: gzip.compress(b, compresslevel=6),
        "br": lambda b: brotli.compress(b, quality=middleware.BROTLI_QUALITY),
        "zstd": middleware.zstd_compress,
    }[coding]
    started = time.perf_counter()
    for _ in range(rounds):
        squeeze(body)
    return (time.perf_counter() - started) / rounds * 1000


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.test import override_settings

    from bench.targets import discover

    with override_settings(PAGE_CACHE_SECONDS=0):
        targets = list({t.path: t for t in discover() if t.name in PAGES}.values())
    print("\nBytes on the wire per encoding (what each browser is sent), and one page's compression cost:")
    with Server(workers=env_int("BENCH_WORKERS", 2), worker_class="sync", env=dict(os.environ)) as server:
        for target in targets:
            sizes = {}
            for name, accept in CLIENTS.items():
                coding, size = fetch(server.base, target.path, accept)
                if coding != name:
                    print(f"  {target.name}: asked for {name}, got {coding}")
                    return 1
                sizes[name] = size
            with urllib.request.urlopen(server.base + target.path, timeout=30) as response:
                body = response.read()  # urllib asks for no encoding: the identity body
            saved = {c: 1 - sizes[c] / sizes["gzip"] for c in ("br", "zstd")}
            costs = {c: cost_ms(body, c) for c in ("gzip", "br", "zstd")}
            print(
                f"  {target.name:15} identity {sizes['identity']:>7,} B, gzip {sizes['gzip']:>6,} B, "
                f"br {sizes['br']:>6,} B ({saved['br']:.0%} less than gzip), "
                f"zstd {sizes['zstd']:>6,} B ({saved['zstd']:.0%} less); compressing: "
                + ", ".join(f"{c} {ms:.2f} ms" for c, ms in costs.items())
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
