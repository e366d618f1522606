"""The 500 page. It must render when the database (or the cache) is what failed."""

import contextlib

from django.core.cache import cache
from django.http import HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from articles.caching.site import SITE_CONTEXT_KEY


@requires_csrf_token
def server_error(request):
    # The outlet's name only if the cache already holds it: no query, no context processors.
    site = None
    with contextlib.suppress(Exception):
        site = cache.get(SITE_CONTEXT_KEY)
    outlet_name = site["outlet_name"] if isinstance(site, dict) else ""
    return HttpResponseServerError(loader.get_template("500.html").render({"outlet_name": outlet_name}))
