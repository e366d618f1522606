"""Sitemaps (an index of paginated sitemaps), the Google News sitemap and robots.txt.

Every location is built from SITE_URL, like canonical links, whatever host the request came in on.
Listings (sections, tags, authors) appear only while they have a published story, and their lastmod is
that story's publish time, found by a subquery, so no sitemap costs a query per item.
"""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem, x_robots_tag
from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.core.paginator import Paginator
from django.db.models import Max, OuterRef, Q, Subquery
from django.http import HttpResponse
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import http_date
from taggit.models import Tag

from articles.caching import keys, store
from articles.caching.site import site_context
from articles.models import Article, Author, LiveCoverage, Section, published_q, section_q

NEWS_WINDOW = timedelta(hours=48)
NEWS_MAX_URLS = 1000  # Google News reads at most this many per sitemap


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


class SiteSitemap(Sitemap):
    """Locations on SITE_URL; an empty sitemap has no page at all (a <urlset> needs one <url>)."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc

    @property
    def paginator(self):
        return Paginator(self._items(), self.limit, allow_empty_first_page=False)


def _latest_published(**filters):
    return Article.objects.published().filter(**filters).aggregate(latest=Max("published_at"))["latest"]


class PagesSitemap(SiteSitemap):
    """The pages that are not listings of one thing; it keeps the index from ever being empty."""

    def items(self):
        return ["articles:home", "articles:corrections", "articles:corrections_policy"]

    def location(self, item):
        return reverse(item)


class ArticleSitemap(SiteSitemap):
    limit = 5000

    def items(self):
        return (
            Article.objects.published()
            .select_related("section")
            .only("id", "slug", "published_at", "content_modified_at", "revised_at", "section__slug")
            .order_by("-published_at", "-id")
        )

    def lastmod(self, item):
        # The story's one modified time, as its page and feeds state it.
        return item.modified_at

    def get_latest_lastmod(self):
        latest = Article.objects.published().aggregate(
            published=Max("published_at"), edited=Max("content_modified_at"), noted=Max("revised_at")
        )
        return max(filter(None, latest.values()), default=None)


class ListingSitemap(SiteSitemap):
    """Sections, tags or authors with at least one published story, lastmod its newest one."""

    model = None
    order = ("pk",)

    def stories(self):
        """Published stories of the listing OuterRef("pk")."""
        raise NotImplementedError

    def items(self):
        newest = self.stories().order_by("-published_at").values("published_at")[:1]
        return (
            self.model.objects.annotate(last_published=Subquery(newest))
            .filter(last_published__isnull=False)
            .order_by(*self.order)
        )

    def lastmod(self, item):
        return item.last_published


class SectionSitemap(ListingSitemap):
    model = Section
    order = ("order", "name")

    def stories(self):
        return Article.objects.published().filter(section_q(OuterRef("pk")))

    def get_latest_lastmod(self):
        return _latest_published()


class AggregateListingSitemap(ListingSitemap):
    """Tags or authors with a published story, from one GROUP BY over the link table, kept for a while.

    That GROUP BY reads every link (hundreds of thousands on a large archive, about 300 ms), and the page
    cache is superseded by every publish. A crawler can wait LISTING_SITEMAP_SECONDS for a new tag's
    entry, so the list is kept that long whatever is published meanwhile.
    """

    path = ""
    route = ""

    def items(self):
        return self._kept_rows

    @cached_property
    def _kept_rows(self):
        # Read once per request: the paginator and the lastmod both ask.
        key = f"sitemap-listing:{self.route}"
        rows = store.call("get", key) if settings.LISTING_SITEMAP_SECONDS else None
        if rows is None:
            rows = self._rows()
            if settings.LISTING_SITEMAP_SECONDS:
                store.call("set", key, rows, settings.LISTING_SITEMAP_SECONDS)
        # (slug, newest publish time) pairs as they are: building an object for each of thousands of
        # tags cost the index more than its queries.
        return rows

    def _rows(self) -> list[tuple[str, object]]:
        live = published_q(prefix=f"{self.path}__")
        return list(
            self.model.objects.annotate(last_published=Max(f"{self.path}__published_at", filter=live))
            .filter(last_published__isnull=False)
            .order_by(*self.order)
            .values_list("slug", "last_published")
        )

    def location(self, item):
        return reverse(self.route, kwargs={"slug": item[0]})

    def lastmod(self, item):
        return item[1]

    def get_latest_lastmod(self):
        return max((at for _, at in self.items()), default=None)


class TagSitemap(AggregateListingSitemap):
    model = Tag
    order = ("name",)
    path = "article"
    route = "articles:tag"


class AuthorSitemap(AggregateListingSitemap):
    model = Author
    order = ("name",)
    path = "articles"
    route = "articles:author"


SITEMAPS = {
    "pages": PagesSitemap,
    "articles": ArticleSitemap,
    "sections": SectionSitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
}


@x_robots_tag
def index(request):
    """The sitemap index: every page of every non-empty sitemap, with its newest lastmod."""
    entries = []
    for section, sitemap_class in SITEMAPS.items():
        sitemap = sitemap_class()
        pages = sitemap.paginator.num_pages
        if not pages:
            continue
        location = absolute(reverse("articles:sitemap_section", kwargs={"section": section}))
        lastmod = sitemap.get_latest_lastmod()
        entries.append(SitemapIndexItem(location, lastmod))
        entries += [SitemapIndexItem(f"{location}?p={page}", lastmod) for page in range(2, pages + 1)]
    newest = max((e.last_mod for e in entries if e.last_mod), default=None)
    return TemplateResponse(
        request,
        "sitemap_index.xml",
        {"sitemaps": entries},
        content_type="application/xml",
        headers={"Last-Modified": http_date(newest.timestamp())} if newest else None,
    )


def section(request, section):
    return sitemap_view(request, SITEMAPS, section=section, template_name="sitemaps/urlset.xml")


def _news_language() -> str:
    # Google wants an ISO 639 code; only Chinese keeps its region.
    code = settings.LANGUAGE_CODE.lower()
    return code if code in ("zh-cn", "zh-tw") else code.split("-")[0]


@x_robots_tag
def news(request):
    """Google News: the stories published in the last 48 hours, newest first, and the live stories updated
    in them (their ids first, so each side reads its own index)."""
    since = timezone.now() - NEWS_WINDOW
    live = LiveCoverage.objects.filter(article__revised_at__gte=since).values_list("article_id", flat=True)
    articles = (
        Article.objects.published()
        .filter(Q(published_at__gte=since) | Q(pk__in=list(live)))
        .select_related("section")
        .only("id", "slug", "headline", "published_at", "section__slug")
        .order_by("-published_at", "-id")[:NEWS_MAX_URLS]
    )
    return render(
        request,
        "sitemaps/news.xml",
        {
            "articles": articles,
            "publication_name": site_context()["outlet_name"],
            "language": _news_language(),
        },
        content_type="application/xml",
    )


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /preview/",
        # Result pages are endless combinations of the same stories.
        "Disallow: /search/",
        "",
        f"Sitemap: {absolute(reverse('articles:sitemap'))}",
        f"Sitemap: {absolute(reverse('articles:news_sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


# Included at the site's root by articles/urls.py.
urlpatterns = [
    path("robots.txt", robots_txt, name="robots_txt"),
    path("sitemap.xml", keys.tagged(keys.SITEMAPS)(index), name="sitemap"),
    path("sitemap-news.xml", keys.tagged(keys.SITEMAPS)(news), name="news_sitemap"),
    path("sitemap-<slug:section>.xml", keys.tagged(keys.SITEMAPS)(section), name="sitemap_section"),
]
