"""The site-wide context (settings, social links, navigation) read once and kept in the cache."""

import time

from articles.models import Section, SiteSettings

from . import store

SITE_CONTEXT_KEY = "site-context:v2"


def invalidate_site_context():
    store.delete(SITE_CONTEXT_KEY)


def site_context():
    cached = store.get(SITE_CONTEXT_KEY)
    if cached is not None:
        return cached
    settings_row = SiteSettings.objects.prefetch_related("social_links").filter(pk=1).first()
    value = {
        # Tells the header and footer rendered from an older value (templatetags chrome) apart.
        "version": time.time_ns(),
        "outlet_name": settings_row.outlet_name if settings_row else "Newsroom",
        "tagline": settings_row.tagline if settings_row else "",
        "description": settings_row.description if settings_row else "",
        "social_links": [
            {"network": link.network, "label": link.get_network_display(), "url": link.url}
            for link in (settings_row.social_links.all() if settings_row else [])
        ],
        "nav_sections": [
            {"name": s.name, "url": s.get_absolute_url(), "slug": s.slug}
            for s in Section.objects.filter(show_in_nav=True, parent__isnull=True)
        ],
    }
    store.set(SITE_CONTEXT_KEY, value, 3600)
    return value
