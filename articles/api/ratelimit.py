"""The read API's rate limits: a fixed window per client, counted in the shared cache (Redis).

Every server process counts in the same Redis key, in one atomic round trip (newsroom/redis_cache.py's
`count_in_window`), so a client cannot multiply its limit by the number of workers. Anonymous clients are
counted by address, keyed clients by key.

If Redis is down the API fails open: requests are served without a limit (and the outage is logged once,
caching/store.py). The API serves what the public site shows anyone without a limit; refusing every
partner because the cache is down would turn a cache outage into an API outage. Keys are still checked:
they live in PostgreSQL.
"""

from dataclasses import dataclass

from django.conf import settings

from articles.caching import store
from newsroom import proxies


@dataclass(frozen=True)
class Verdict:
    limit: int
    count: int
    reset: int  # seconds until the window ends

    @property
    def allowed(self) -> bool:
        return self.count <= self.limit

    @property
    def remaining(self) -> int:
        return max(self.limit - self.count, 0)

    def headers(self) -> dict[str, str]:
        # The IETF draft's names (draft-ietf-httpapi-ratelimit-headers), as GitHub and others send them.
        return {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset),
        }


def client_address(request) -> str:
    """The client's address as every part of the site reads it (newsroom/proxies.py: TRUSTED_PROXIES)."""
    return proxies.client_ip(request) or ""


def hit(bucket: str, limit: int) -> Verdict | None:
    """Count one request of `bucket` against `limit` per window; None when nothing can be counted."""
    counted = store.count_in_window(f"api-rate:{bucket}", settings.API_RATE_WINDOW)
    if counted is None:
        return None
    count, reset = counted
    return Verdict(limit=limit, count=count, reset=reset)
