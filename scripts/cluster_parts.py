"""Pure helpers of scripts/cluster_test.py: its options, the cluster's VCL, percentiles, the tally of what
readers saw and the table of results (the signed-in readers' helpers are in cluster_readers.py).

Kept apart from the script so they can be unit-tested without starting anything
(tests/infra/test_cluster_parts.py). The cluster's VCL is the deployment's (newsroom/ops/vcl.py).
"""

import argparse
import collections
import math
import os
import re
import socket
import threading
import time

from newsroom.ops.vcl import cluster_vcl  # noqa: F401 - the cluster test's VCL is compose's

# Every engine's loopback port, as an offset from the first: CLUSTER_BASE_PORT moves them all together
# (another soak, or a service already on 8161-8172).
# newsroom.readers.sessions.COOKIE, its Path /account/ only.
READER_COOKIE = "reader"
PORT_OFFSETS = {
    "pg_primary": 0, "pg_replica": 1, "redis_primary": 2, "redis_replica": 3,
    "sentinels": (4, 5, 6), "moto": 7, "varnish_admin": 8, "varnish": 9, "nodes": (10, 11),
}  # fmt: skip
PORT_SPAN = 12
# Set while the soak restarts Varnish: what fails then is the restart's, reported on a line of its own.
EDGE_RESTARTING = threading.Event()


def cluster_ports(base: int) -> dict:
    """The soak's ports from `base`, refused with a clear message when they would leave 1024-65535."""
    if not 1024 <= base <= 65535 - PORT_SPAN:
        raise SystemExit(f"CLUSTER_BASE_PORT={base}: give a port from 1024 to {65535 - PORT_SPAN}")
    return {
        name: tuple(base + n for n in offset) if isinstance(offset, tuple) else base + offset
        for name, offset in PORT_OFFSETS.items()
    }


def ports_in_use(ports: dict) -> list[int]:
    """Those of `ports` something already listens on at 127.0.0.1."""
    flat = [p for value in ports.values() for p in (value if isinstance(value, tuple) else (value,))]
    taken = []
    for port in flat:
        with socket.socket() as probe:
            probe.settimeout(0.2)
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                taken.append(port)
    return taken


def parse_args(description: str):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--seconds", type=float, default=60, help="length of the soak (default 60)")
    parser.add_argument("--readers", type=int, default=8, help="reader threads (default 8)")
    parser.add_argument(
        "--origin-readers",
        type=int,
        default=2,
        help="reader threads asking the node that stays up directly, measuring its page cache (default 2)",
    )
    parser.add_argument(
        "--signed-in",
        type=float,
        default=0.3,
        help="share of the reader threads (through Varnish and direct alike) signed in with a magic link, "
        "at least one of each when above 0 (default 0.3)",
    )
    parser.add_argument("--publish-every", type=float, default=0.3, help="seconds between publishes (0.3)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per node (default 2)")
    parser.add_argument(
        "--stories", type=int, default=2000, help="archive stories seeded besides the demo (default 2000)"
    )
    args = parser.parse_args()
    if not 0 <= args.signed_in <= 1:
        parser.error("--signed-in is a share, from 0 to 1")
    return args


def percentile(values: list[float], p: float) -> float:
    """The nearest-rank percentile (0 < p <= 100) of `values`; NaN when there are none."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def hit_rate(counter: collections.Counter) -> float:
    """HIT / (HIT + MISS + PASS) of a Counter of cache header values; NaN when nothing was counted."""
    seen = counter["HIT"] + counter["MISS"] + counter["PASS"]
    return counter["HIT"] / seen if seen else math.nan


def hit_share(counter: collections.Counter) -> float:
    """HIT / every response counted, a response without the header too (a page the cache was bypassed
    for, as a signed-in reader's would be if their cookie made it private); NaN when there are none."""
    seen = sum(counter.values())
    return counter["HIT"] / seen if seen else math.nan


def article_links(html: str) -> set[str]:
    """The story links of a page: hrefs of the form /section/slug/ (sections, tags and feeds have fewer
    or other parts)."""
    return {
        href
        for href in re.findall(r'href="(/[a-z0-9-]+/[a-z0-9-]+/)"', html)
        if not href.startswith(("/tag/", "/author/", "/feeds/", "/admin/", "/static/", "/media/"))
    }


class Tally:
    """What one kind of client saw: status codes, failures, and the two cache headers."""

    def __init__(self):
        self.lock = threading.Lock()
        self.statuses = collections.Counter()
        self.failures = collections.Counter()
        self.edge = collections.Counter()  # X-Edge from Varnish
        self.app = collections.Counter()  # X-Cache from the app, on requests Varnish sent to it
        self.by_kind = collections.Counter()  # (kind of page, X-Cache) on those requests
        self.during_edge_restart = collections.Counter()  # failures while Varnish was restarted
        self.server_errors: list[str] = []

    def record(self, path: str, status: int, headers: dict, kind: str = "") -> None:
        edge = headers.get("x-edge", "")
        with self.lock:
            self.statuses[status] += 1
            self.edge[edge or "none"] += 1
            if edge != "HIT":
                self.app[headers.get("x-cache", "") or "none"] += 1
                self.by_kind[kind, headers.get("x-cache", "") or "none"] += 1
            if status >= 500 and len(self.server_errors) < 20:
                detail = f"X-Edge {edge or '-'}, X-Cache {headers.get('x-cache', '-')}"
                detail += (
                    f", Cache-Control {headers.get('cache-control', '-')}, at {time.strftime('%H:%M:%S')}"
                )
                self.server_errors.append(f"{status} {path} ({detail})")

    def fail(self, path: str, error: str) -> None:
        with self.lock:
            if EDGE_RESTARTING.is_set():
                # Varnish is being restarted (the soak's own fault): counted apart, reported.
                self.during_edge_restart[error] += 1
                return
            self.failures[error] += 1
            if len(self.server_errors) < 20:
                self.server_errors.append(f"{error} {path} (at {time.strftime('%H:%M:%S')})")

    @property
    def requests(self) -> int:
        return sum(self.statuses.values()) + sum(self.failures.values())

    @property
    def five_xx(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)


# --- the table ---


def by_kind(tally: Tally) -> str:
    kinds = sorted({kind for kind, _ in tally.by_kind})
    rates = {
        k: tally.by_kind[k, "HIT"] / max(1, tally.by_kind[k, "HIT"] + tally.by_kind[k, "MISS"]) for k in kinds
    }
    return ", ".join(
        f"{k} {rates[k]:.0%} of {tally.by_kind[k, 'HIT'] + tally.by_kind[k, 'MISS']}" for k in kinds
    )


def report(soak, elapsed: float, visible: int, problems: list[str], homes: list[str]) -> bool:
    readers, watchers, origin = soak.readers, soak.watchers, soak.origin
    # A soak without signed-in readers (--signed-in 0) has no such rows and no such targets.
    signed = getattr(soak, "signed_in", None)
    # Signed-in readers' public pages are in `readers` and `origin` already; their own pages are not.
    own = (signed.account, signed.sign_in) if signed else ()
    tallies = (readers, watchers, origin, *own)
    requests = sum(t.requests for t in tallies)
    five_xx = sum(t.five_xx for t in tallies)
    failures = sum((t.failures for t in tallies), collections.Counter())
    failed = sum(failures.values())
    edge, app, behind = hit_rate(readers.edge), hit_rate(origin.app), hit_rate(readers.app)
    steady_app = soak.origin_steady.app
    steady = hit_rate(steady_app)
    rendered = readers.app["MISS"]
    served_cached = 1 - rendered / max(1, sum(readers.statuses.values()))
    pub, edits = soak.publish_latency, soak.edit_latency
    stories = len(soak.published)
    # A story whose wait for the edge spanned Varnish's restart waited for the edge to come back: the
    # restart has its own target, so these are shown apart and the p99 target is read on the others.
    window = getattr(soak, "edge_restart_window", None)
    across = [
        latency for latency, offset, _, new in soak.slow
        if new and window and offset <= window[1] and offset + latency >= window[0]
    ]  # fmt: skip
    if across:
        pub = list(pub)
        for latency in across:
            pub.remove(latency)
    p99 = percentile(pub, 99)
    # Withdrawals, each save's own time and the GETs a client sent twice (older soaks have none).
    gone, not_gone = getattr(soak, "withdraw_latency", []), getattr(soak, "not_gone", [])
    saves, retried = getattr(soak, "changes", []), getattr(soak, "retried", {})
    faults = getattr(soak, "replica_faults", None)
    restart = getattr(soak, "edge_restart_seconds", 0.0)
    calm = [latency for latency, offset, _, new in soak.slow if new and offset < 0.4 * soak.args.seconds]
    rows = [
        ("requests", f"{requests} ({requests / elapsed:.0f}/s; through Varnish {readers.requests}, "
         f"direct {origin.requests}, watchers {watchers.requests})", ""),
        ("5xx", str(five_xx), "0"),
        ("failed requests", f"{failed} {dict(failures) or ''}".rstrip(), "0"),
        ("stories published", f"{stories} new, {soak.edits} edits "
         f"({len(soak.editor_errors)} editor errors)", ""),
        ("visible on both nodes", f"{visible} of {stories}", "all"),
        ("Varnish hit rate", f"{edge:.1%} {dict(readers.edge)}", ">= 90%"),
        ("page cache hit rate", f"{steady:.1%} of direct reads before the failover {dict(steady_app)}",
         ">= 90%"),
        ("  whole run", f"{app:.1%} of direct reads {dict(origin.app)}", ""),
        ("  by page (direct)", by_kind(origin), ""),
        ("  behind Varnish", f"{behind:.1%} of what Varnish sent on {dict(readers.app)}", ""),
        ("rendered by Django", f"{rendered} of {sum(readers.statuses.values())} reads "
         f"(served from a cache: {served_cached:.1%})", ""),
        ("changes made", f"{len(saves)} in {elapsed:.0f} s, one every {elapsed / max(1, len(saves)):.2f} s "
         f"(asked: every {soak.args.publish_every} s); a save took p50 "
         f"{percentile(saves, 50) * 1000:.0f} ms, p99 {percentile(saves, 99) * 1000:.0f} ms", ""),
        ("publish-to-visible", f"p50 {percentile(pub, 50) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, "
         f"max {max(pub, default=float('nan')) * 1000:.0f} ms, from the save's start", "p99 < 1 s"),
        ("  across the edge restart", f"{len(across)} stories, up to {max(across, default=0) * 1000:.0f} "
         "ms (not in the figures above)" if window else "no restart in this run", ""),
        ("  before the failures", f"p50 {percentile(calm, 50) * 1000:.0f} ms, p99 "
         f"{percentile(calm, 99) * 1000:.0f} ms ({len(calm)} stories published in the first 40%)", ""),
        ("edit-to-visible", f"p50 {percentile(edits, 50) * 1000:.0f} ms, p99 "
         f"{percentile(edits, 99) * 1000:.0f} ms", ""),
        ("withdrawn-to-gone", f"{len(gone)} withdrawn, p50 {percentile(gone, 50) * 1000:.0f} ms, p99 "
         f"{percentile(gone, 99) * 1000:.0f} ms: a 404 from Varnish and each node ({len(not_gone)} not)",
         "p99 < 1 s"),
        ("replica's reads", "; ".join(f"{name} {share:.0%} ({n:,} rows)" for name, share, n in
         (faults.shares() if faults else [])) or "no replica faults", ">= 10% before its faults"),
        ("Varnish restarted", f"{restart:.1f} s without an edge; failed meanwhile: "
         f"{dict(sum((t.during_edge_restart for t in tallies), collections.Counter())) or 'none'}"
         if restart else "not in this run", "< 5 s"),
        ("GETs sent again", f"{sum(retried.values())} after a reset on a kept-alive connection "
         f"{dict(retried) or ''}".rstrip(), ""),
        ("home on each node", "; ".join(homes), ""),
    ]  # fmt: skip
    signed_ok = True
    if signed:
        after = next(n for n, row in enumerate(rows) if row[0] == "  behind Varnish") + 1
        rows[after:after] = signed_rows(signed)
        signed_edge, signed_steady = hit_share(signed.edge.edge), hit_share(signed.origin_steady.app)
        account = signed.account
        signed_ok = (
            signed.succeeded == signed.readers
            and not signed.errors
            and signed_edge >= 0.9
            and signed_steady >= 0.9
            and account.requests > 0
            and signed.account_shown == account.requests
            # The reader's own cookie never reaches a public page (where it could split the caches).
            and signed.cookie_sent["public", READER_COOKIE] == 0
        )
    print("[cluster] ---- result ----")
    a = soak.args
    who = f" ({signed.through_varnish} and {signed.direct} of them signed in)" if signed else ""
    print(
        f"{a.seconds:.0f} s soak, {a.readers} readers through Varnish + {a.origin_readers} direct{who}, a "
        f"publish or edit every {a.publish_every} s, 2 nodes x {a.workers} gunicorn workers, "
        f"{os.cpu_count()} CPUs"
    )
    for event in soak.events:
        print(f"  {event}")
    for latency, offset, url, _ in sorted(soak.slow, reverse=True)[:3]:
        print(f"  {offset:5.1f} s  slowest to show: {url} after {latency * 1000:.0f} ms")
    for latency, offset, url, port in sorted(getattr(soak, "slow_gone", []), reverse=True)[:3]:
        print(f"  {offset:5.1f} s  slowest to go: {url} after {latency * 1000:.0f} ms (last from :{port})")
    print(f"{'':24}{'measured':<70} target")
    for name, value, target in rows:
        print(f"{name:<24}{value:<70} {target}")
    errors = readers.server_errors + origin.server_errors + watchers.server_errors
    if signed:
        errors += signed.errors + signed.sign_in.server_errors + signed.account.server_errors
    for line in (errors + soak.editor_errors + soak.not_visible + not_gone)[:20]:
        print(f"  ! {line}")
    for line in problems[:20]:
        print(f"  ! {line}")
    return (
        five_xx == 0
        and failed == 0
        and not soak.editor_errors
        and not soak.not_visible
        and stories > 0
        and visible == stories
        and not problems
        and edge >= 0.9
        and steady >= 0.9
        and p99 < 1.0
        and not not_gone
        and (not gone or percentile(gone, 99) < 1.0)
        and (faults is None or faults.served_before_pause())
        and restart < 5.0
        and signed_ok
    )


def signed_rows(signed) -> list[tuple[str, str, str]]:
    """The signed-in readers' rows: their public pages' hit rates (targets like everyone's) and their own
    page, which passes the edge and the page cache by design and so is counted apart."""
    edge, steady = signed.edge, signed.origin_steady
    account, public = signed.account, signed.public_requests
    return [
        ("signed-in readers", f"{signed.succeeded} of {signed.readers} signed in by magic link "
         f"({signed.through_varnish} through Varnish, {signed.direct} direct)", "all"),
        ("  cookies kept", "; ".join(sorted(signed.cookies)) or "none", ""),
        ("  Varnish hit rate", f"{hit_share(edge.edge):.1%} of their {edge.requests} public pages "
         f"{dict(edge.edge)}", ">= 90%"),
        ("  page cache hit rate", f"{hit_share(steady.app):.1%} of their direct reads before the failover "
         f"{dict(steady.app)}", ">= 90%"),
        ("  whole run, direct", f"{hit_share(signed.origin.app):.1%} of {signed.origin.requests} "
         f"{dict(signed.origin.app)}", ""),
        ("  cookies sent", f"of {public} public pages: {signed.sent_on('public')}",
         f"no {READER_COOKIE!r}"),
        ("", f"of {account.requests} account pages: {signed.sent_on('account')}", ""),
        ("  account page", f"{account.requests} requests, {signed.account_shown} of them signed in "
         f"{dict(account.statuses)}", "all signed in"),
    ]  # fmt: skip
