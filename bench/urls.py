"""The project's URLs plus the framework floor, which only the benchmark's server has."""

from django.http import HttpResponse
from django.urls import path

from newsroom import urls as project


def floor(request):
    """A fixed string through the same middleware and server: what no page can beat."""
    return HttpResponse("ok", content_type="text/plain")


# First: the section route (<slug:slug>/) would otherwise take "__floor__".
urlpatterns = [path("__floor__/", floor), *project.urlpatterns]
# The project's error page applies on this server too.
handler500 = getattr(project, "handler500", "django.views.defaults.server_error")
