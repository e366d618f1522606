from django.conf import settings

from .cache import site_context


def site(request):
    return {"site": site_context(), "SITE_URL": settings.SITE_URL}
