from django.conf import settings
from django.core.exceptions import BadRequest
from django.urls import reverse


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
