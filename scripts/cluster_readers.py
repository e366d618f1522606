"""The signed-in readers of scripts/cluster_test.py: a browser's cookie jar (RFC 6265), their tallies, and
the two things only they do, signing in by magic link and opening their own page, /account/.

Pure but for the HTTP client passed in, so the jar can be unit-tested (tests/infra/test_cluster_parts.py).
"""

import collections
import contextlib
import http.client
import threading
import time
from email.utils import parsedate_to_datetime
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

from cluster_parts import Tally

ACCOUNT = "/account/"


def signed_in_count(threads: int, share: float) -> int:
    """How many of `threads` readers are signed in: `share` of them, rounded, and at least one when the
    share is above 0 (two direct readers at 0.3 would otherwise have none)."""
    if share <= 0 or threads <= 0:
        return 0
    return min(threads, max(1, round(threads * share)))


def default_path(request_path: str) -> str:
    """The cookie path of a Set-Cookie without a Path attribute (RFC 6265 5.1.4)."""
    path = urlsplit(request_path).path
    if not path.startswith("/") or path.count("/") == 1:
        return "/"
    return path[: path.rfind("/")]


def path_matches(request_path: str, cookie_path: str) -> bool:
    """Whether a request for `request_path` carries a cookie of `cookie_path` (RFC 6265 5.1.4)."""
    path = urlsplit(request_path).path or "/"
    if path == cookie_path:
        return True
    return path.startswith(cookie_path) and (cookie_path.endswith("/") or path[len(cookie_path)] == "/")


def expiry(morsel) -> float | None:
    """When a cookie set by `morsel` expires (a time.time() value), or None for a session cookie. Max-Age
    wins over Expires (RFC 6265 5.3, step 3); a value that does not parse is ignored, as browsers do."""
    if morsel["max-age"] != "":
        with contextlib.suppress(ValueError):
            return time.time() + int(morsel["max-age"])
    if morsel["expires"]:
        with contextlib.suppress(TypeError, ValueError):
            return parsedate_to_datetime(morsel["expires"]).timestamp()
    return None


class CookieJar:
    """The cookies a browser keeps for one host, as the soak needs them: each under its name and its Path
    (or the default path), until it expires, sent on a request only if the request's path path-matches it,
    a Secure one only over HTTPS (never, here). Every client of the soak talks to the one host 127.0.0.1
    (cookies ignore ports), so the Domain attribute changes nothing and is not read."""

    def __init__(self, https: bool = False):
        self.https = https
        # (name, path) -> (value, secure, expires at or None)
        self.cookies: dict[tuple[str, str], tuple[str, bool, float | None]] = {}

    def receive(self, request_path: str, set_cookies: list[str]) -> None:
        """Keep (or delete) what the Set-Cookie headers of the answer to `request_path` say."""
        for header in set_cookies:
            parsed = SimpleCookie()
            parsed.load(header)
            for name, morsel in parsed.items():
                path = morsel["path"] if morsel["path"].startswith("/") else default_path(request_path)
                # The value as it came (coded_value), as a browser sends back the bytes it was given.
                self.cookies[name, path] = (morsel.coded_value, bool(morsel["secure"]), expiry(morsel))
        self._forget_expired()

    def header(self, request_path: str) -> str:
        """The Cookie header for a request to `request_path` ("" for none): longer paths first."""
        self._forget_expired()
        sent = sorted(
            (
                (path, name, value)
                for (name, path), (value, secure, _) in self.cookies.items()
                if path_matches(request_path, path) and (self.https or not secure)
            ),
            key=lambda cookie: -len(cookie[0]),
        )
        return "; ".join(f"{name}={value}" for _, name, value in sent)

    def describe(self) -> str:
        """The cookies held now, with their paths and how long they live."""

        def life(expires: float | None) -> str:
            if expires is None:
                return "session"
            left = max(0.0, expires - time.time())
            return f"{left:.0f} s" if left < 86400 else f"{left / 86400:.0f} days"

        held = sorted((name, path, life(expires)) for (name, path), (_, _, expires) in self.cookies.items())
        return ", ".join(f"{name} (Path={path}, {left})" for name, path, left in held) or "no cookie"

    def _forget_expired(self) -> None:
        now = time.time()
        for key in [key for key, (_, _, expires) in self.cookies.items() if expires is not None]:
            if self.cookies[key][2] <= now:
                del self.cookies[key]


class SignedIn:
    """What the signed-in readers saw, apart from the other readers' tallies (their public pages are in
    those too): their public pages through Varnish, direct, and direct before the Redis failover; their
    visits to /account/ and how many showed them signed in; the requests of the sign-in itself."""

    def __init__(self, through_varnish: int, direct: int):
        self.through_varnish, self.direct = through_varnish, direct
        self.edge, self.origin, self.origin_steady = Tally(), Tally(), Tally()
        self.account, self.sign_in = Tally(), Tally()
        self.lock = threading.Lock()
        self.account_shown = 0  # /account/ visits that showed the reader's own address
        self.succeeded = 0  # readers whose sign-in worked
        # ("public" or "account", cookie name): requests that carried that cookie
        self.cookie_sent = collections.Counter()
        self.cookies: set[str] = set()  # what the readers' jars held after signing in
        self.errors: list[str] = []  # sign-ins that did not work, /account/ visits not signed in

    def problem(self, message: str) -> None:
        with self.lock:
            if len(self.errors) < 20:
                self.errors.append(message)

    def sent(self, where: str, names: list[str]) -> None:
        if names:
            with self.lock:
                self.cookie_sent.update((where, name) for name in names)

    def sent_on(self, where: str) -> str:
        names = sorted(name for place, name in self.cookie_sent if place == where)
        return ", ".join(f"{name} on {self.cookie_sent[where, name]}" for name in names) or "none"

    @property
    def readers(self) -> int:
        return self.through_varnish + self.direct

    @property
    def public_requests(self) -> int:
        return self.edge.requests + self.origin.requests


def sign_in(signed: "SignedIn", client, link: dict) -> str | None:
    """A signed-in reader's `client` (a cluster_engines.Client with a CookieJar) through the magic link's
    flow as a browser follows it: the link's page (GET), its button (POST), the
    redirect to /account/ with the cookie just set. The reader's address once it shows it signed in,
    else None (the problem is reported and the thread reads on as an anonymous reader)."""
    path = f"/account/sign-in/{link['token']}/"
    steps = []
    try:
        status, body, headers = client.get(path)
        signed.sign_in.record(path, status, headers)
        steps.append(f"GET {status}")
        if status == 200 and f'action="{path}"' in body:
            status, _, headers = client.post(path)
            signed.sign_in.record(path, status, headers)
            steps.append(f"POST {status}")
            target = urlsplit(headers.get("location", "")).path
            if status in (302, 303) and target:
                status, body, headers = client.get(target)
                signed.sign_in.record(target, status, headers)
                steps.append(f"GET {target} {status}")
                if status == 200 and f"<strong>{link['email']}</strong>" in body:
                    with signed.lock:
                        signed.succeeded += 1
                        signed.cookies.add(client.jar.describe())
                    return link["email"]
    except (OSError, http.client.HTTPException) as exc:
        signed.sign_in.fail(path, type(exc).__name__)
        steps.append(type(exc).__name__)
        client.close()
    signed.problem(f"{link['email']} not signed in on :{client.port} ({', '.join(steps)}; jar: "
                   f"{client.jar.describe()})")  # fmt: skip
    return None


def visit_account(signed: "SignedIn", client, email: str) -> None:
    """The reader's own page: passed by the edge and the page cache by design, so counted apart; it must
    show the reader signed in (their address), or it is a failed request."""
    try:
        status, body, headers = client.get(ACCOUNT)
    except (OSError, http.client.HTTPException) as exc:
        signed.account.fail(ACCOUNT, type(exc).__name__)
        client.close()
        return
    signed.sent("account", client.sent_cookies)
    if status == 200 and f"<strong>{email}</strong>" in body:
        signed.account.record(ACCOUNT, status, headers)
        with signed.lock:
            signed.account_shown += 1
    else:
        signed.account.fail(ACCOUNT, f"not signed in (HTTP {status})")
