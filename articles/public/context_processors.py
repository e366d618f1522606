from django.conf import settings
from django.utils.functional import SimpleLazyObject

from articles.caching.site import site_context


def site(request):
    # Lazy: a view that read the site context with its own fragments passes it, and this is never read.
    return {"site": SimpleLazyObject(site_context), "SITE_URL": settings.SITE_URL}
