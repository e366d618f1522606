from django.conf import settings
from django.core.exceptions import BadRequest
from django.middleware import http
from django.urls import reverse
from django.utils.cache import get_conditional_response, set_response_etag
from django.utils.http import parse_http_date_safe


class ConditionalGetMiddleware(http.ConditionalGetMiddleware):
    """Django's, with HEAD answered as GET is: Django's skips HEAD (its body may be empty), but here a HEAD
    runs the same view and the server drops the body after, so it gets the GET's ETag and its 304. A
    client validating with HEAD, then GET, sees one ETag per encoding."""

    def process_response(self, request, response):
        if request.method not in ("GET", "HEAD"):
            return response
        if self.needs_etag(response) and not response.has_header("ETag"):
            set_response_etag(response)
        etag = response.get("ETag")
        last_modified = parse_http_date_safe(response.get("Last-Modified", "")) or None
        if etag or last_modified:
            return get_conditional_response(
                request, etag=etag, last_modified=last_modified, response=response
            )
        return response


class SecurityHeadersMiddleware:
    """Headers Django does not set itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class AdminQueryNulMiddleware:
    """A 400 for a NUL byte anywhere in an admin URL's query string.

    PostgreSQL refuses NUL in text, so any list filter, search or autocomplete term carrying one failed
    with a 500; one check here covers every admin screen. The public site's forms explain it themselves.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(reverse("admin:index")) and any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            raise BadRequest("NUL byte in the query string")
        return self.get_response(request)
