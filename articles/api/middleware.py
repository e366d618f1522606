import json

from django.conf import settings
from django.http import HttpResponse

from . import keys, ratelimit

API_PATH = "/api/"


def problem(status: int, detail: str, **headers) -> HttpResponse:
    response = HttpResponse(json.dumps({"detail": detail}), status=status, content_type="application/json")
    response["Cache-Control"] = "no-store"
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def presented_key(request) -> str | None:
    """The key from `Authorization: Bearer <key>` or `X-Api-Key: <key>`; None when the client sent none.
    Other authorisation schemes (a staging site's Basic auth) are not ours and are left alone."""
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        return credentials.strip()
    if "X-Api-Key" in request.headers:
        return request.headers["X-Api-Key"].strip()
    return None


class ApiGateMiddleware:
    """API keys and rate limits for /api/, before the page cache: a cached answer is still counted, and a
    revoked key is refused on its next request whatever the cache holds.

    A key is looked up in the database on every request (never cached), so revoking it takes effect at
    once, on every server. Limits are counted in Redis (ratelimit.py), shared by every process.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(API_PATH):
            return self.get_response(request)
        raw = presented_key(request)
        if raw is None:
            bucket, limit = f"ip:{ratelimit.client_address(request)}", settings.API_ANON_RATE
        else:
            known = keys.recognise(raw) if raw else None
            if known is None or known.revoked:
                detail = "This API key has been revoked." if known else "This API key is not valid."
                return problem(
                    401,
                    f"{detail} Ask the newsroom for a key, or send none for the anonymous rate limit.",
                    WWW_Authenticate=f'Bearer error="invalid_token", error_description="{detail}"',
                )
            bucket, limit = f"key:{known.id}", known.rate_limit or settings.API_KEY_RATE
        verdict = ratelimit.hit(bucket, limit)
        if verdict is not None and not verdict.allowed:
            keyed = "" if raw is None else " for this key"
            hint = " Send an API key for a higher limit." if raw is None else ""
            response = problem(
                429,
                f"Rate limit of {limit} requests per {settings.API_RATE_WINDOW} seconds{keyed} reached: "
                f"retry after {verdict.reset} seconds.{hint}",
                Retry_After=str(verdict.reset),
            )
        elif request.method == "HEAD":
            # Answered as the GET it asks about (the framework routes GET only), without the body.
            request.method = "GET"
            response = self.get_response(request)
            request.method = "HEAD"
            # The body stays for the middleware outside (the ETag, compression: the GET's, per encoding);
            # the server drops it from a HEAD's answer.
        else:
            response = self.get_response(request)
        if verdict is not None:
            for name, value in verdict.headers().items():
                response[name] = value
        return response
