"""The site-wide context (settings, social links, navigation, the breaking news banner) read once and kept
in the cache."""

import time
from urllib.parse import urlsplit

from articles.models import BreakingBanner, Section, SiteSettings

from . import store

SITE_CONTEXT_KEY = "site-context:v4"


def invalidate_site_context():
    store.delete(SITE_CONTEXT_KEY)


def site_context():
    cached = store.get(SITE_CONTEXT_KEY)
    if cached is not None:
        return cached
    settings_row = SiteSettings.objects.prefetch_related("social_links").filter(pk=1).first()
    outlet = settings_row.outlet_name if settings_row else "Newsroom"
    about = settings_row and (settings_row.description or settings_row.tagline)
    links = list(settings_row.social_links.all()) if settings_row else []
    value = {
        # Tells the header and footer rendered from an older value (templatetags chrome) apart.
        "version": time.time_ns(),
        "outlet_name": outlet,
        "tagline": settings_row.tagline if settings_row else "",
        "description": settings_row.description if settings_row else "",
        # Every page's description where it has none of its own (and the social cards').
        "default_description": about or f"The latest news from {outlet}.",
        "social_links": [
            {"network": link.network, "label": link.get_network_display(), "url": link.url} for link in links
        ],
        "twitter_site": next((_x_handle(link.url) for link in links if link.network == "x"), ""),
        "nav_sections": [
            {"name": s.name, "url": s.get_absolute_url(), "slug": s.slug}
            for s in Section.objects.filter(show_in_nav=True, parent__isnull=True)
        ],
        # Kept with its expiry: the page hides it from then on (templatetags/frontpage.py), and the page
        # cache supersedes its pages at that time (pagecache.py).
        "banner": BreakingBanner.objects.showing().values("text", "link", "expires_at").first(),
    }
    store.set(SITE_CONTEXT_KEY, value, 3600)
    return value


def _x_handle(url: str) -> str:
    """ "@name" from an X (Twitter) profile URL, for twitter:site; "" when the URL names no profile."""
    name = urlsplit(url).path.strip("/").split("/")[0]
    return f"@{name}" if name.replace("_", "").isalnum() else ""
