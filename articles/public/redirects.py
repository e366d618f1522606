"""Old addresses answered with one redirect to where the page is now.

The site's own pages always win: a path is looked up only once the site has answered 404 for it, or, for
WordPress's query-string addresses on the home page (`/?p=4812`, which the home page would otherwise
answer), before. Outside the page cache, so a cached home page never hides `/?p=`. The 404s that stay
404s are counted for the editors (Redirects → 404s readers hit)."""

import re

from django.http import HttpResponsePermanentRedirect, HttpResponseRedirect
from django.utils.cache import patch_cache_control

from articles.models.redirects import QUERY_KEYS, normalise
from articles.redirects import services

PAGED = re.compile(r"^(.*)/page/\d{1,6}$")
SKIPPED = ("/admin/", "/api/", "/static/", "/preview/")
REDIRECT_SECONDS = 300  # the edge and browsers keep a redirect no longer than a changed one may be stale


class RedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or request.path.startswith(SKIPPED):
            return self.get_response(request)
        wordpress_query = request.path == "/" and any(key in QUERY_KEYS for key in request.GET)
        if wordpress_query and (found := services.find(normalise(request.get_full_path()))):
            return self._redirect(found)
        response = self.get_response(request)
        if response.status_code != 404:
            return response
        address = normalise(request.get_full_path())
        found = services.find(address)
        if found is None and "?" in address:
            found = services.find(address.split("?", 1)[0])
        if found is None and (paged := PAGED.match(address.split("?", 1)[0])):
            found = self._page(paged.group(1) or "/")
        if found is not None:
            return self._redirect(found)
        services.record_not_found(request)
        return response

    @staticmethod
    def _page(base: str):
        """WordPress's `/page/2/` of an archive it redirects: the archive here. Its page 2 held other
        stories than ours (another page size, another archive), and ours may have no page 2 at all."""
        if base == "/":
            return "/", True, None
        return services.find(base)

    @staticmethod
    def _redirect(found):
        target, permanent, redirect_id = found
        if redirect_id is not None:
            services.count_hit(redirect_id)
        response = (HttpResponsePermanentRedirect if permanent else HttpResponseRedirect)(target)
        patch_cache_control(response, public=True, max_age=REDIRECT_SECONDS)
        return response
