"""RSS 2.0 and Atom feeds: the whole site, each section, each tag and each author.

Tiny classes over `Article.objects.published()`. Links use SITE_URL (like canonical links), GUIDs are
tag: URIs built from the article's id, so a new slug, section or headline never makes an old story look
new to a reader, and the lead photo travels as Media RSS (`media:content`), which needs no byte length.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from taggit.models import Tag

from articles.caching.site import site_context
from articles.models import Article, ArticleAuthor, Author, Correction, Section
from articles.photos import renditions

FEED_SIZE = 30
MEDIA_NS = "http://search.yahoo.com/mrss/"
DC_NS = "http://purl.org/dc/elements/1.1/"
# The tag: URI's date must stay fixed forever; it is the year these GUIDs were first minted.
GUID_YEAR = 2026


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def article_guid(article_id: int) -> str:
    return f"tag:{urlsplit(settings.SITE_URL).hostname},{GUID_YEAR}:article:{article_id}"


def _add_media(handler, item):
    image = item.get("image")
    if not image:
        return
    handler.startElement(
        "media:content",
        {
            "url": image["url"],
            "type": "image/jpeg",
            "medium": "image",
            "width": str(image["width"]),
            "height": str(image["height"]),
        },
    )
    if image["description"]:
        handler.addQuickElement("media:description", image["description"], {"type": "plain"})
    if image["credit"]:
        handler.addQuickElement("media:credit", image["credit"])
    handler.endElement("media:content")


class MediaRssFeed(Rss201rev2Feed):
    """RSS 2.0 with every byline as dc:creator and the lead photo as media:content."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:dc": DC_NS, "xmlns:media": MEDIA_NS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for author in item["authors"]:
            handler.addQuickElement("dc:creator", author["name"])
        _add_media(handler, item)


class MediaAtomFeed(Atom1Feed):
    """Atom with one <author> per byline and the lead photo as media:content."""

    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:media": MEDIA_NS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for author in item["authors"]:
            handler.startElement("author", {})
            handler.addQuickElement("name", author["name"])
            handler.addQuickElement("uri", author["url"])
            handler.endElement("author")
        _add_media(handler, item)


class LatestFeed(Feed):
    """The newest published stories of the whole site."""

    url_name = "feed"

    def __init__(self, kind: str):
        self.kind = kind
        self.feed_type = MediaAtomFeed if kind == "atom" else MediaRssFeed

    # --- the feed ---

    def title(self, obj):
        return site_context()["outlet_name"]

    def description(self, obj):
        site = site_context()
        return site["description"] or site["tagline"] or f"The latest stories from {site['outlet_name']}."

    def subtitle(self, obj):
        # Atom's name for the description; RSS ignores it.
        return self.description(obj)

    def link(self, obj):
        return absolute(reverse("articles:home"))

    def feed_url(self, obj):
        kwargs = {"slug": obj.slug} if obj is not None else {}
        return absolute(reverse(f"articles:{self.url_name}_{self.kind}", kwargs=kwargs))

    def author_name(self, obj):
        # Atom needs an author for entries without a byline: the outlet stands behind them.
        return site_context()["outlet_name"]

    def filter(self, articles, obj):
        return articles

    def items(self, obj):
        articles = (
            Article.objects.published()
            .select_related("section", "lead_photo", "lead_photo__credit_source")
            .defer("body", "search_vector")
            .prefetch_related(
                Prefetch("articleauthor_set", queryset=ArticleAuthor.objects.select_related("author")),
                "tags",
            )
        )
        return self.filter(articles, obj)[:FEED_SIZE]

    # --- each story ---

    def item_title(self, item):
        return item.headline

    def item_description(self, item):
        # Both formats carry HTML here: escape, so a standfirst that mentions "<b>" shows as text.
        return escape(item.meta_description or item.standfirst or item.headline)

    def item_link(self, item):
        return absolute(item.get_absolute_url())

    def item_guid(self, item):
        return article_guid(item.pk)

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.modified_at

    def item_categories(self, item):
        return [item.section.name, *(tag.name for tag in item.tags.all())]

    def item_extra_kwargs(self, item):
        authors = [
            {"name": byline.author.name, "url": absolute(byline.author.get_absolute_url())}
            for byline in item.articleauthor_set.all()
        ]
        photo = item.lead_photo
        image = None
        if photo and photo.width:
            og = renditions.og_image(photo)
            image = {
                "url": absolute(og.url),
                "width": og.width,
                "height": og.height,
                "description": photo.alt_text,
                "credit": photo.credit,
            }
        return {"authors": authors, "image": image}


class SectionFeed(LatestFeed):
    url_name = "section_feed"

    def get_object(self, request, slug):
        return get_object_or_404(Section, slug=slug)

    def title(self, obj):
        return f"{obj.name} | {site_context()['outlet_name']}"

    def description(self, obj):
        return obj.description or f"The latest {obj.name} stories from {site_context()['outlet_name']}."

    def link(self, obj):
        return absolute(obj.get_absolute_url())

    def filter(self, articles, obj):
        # A parent section's page lists its sub-sections' stories too; so does its feed.
        return articles.in_section(obj)


class TagFeed(LatestFeed):
    url_name = "tag_feed"

    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def title(self, obj):
        return f"{obj.name} | {site_context()['outlet_name']}"

    def description(self, obj):
        return f"Stories about {obj.name} from {site_context()['outlet_name']}."

    def link(self, obj):
        return absolute(reverse("articles:tag", kwargs={"slug": obj.slug}))

    def filter(self, articles, obj):
        return articles.filter(tags=obj)


class AuthorFeed(LatestFeed):
    url_name = "author_feed"

    def get_object(self, request, slug):
        return get_object_or_404(Author, slug=slug)

    def title(self, obj):
        return f"{obj.name} | {site_context()['outlet_name']}"

    def description(self, obj):
        return obj.bio or f"Stories by {obj.name} for {site_context()['outlet_name']}."

    def link(self, obj):
        return absolute(obj.get_absolute_url())

    def filter(self, articles, obj):
        return articles.filter(authors=obj)


class CorrectionsFeed(Feed):
    """Every correction and update note on a published story, newest first."""

    feed_type = Rss201rev2Feed

    def title(self):
        return f"{site_context()['outlet_name']}: corrections and updates"

    def link(self):
        return absolute(reverse("articles:corrections"))

    def description(self):
        return "Corrections and updates to our published stories."

    def items(self):
        return (
            Correction.objects.filter(article__in=Article.objects.published())
            .select_related("article__section")
            .order_by("-created_at", "-id")[:FEED_SIZE]
        )

    def item_title(self, item):
        return f"{item.get_kind_display()}: {item.article.headline}"

    def item_description(self, item):
        return escape(item.text)

    def item_link(self, item):
        return absolute(item.get_absolute_url())

    def item_guid(self, item):
        return f"tag:{urlsplit(settings.SITE_URL).hostname},{GUID_YEAR}:correction:{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.created_at


# Included under "feeds/" by articles/urls.py: /feeds/rss/, /feeds/section/world/atom/ ...
urlpatterns = [
    path("corrections/rss/", CorrectionsFeed(), name="corrections_feed"),
    *[
        route
        for kind in ("rss", "atom")
        for route in (
            path(f"{kind}/", LatestFeed(kind), name=f"feed_{kind}"),
            path(f"section/<slug:slug>/{kind}/", SectionFeed(kind), name=f"section_feed_{kind}"),
            path(f"tag/<slug:slug>/{kind}/", TagFeed(kind), name=f"tag_feed_{kind}"),
            path(f"author/<slug:slug>/{kind}/", AuthorFeed(kind), name=f"author_feed_{kind}"),
        )
    ],
]
