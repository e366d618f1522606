"""Purging the edge cache by surrogate key (keys.py), after the commit, through the task queue.

EDGE_PURGE_BACKEND picks the backend: "varnish" (an HTTP PURGE with an `xkey` header to each of
VARNISH_PURGE_URLS; deploy/varnish/default.vcl answers it), "fastly" (the batch purge API, a
`Surrogate-Key` header, FASTLY_SERVICE_ID and FASTLY_API_TOKEN), "cloudflare" (`purge_cache` with
`tags`, CLOUDFLARE_ZONE_ID and CLOUDFLARE_API_TOKEN), or "none". Each request gives up after
EDGE_PURGE_TIMEOUT seconds. A failed purge is logged, never raised: the write is committed, and the
page's short `s-maxage` (edge.py) ends what the purge could not.
"""

import json
import logging
import urllib.error
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.tasks import task
from django.utils import timezone

log = logging.getLogger(__name__)

# A request in flight when the first purge ran can put the old page back at the edge just after it: where
# the task backend can defer, a second purge follows this much later.
REPURGE_AFTER = timedelta(seconds=2)


class PurgeFailed(Exception):
    pass


def _send(method: str, url: str, *, headers: dict, body: bytes | None = None) -> bytes:
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=settings.EDGE_PURGE_TIMEOUT) as response:  # noqa: S310
            return response.read()
    except urllib.error.HTTPError as exc:
        raise PurgeFailed(f"{method} {url} answered {exc.code}: {exc.read()[:200]!r}") from None
    except (OSError, urllib.error.URLError) as exc:  # refused, timed out, DNS...
        raise PurgeFailed(f"{method} {url} failed: {exc}") from None


def _batches(keys: list[str], size: int):
    for start in range(0, len(keys), size):
        yield keys[start : start + size]


class NoPurge:
    def purge(self, keys: list[str]) -> None:
        pass


class Varnish:
    """PURGE / with `xkey: <keys>` to every Varnish: each keeps its own objects."""

    # Keys per request: slugs make keys up to ~200 characters, and Varnish refuses a header over 8 KB.
    batch = 30

    def __init__(self, urls: list[str]):
        self.urls = [url.rstrip("/") + "/" for url in urls]

    def purge(self, keys: list[str]) -> None:
        failures = []
        for url in self.urls:
            for batch in _batches(keys, self.batch):
                try:
                    _send("PURGE", url, headers={"xkey": " ".join(batch)})
                except PurgeFailed as exc:
                    failures.append(str(exc))
                    break  # this host is down or refusing: the next host still gets its purge
        if failures:
            raise PurgeFailed("; ".join(failures))


class Fastly:
    """POST /service/<id>/purge with the keys in a `Surrogate-Key` header, at most 256 per request."""

    batch = 256

    def __init__(self, *, service_id: str, token: str, api_url: str):
        self.url = f"{api_url.rstrip('/')}/service/{service_id}/purge"
        self.token = token

    def purge(self, keys: list[str]) -> None:
        for batch in _batches(keys, self.batch):
            headers = {"Fastly-Key": self.token, "Accept": "application/json"}
            _send("POST", self.url, headers={**headers, "Surrogate-Key": " ".join(batch)})


class Cloudflare:
    """POST zones/<zone>/purge_cache {"tags": [...]}, at most 100 tags per request."""

    batch = 100

    def __init__(self, *, zone_id: str, token: str, api_url: str):
        self.url = f"{api_url.rstrip('/')}/zones/{zone_id}/purge_cache"
        self.token = token

    def purge(self, keys: list[str]) -> None:
        for batch in _batches(keys, self.batch):
            body = json.dumps({"tags": batch}).encode()
            headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
            answer = _send("POST", self.url, headers=headers, body=body)
            try:
                ok = json.loads(answer).get("success") is True
            except (ValueError, AttributeError):
                ok = False
            if not ok:
                raise PurgeFailed(f"POST {self.url} did not succeed: {answer[:200]!r}")


def backend():
    """The purge backend the settings name."""
    name = settings.EDGE_PURGE_BACKEND
    if name == "varnish":
        return Varnish(settings.VARNISH_PURGE_URLS)
    if name == "fastly":
        return Fastly(
            service_id=settings.FASTLY_SERVICE_ID,
            token=settings.FASTLY_API_TOKEN,
            api_url=settings.FASTLY_API_URL,
        )
    if name == "cloudflare":
        return Cloudflare(
            zone_id=settings.CLOUDFLARE_ZONE_ID,
            token=settings.CLOUDFLARE_API_TOKEN,
            api_url=settings.CLOUDFLARE_API_URL,
        )
    return NoPurge()


def purge(keys: list[str]) -> bool:
    """Purge the pages carrying any of `keys` now; False (and a warning in the log) if it failed."""
    try:
        backend().purge(sorted(keys))
    except Exception:  # noqa: BLE001 - committed already; the short s-maxage covers a lost purge
        log.warning("edge purge of %d keys failed; those pages stay until s-maxage", len(keys), exc_info=True)
        return False
    return True


@task
def purge_task(keys: list[str]) -> bool:
    return purge(keys)


def purge_later(keys) -> None:
    """Queue a purge of `keys` (called after the commit): the task worker sends it, or, with Django's
    default task backend, this process at once."""
    if not keys or settings.EDGE_PURGE_BACKEND == "none":
        return
    ordered = sorted(keys)
    try:
        purge_task.enqueue(ordered)
        if purge_task.get_backend().supports_defer:
            purge_task.using(run_after=timezone.now() + REPURGE_AFTER).enqueue(ordered)
    except Exception:  # noqa: BLE001 - the write is committed; s-maxage covers it
        log.warning("could not queue the edge purge of %d keys", len(ordered), exc_info=True)
