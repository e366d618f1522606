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
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape, format_html
from taggit.models import Tag

from articles.blocks.render import feed_bodies
from articles.caching import keys
from articles.caching.site import site_context
from articles.guids import GUID_YEAR, article_guid
from articles.images import renditions, storage
from articles.models import Article, ArticleAuthor, Author, Correction, Section
from articles.sanitize import strip_control

FEED_SIZE = 30
MEDIA_NS = "http://search.yahoo.com/mrss/"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
LOGO = {"path": "img/logo.png", "width": 600, "height": 60}
ICON = "img/favicon.svg"
FIGURE = '<figure><img src="{}" alt="{}" width="{}" height="{}"><figcaption>{}</figcaption></figure>'


# The tag: URI's date must stay fixed forever; it is the year these GUIDs were first minted.
def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


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
    # No media:description: feed readers show it as the story, and a photo's alt text is not the story.
    if image["credit"]:
        handler.addQuickElement("media:credit", image["credit"])
    handler.endElement("media:content")


def _xml_safe(value):
    """`value` (and any strings inside it) without the control characters XML 1.0 cannot carry."""
    if isinstance(value, str):
        return strip_control(value)
    if isinstance(value, list | tuple):
        return type(value)(_xml_safe(v) for v in value)
    if isinstance(value, dict):
        return {k: _xml_safe(v) for k, v in value.items()}
    return value


class XmlSafeFeed:
    """Strips what XML 1.0 forbids on the way out: a stored value that slipped past the way in (an old
    row, a bulk import) must not turn the whole feed into a 500."""

    def __init__(self, *args, **kwargs):
        super().__init__(*_xml_safe(args), **_xml_safe(kwargs))

    def add_item(self, *args, **kwargs):
        super().add_item(*_xml_safe(args), **_xml_safe(kwargs))


class SafeRssFeed(XmlSafeFeed, Rss201rev2Feed):
    pass


class MediaRssFeed(XmlSafeFeed, Rss201rev2Feed):
    """RSS 2.0 with every byline as dc:creator and the lead photo as media:content."""

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:dc": DC_NS,
            "xmlns:media": MEDIA_NS,
            "xmlns:content": CONTENT_NS,
        }

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        # RSS 2.0 caps the channel image at 144x400; the logo is scaled into that box by the reader.
        handler.startElement("image", {})
        handler.addQuickElement("url", absolute(static(LOGO["path"])))
        handler.addQuickElement("title", self.feed["title"])
        handler.addQuickElement("link", self.feed["link"])
        handler.addQuickElement("width", "144")
        handler.addQuickElement("height", str(144 * LOGO["height"] // LOGO["width"]))
        handler.endElement("image")

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for author in item["authors"]:
            handler.addQuickElement("dc:creator", author["name"])
        if item.get("content"):
            handler.addQuickElement("content:encoded", item["content"])
        _add_media(handler, item)


class MediaAtomFeed(XmlSafeFeed, Atom1Feed):
    """Atom with one <author> per byline and the lead photo as media:content."""

    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:media": MEDIA_NS}

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        handler.addQuickElement("icon", absolute(static(ICON)))
        handler.addQuickElement("logo", absolute(static(LOGO["path"])))

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})
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
        # Readers treat an RSS channel's description as HTML, like an item's: escape it the same way.
        return escape(self.about(obj))

    def subtitle(self, obj):
        # Atom's name for the description (plain text there); RSS ignores it.
        return self.about(obj)

    def about(self, obj):
        site = site_context()
        return site["description"] or site["tagline"] or f"The latest stories from {site['outlet_name']}."

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

    def list_key(self, obj) -> str:
        return keys.FEEDS

    def items(self, obj):
        articles = (
            Article.objects.published()
            .select_related("section", "lead_photo", "lead_photo__credit_source")
            .defer("search_vector")
            .prefetch_related(
                Prefetch("articleauthor_set", queryset=ArticleAuthor.objects.select_related("author")),
                "tags",
            )
        )
        items = list(self.filter(articles, obj)[:FEED_SIZE])
        # The full text, blocks made plain for feed readers; their photos and stories in one query each.
        bodies = feed_bodies({item.pk: item.body for item in items})
        for item in items:
            item.feed_body = bodies[item.pk]
        keys.add(self.list_key(obj))
        keys.add_stories(item.pk for item in items)
        return items

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
                "url": storage.absolute_url(og.url),
                "width": og.width,
                "height": og.height,
                "credit": photo.credit,
            }
        return {"authors": authors, "image": image, "content": self.item_content(item, image)}

    def item_content(self, item, image) -> str:
        """The whole story for feed readers: standfirst, lead photo and the sanitised body."""
        parts = []
        if item.standfirst:
            parts.append(format_html("<p><strong>{}</strong></p>", item.standfirst))
        if image:
            photo = item.lead_photo
            caption = " ".join(filter(None, [photo.caption, photo.credit and f"(Photo: {photo.credit})"]))
            parts.append(
                format_html(
                    FIGURE,
                    image["url"],
                    photo.alt_text,
                    image["width"],
                    image["height"],
                    caption,
                )
            )
        # Sanitised on save (articles/sanitize.py), blocks made plain for feed readers (articles/blocks).
        parts.append(item.feed_body)
        return "".join(parts)


class SectionFeed(LatestFeed):
    url_name = "section_feed"

    def get_object(self, request, slug):
        keys.add(keys.slug(slug))
        return get_object_or_404(Section, slug=slug)

    def list_key(self, obj) -> str:
        return keys.section(obj.pk)

    def title(self, obj):
        return f"{obj.name} | {site_context()['outlet_name']}"

    def about(self, obj):
        return obj.description or f"The latest {obj.name} stories from {site_context()['outlet_name']}."

    def link(self, obj):
        return absolute(obj.get_absolute_url())

    def filter(self, articles, obj):
        # A parent section's page lists its sub-sections' stories too; so does its feed.
        return articles.in_section(obj)


class TagFeed(LatestFeed):
    url_name = "tag_feed"

    def get_object(self, request, slug):
        keys.add(keys.slug(slug))
        return get_object_or_404(Tag, slug=slug)

    def list_key(self, obj) -> str:
        return keys.tag(obj.pk)

    def title(self, obj):
        return f"{obj.name} | {site_context()['outlet_name']}"

    def about(self, obj):
        return f"Stories about {obj.name} from {site_context()['outlet_name']}."

    def link(self, obj):
        return absolute(reverse("articles:tag", kwargs={"slug": obj.slug}))

    def filter(self, articles, obj):
        return articles.filter(tags=obj)


class AuthorFeed(LatestFeed):
    url_name = "author_feed"

    def get_object(self, request, slug):
        keys.add(keys.slug(slug))
        return get_object_or_404(Author, slug=slug)

    def list_key(self, obj) -> str:
        return keys.author(obj.pk)

    def title(self, obj):
        return f"{obj.name} | {site_context()['outlet_name']}"

    def about(self, obj):
        return obj.bio or f"Stories by {obj.name} for {site_context()['outlet_name']}."

    def link(self, obj):
        return absolute(obj.get_absolute_url())

    def filter(self, articles, obj):
        return articles.filter(authors=obj)


class CorrectionsFeed(Feed):
    """Every correction and update note on a published story, newest first."""

    feed_type = SafeRssFeed

    def title(self):
        return f"{site_context()['outlet_name']}: corrections and updates"

    def link(self):
        return absolute(reverse("articles:corrections"))

    def description(self):
        return "Corrections and updates to our published stories."

    def items(self):
        keys.add(keys.CORRECTIONS)
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
