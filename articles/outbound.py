"""Outbound HTTP, the one way the site reaches other servers: wire feeds, agency pictures, webhooks.

Every request resolves the host name and refuses it if ANY of its addresses is private, loopback,
link-local, multicast or reserved (unless OUTBOUND_ALLOW_PRIVATE_ADDRESSES, which the tests set), then
connects to the address it checked (a second DNS answer cannot swap it), so a feed URL cannot be used to
reach the machine's own services or its network. Redirects are followed by hand and checked the same
way. Each request has a timeout (per read, and for the whole body) and a size limit. Error messages name
the URL's host and what went wrong, never the request's headers (credentials).
"""

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings

REDIRECTS = {301, 302, 303, 307, 308}
USER_AGENT = "Newsroom/1.0 (+wire ingest and webhooks)"
CHUNK = 64 * 1024


class OutboundError(Exception):
    """A request that could not be made or answered, said for an editor's status column."""


@dataclass
class Response:
    status: int
    headers: dict  # names lower-cased
    body: bytes
    url: str


def _allowed(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(host: str, port: int) -> list[str]:
    """The host's addresses, every one of them allowed, or OutboundError."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise OutboundError(f"cannot resolve {host}: {exc}") from exc
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not settings.OUTBOUND_ALLOW_PRIVATE_ADDRESSES:
        refused = [a for a in addresses if not _allowed(a)]
        if refused:
            raise OutboundError(
                f"refused: {host} resolves to a private, loopback or reserved address ({refused[0]})"
            )
    return addresses


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host, port, *, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host, port, *, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def check_url(url: str) -> None:
    """Raise OutboundError for a URL this module would not fetch (scheme, credentials in it, host)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise OutboundError("only http and https URLs can be fetched")
    if parts.username or parts.password:
        raise OutboundError("put credentials in the credentials fields, not in the URL")


def _once(method, url, *, headers, body, max_bytes, deadline, timeout) -> Response:
    check_url(url)
    parts = urlsplit(url)
    https = parts.scheme == "https"
    port = parts.port or (443 if https else 80)
    address = resolve(parts.hostname, port)[0]
    connection_class = _PinnedHTTPS if https else _PinnedHTTP
    conn = connection_class(parts.hostname, port, address=address, timeout=timeout)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        conn.request(method, path, body=body, headers={"User-Agent": USER_AGENT, **headers})
        response = conn.getresponse()
        length = response.getheader("Content-Length")
        if length and length.isdigit() and int(length) > max_bytes:
            raise OutboundError(f"the response is larger than {max_bytes} bytes ({int(length)})")
        chunks, size = [], 0
        while chunk := response.read(CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise OutboundError(f"the response is larger than {max_bytes} bytes")
            if time.monotonic() > deadline:
                raise OutboundError(f"timed out after {timeout:g} s")
            chunks.append(chunk)
        headers_out = {name.lower(): value for name, value in response.getheaders()}
        return Response(response.status, headers_out, b"".join(chunks), url)
    except TimeoutError as exc:
        raise OutboundError(f"timed out after {timeout:g} s") from exc
    except ssl.SSLError as exc:
        raise OutboundError(f"TLS error with {parts.hostname}: {exc.reason or exc}") from exc
    except (OSError, http.client.HTTPException) as exc:
        raise OutboundError(f"{parts.hostname}: {type(exc).__name__}: {exc}") from exc
    finally:
        conn.close()


def fetch(
    url: str,
    *,
    method: str = "GET",
    headers: dict | None = None,
    body: bytes | None = None,
    max_bytes: int | None = None,
    timeout: float | None = None,
    redirects: int = 3,
) -> Response:
    """Make the request, following up to `redirects` redirects (each checked like the first)."""
    timeout = timeout or settings.OUTBOUND_TIMEOUT_SECONDS
    max_bytes = max_bytes or settings.WIRE_MAX_BYTES
    deadline = time.monotonic() + timeout * 3
    headers = dict(headers or {})
    for _ in range(redirects + 1):
        response = _once(
            method, url, headers=headers, body=body, max_bytes=max_bytes, deadline=deadline, timeout=timeout
        )
        location = response.headers.get("location")
        if response.status not in REDIRECTS or not location or not redirects:
            return response
        target = urljoin(url, location)
        if urlsplit(target).netloc != urlsplit(url).netloc:
            headers = {}  # credentials go to the host they were set up for, never on to another
        url = target
        if response.status == 303:
            method, body = "GET", None
    raise OutboundError(f"more than {redirects} redirects")
