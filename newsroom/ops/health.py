"""Health endpoints for load balancers and orchestrators, answered before anything else runs.

- /healthz: the process is up and serving (no database, no cache): restart it if this fails.
- /readyz: the primary database answers (503 otherwise): send it traffic. The cache is reported but never
  fails it: without Redis pages still render, only slower.

The middleware sits first: probes come by IP over plain HTTP, so they skip the host check
(ALLOWED_HOSTS), the HTTPS redirect and the page cache, and they are never cached anywhere.
"""

import logging

from django.core.cache import cache
from django.db import DatabaseError, connections
from django.http import JsonResponse

log = logging.getLogger(__name__)

PATHS = ("/healthz", "/readyz")


def _database() -> bool:
    connection = connections["default"]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        log.warning("readiness: the database does not answer", exc_info=True)
        connection.close()  # the next probe connects afresh
        return False


def _cache() -> str:
    try:
        cache.get("readyz")
    except Exception:  # noqa: BLE001 - any cache failure is reported, never raised
        return "unavailable"
    return "ok"


def healthz() -> JsonResponse:
    return JsonResponse({"status": "ok"})


def readyz() -> JsonResponse:
    database = _database()
    body = {"status": "ok" if database else "unavailable", "database": "ok" if database else "unavailable"}
    body["cache"] = _cache()
    return JsonResponse(body, status=200 if database else 503)


class HealthMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info.rstrip("/")
        if path not in PATHS or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        response = healthz() if path == "/healthz" else readyz()
        response["Cache-Control"] = "no-store"
        return response
