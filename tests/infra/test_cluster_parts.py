"""The pure helpers of the cluster script (scripts/cluster_parts.py, cluster_readers.py): its VCL compiles,
its figures add up, its signed-in readers keep cookies as a browser does (RFC 6265 paths and expiry) and
the table fails when one of their targets is missed."""

import collections
import math
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from cluster_faults import ReplicaFaults  # noqa: E402
from cluster_parts import (  # noqa: E402
    EDGE_RESTARTING,
    READER_COOKIE,
    Tally,
    article_links,
    cluster_vcl,
    hit_rate,
    percentile,
    report,
)
from cluster_readers import CookieJar, SignedIn, default_path, path_matches, signed_in_count  # noqa: E402

from newsroom.readers import sessions  # noqa: E402
from tests.infra.engines import compile_vcl  # noqa: E402

VCL = (ROOT / "deploy" / "varnish" / "default.vcl").read_text()


def test_the_cluster_vcl_puts_every_node_behind_a_probed_director_and_compiles(tmp_path):
    vcl = cluster_vcl(VCL, [8171, 8172])
    assert "backend default" not in vcl
    assert vcl.count(".probe = healthz;") == 2
    assert '.port = "8171"' in vcl and '.port = "8172"' in vcl
    assert "nodes.add_backend(app0);" in vcl and "nodes.add_backend(app1);" in vcl
    assert "return (retry);" in vcl
    # The repository's rules are kept: purges by key, the pass for staff, the X-Edge header.
    assert "xkey.purge(req.http.xkey)" in vcl and 'set resp.http.X-Edge = "HIT";' in vcl
    compiled = compile_vcl(vcl, tmp_path)
    assert compiled.returncode == 0, compiled.stderr[-2000:]


def test_a_vcl_without_the_default_backend_is_refused():
    with pytest.raises(ValueError, match="backend default"):
        cluster_vcl("vcl 4.1;\nimport xkey;\n", [8171])


def test_percentile_is_the_nearest_rank():
    values = [float(n) for n in range(1, 101)]
    assert percentile(values, 50) == 50
    assert percentile(values, 99) == 99
    assert percentile(values, 100) == 100
    assert percentile([0.3], 99) == 0.3
    assert math.isnan(percentile([], 99))


def test_hit_rate_counts_hits_among_hits_misses_and_passes():
    assert hit_rate(collections.Counter(HIT=9, MISS=1, none=5)) == 0.9
    assert hit_rate(collections.Counter(HIT=1, PASS=1)) == 0.5
    assert math.isnan(hit_rate(collections.Counter(none=3)))


def test_article_links_are_story_links_only():
    html = (
        '<a href="/world/council-votes/">a</a><a href="/tag/harbour/">t</a><a href="/world/">s</a>'
        '<a href="/author/ana-lopes/">b</a><a href="/feeds/rss/">f</a><a href="/sport/cup-final/">c</a>'
    )
    assert article_links(html) == {"/world/council-votes/", "/sport/cup-final/"}


def test_the_app_cache_is_counted_only_on_responses_varnish_did_not_serve():
    tally = Tally()
    tally.record("/", 200, {"x-edge": "HIT", "x-cache": "MISS"})  # Varnish's copy of an old MISS
    tally.record("/", 200, {"x-edge": "MISS", "x-cache": "HIT"})
    tally.record("/x/", 503, {"x-edge": "MISS"})
    tally.fail("/y/", "ConnectionResetError")
    assert tally.app == {"HIT": 1, "none": 1}
    assert tally.edge == {"HIT": 1, "MISS": 2}
    assert (tally.requests, tally.five_xx) == (4, 1)
    assert tally.server_errors[0].startswith("503 /x/") and tally.server_errors[1].startswith(
        "ConnectionResetError /y/ (at "
    )


def _soak(**changes):
    """What report() reads of a finished soak: a clean run unless `changes` say otherwise."""
    readers, origin, steady = Tally(), Tally(), Tally()
    for _ in range(19):
        readers.record("/", 200, {"x-edge": "HIT"}, "home")
        origin.record("/", 200, {"x-cache": "HIT"}, "home")
        steady.record("/", 200, {"x-cache": "HIT"}, "home")
    readers.record("/", 200, {"x-edge": "MISS", "x-cache": "MISS"}, "home")
    soak = SimpleNamespace(
        args=SimpleNamespace(seconds=60, readers=8, origin_readers=2, publish_every=0.3, workers=2),
        readers=readers,
        watchers=Tally(),
        origin=origin,
        origin_steady=steady,
        published={1: {}, 2: {}},
        publish_latency=[0.2, 0.4],
        edit_latency=[0.1],
        edits=1,
        slow=[(0.4, 3.0, "/a/b/", True), (0.2, 30.0, "/a/c/", True)],
        editor_errors=[],
        not_visible=[],
        events=[],
    )
    for name, value in changes.items():
        setattr(soak, name, value)
    return soak


def test_the_table_passes_a_clean_run_and_fails_on_any_missed_target(capsys):
    assert report(_soak(), 60.0, 2, [], ["a"]) is True
    out = capsys.readouterr().out
    assert "Varnish hit rate" in out and "95.0%" in out and "p99 400 ms" in out
    assert report(_soak(), 60.0, 1, [], ["a"]) is False  # a story missing on a node
    assert report(_soak(publish_latency=[0.2, 1.5]), 60.0, 2, [], ["a"]) is False
    # A withdrawn story still served somewhere, or gone too slowly, fails the run.
    assert report(_soak(withdraw_latency=[0.3], not_gone=["/a/b/ still served"]), 60.0, 2, [], ["a"]) is False
    assert report(_soak(withdraw_latency=[0.3, 1.4]), 60.0, 2, [], ["a"]) is False
    assert report(_soak(withdraw_latency=[0.3, 0.5], changes=[0.1] * 120), 60.0, 2, [], ["a"]) is True
    out = capsys.readouterr().out
    assert "2 withdrawn, p50 300 ms, p99 500 ms" in out
    assert "120 in 60 s, one every 0.50 s (asked: every 0.3 s)" in out
    server_error = Tally()
    server_error.record("/", 503, {"x-edge": "MISS"})
    assert report(_soak(watchers=server_error), 60.0, 2, [], ["a"]) is False
    assert "503 /" in capsys.readouterr().out


def test_paths_match_as_in_rfc_6265():
    assert path_matches("/account/", "/account/") and path_matches("/account/x/", "/account/")
    assert path_matches("/account", "/account") and path_matches("/account/x", "/account")
    assert not path_matches("/accounts/", "/account") and not path_matches("/", "/account/")
    assert path_matches("/world/a/?page=2", "/")
    assert default_path("/account/sign-in/tok/") == "/account/sign-in/tok"
    assert default_path("/x") == "/" and default_path("") == "/"


def test_the_jar_sends_a_cookie_only_where_its_path_matches_and_until_it_expires():
    jar = CookieJar()
    jar.receive(
        "/account/sign-in/tok/",
        [
            "reader=abc:1:sig; Path=/account/; HttpOnly; SameSite=Lax; Max-Age=3600",
            "read_primary=1; Path=/; Max-Age=10",
            "gone=1; Path=/; Max-Age=0",
            "tls=1; Path=/; Secure",
        ],
    )
    assert jar.header("/account/") == "reader=abc:1:sig; read_primary=1"
    assert jar.header("/world/story/") == "read_primary=1"
    assert "gone" not in jar.describe() and "tls (Path=/, session)" in jar.describe()
    jar.receive("/account/", ["reader=; Path=/account/; expires=Thu, 01 Jan 1970 00:00:00 GMT"])
    assert jar.header("/account/") == "read_primary=1"
    jar.cookies["read_primary", "/"] = ("1", False, time.time() - 1)
    assert jar.header("/") == ""


def test_a_share_of_readers_signs_in_and_at_least_one():
    assert signed_in_count(8, 0.3) == 2 and signed_in_count(2, 0.3) == 1
    assert signed_in_count(2, 0) == 0 and signed_in_count(0, 0.5) == 0 and signed_in_count(3, 1) == 3


def _signed(*, cookie_on_public=False, shown=True) -> SignedIn:
    signed = SignedIn(1, 1)
    signed.succeeded = 2
    for tally, header in (
        (signed.edge, "x-edge"),
        (signed.origin, "x-cache"),
        (signed.origin_steady, "x-cache"),
    ):
        for _ in range(10):
            tally.record("/", 200, {header: "HIT"}, "home")
    signed.account.record("/account/", 200, {})
    signed.account_shown = 1 if shown else 0
    signed.sent("account", [READER_COOKIE])
    signed.sent("public", ["read_primary"] + ([READER_COOKIE] if cookie_on_public else []))
    return signed


def test_the_table_fails_when_a_signed_in_readers_target_is_missed(capsys):
    assert READER_COOKIE == sessions.COOKIE
    assert report(_soak(signed_in=_signed()), 60.0, 2, [], ["a"]) is True
    assert "signed-in readers" in capsys.readouterr().out
    assert report(_soak(signed_in=_signed(cookie_on_public=True)), 60.0, 2, [], ["a"]) is False
    assert report(_soak(signed_in=_signed(shown=False)), 60.0, 2, [], ["a"]) is False
    missed = _signed()
    missed.edge = Tally()
    missed.edge.record("/", 200, {"x-edge": "MISS"}, "home")
    assert report(_soak(signed_in=missed), 60.0, 2, [], ["a"]) is False


def _faults(*marks):
    faults = ReplicaFaults(1, 2, "db")
    faults.marks = [(name, {"primary": primary, "replica": replica}) for name, primary, replica in marks]
    return faults


def test_the_replica_must_have_served_a_real_share_of_reads_before_its_faults(capsys):
    serving = _faults(("start", 0, 0), ("pause", 600, 400), ("resume", 1600, 410), ("stop", 2000, 1000))
    assert [(name, round(share, 2), n) for name, share, n in serving.shares()] == [
        ("before the pause", 0.4, 400), ("while paused", 0.01, 10), ("after the resume", 0.6, 590),
    ]  # fmt: skip
    assert report(_soak(replica_faults=serving), 60.0, 2, [], ["a"]) is True
    assert "before the pause 40% (400 rows)" in capsys.readouterr().out
    # A replica nobody reads from (the router sending everything to the primary) fails the run.
    idle = _faults(("start", 0, 0), ("pause", 1000, 30), ("resume", 2000, 40))
    assert report(_soak(replica_faults=idle), 60.0, 2, [], ["a"]) is False
    assert report(_soak(replica_faults=_faults(("start", 0, 0))), 60.0, 2, [], ["a"]) is False


def test_what_fails_while_varnish_restarts_is_counted_apart_and_the_restart_must_be_short(capsys):
    readers = _soak().readers
    EDGE_RESTARTING.set()
    try:
        readers.fail("/", "ConnectionRefusedError")
    finally:
        EDGE_RESTARTING.clear()
    assert not readers.failures and readers.during_edge_restart == {"ConnectionRefusedError": 1}
    assert report(_soak(readers=readers, edge_restart_seconds=1.2), 60.0, 2, [], ["a"]) is True
    assert "1.2 s without an edge; failed meanwhile: {'ConnectionRefusedError': 1}" in capsys.readouterr().out
    assert report(_soak(edge_restart_seconds=6.0), 60.0, 2, [], ["a"]) is False
    readers.fail("/", "ConnectionRefusedError")  # after the restart: a failure like any other
    assert report(_soak(readers=readers), 60.0, 2, [], ["a"]) is False


def test_stories_that_waited_across_the_edge_restart_are_shown_apart(capsys):
    # One story published just before Varnish went away (at 40-42 s) waited for it to come back.
    slow = [(0.4, 3.0, "/a/b/", True), (2.5, 39.5, "/a/c/", True)]
    soak = _soak(
        publish_latency=[0.4, 2.5], slow=slow, edge_restart_window=(40.0, 42.0), edge_restart_seconds=2
    )
    assert report(soak, 60.0, 2, [], ["a"]) is True
    out = capsys.readouterr().out
    assert "1 stories, up to 2500 ms (not in the figures above)" in out and "p99 400 ms" in out
    # Outside the window, the same wait fails the run.
    assert (
        report(_soak(publish_latency=[0.4, 2.5], slow=[(2.5, 20.0, "/a/c/", True)]), 60.0, 2, [], ["a"])
        is False
    )
