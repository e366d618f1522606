"""The cluster soak's signed-in readers (scripts/cluster_readers.py): a cookie jar that keeps and sends
cookies as a browser does (RFC 6265 paths and expiry), and the table failing when a signed-in reader's
targets are missed, the reader's own cookie sent on a public page among them."""

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from cluster_parts import READER_COOKIE, Tally, report  # noqa: E402
from cluster_readers import CookieJar, SignedIn, default_path, path_matches, signed_in_count  # noqa: E402

from newsroom.readers import sessions  # noqa: E402
from tests.infra.test_cluster_parts import _soak  # noqa: E402


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
