"""The content app's models, one module per concern; everything is importable from here.

Bottom layer: these modules import only Django, each other and the rules beside them (routing, sanitize,
photos' file geometry), never a service, a view or the caches. Relations across concerns are strings.
"""

from .apikeys import ApiKey
from .desk import Autosave, EditLock, PendingVersion, Revision, StoryComment, Transition, TrashedArticle
from .frontpage import BreakingBanner, FrontLayout, FrontSection, FrontStory
from .live import LiveCoverage, LiveEntry, LiveEntryEdit
from .markup import StoredCard, StoredMarkup
from .people import RESERVED_SLUGS, Author, Section, Source
from .photos import HeldUpload, Photo
from .publication import VISIBLE_DIGEST_SQL, ArticleQuerySet, published_q, published_sql, section_q
from .readership import ReadFlush, ReadSource, StoryReads
from .redirects import NotFound, Redirect
from .site import SiteSettings, SocialLink
from .story import (
    BODY_EDITOR_EXTENSIONS,
    Article,
    ArticleAuthor,
    ArticleSource,
    Correction,
    GalleryItem,
    SlugRedirect,
)
from .webhooks import WebhookDelivery, WebhookSubscription
from .wire import WireFeed, WireItem
from .wordpress import WordPressComment, WordPressItem

__all__ = [
    "BODY_EDITOR_EXTENSIONS", "RESERVED_SLUGS", "VISIBLE_DIGEST_SQL",
    "ApiKey", "Article", "ArticleAuthor", "ArticleQuerySet", "ArticleSource", "Author", "Autosave",
    "BreakingBanner", "Correction", "EditLock", "FrontLayout", "FrontSection", "FrontStory", "GalleryItem",
    "HeldUpload",
    "LiveCoverage", "LiveEntry", "LiveEntryEdit", "NotFound", "PendingVersion", "Photo", "ReadFlush",
    "ReadSource", "Redirect", "Revision", "Section",
    "SiteSettings", "SlugRedirect", "SocialLink", "Source", "StoredCard", "StoredMarkup", "StoryComment",
    "StoryReads",
    "TrashedArticle", "Transition", "WebhookDelivery", "WebhookSubscription", "WireFeed", "WireItem",
    "WordPressComment", "WordPressItem",
    "published_q", "published_sql", "section_q",
]  # fmt: skip
