from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_prose_editor.fields import ProseEditorField
from taggit.managers import TaggableManager

from .photos.renditions import srcset
from .routing import route
from .sanitize import clean_text, sanitize_html

# What the editor offers; sanitize_html is the server-side allowlist that matches it.
BODY_EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Strike": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HardBreak": True,
    "HorizontalRule": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
}


class SiteSettings(models.Model):
    """The outlet's identity, shown in every page's header and footer. There is exactly one row."""

    outlet_name = models.CharField(max_length=100, default="English News")
    tagline = models.CharField(max_length=200, blank=True)
    description = models.TextField(
        blank=True, help_text="Used as the home page's meta description and in feeds."
    )
    corrections_policy = models.TextField(
        blank=True, help_text="Shown on the public corrections policy page."
    )

    class Meta:
        verbose_name = verbose_name_plural = "site settings"
        constraints = [models.CheckConstraint(condition=Q(id=1), name="site_settings_singleton")]

    def __str__(self):
        return self.outlet_name

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls):
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj


class SocialLink(models.Model):
    class Network(models.TextChoices):
        YOUTUBE = "youtube", "YouTube"
        FACEBOOK = "facebook", "Facebook"
        X = "x", "X (Twitter)"
        INSTAGRAM = "instagram", "Instagram"
        TIKTOK = "tiktok", "TikTok"
        LINKEDIN = "linkedin", "LinkedIn"
        BLUESKY = "bluesky", "Bluesky"
        MASTODON = "mastodon", "Mastodon"
        WHATSAPP = "whatsapp", "WhatsApp"
        TELEGRAM = "telegram", "Telegram"

    site = models.ForeignKey(SiteSettings, on_delete=models.CASCADE, related_name="social_links")
    network = models.CharField(max_length=20, choices=Network.choices)
    url = models.URLField("profile URL")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["site", "network"], name="social_link_unique_network")]

    def __str__(self):
        return self.get_network_display()


# Top-level URL paths that are not sections.
RESERVED_SLUGS = {
    "admin", "author", "tag", "search", "feeds", "feed", "rss", "static", "media", "sitemap",
    "corrections", "corrections-policy", "preview", "robots.txt", "sitemap.xml", "api",
}  # fmt: skip


class Section(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True, help_text="Part of every article URL.")
    description = models.TextField(blank=True, help_text="Shown on the section page and in feeds.")
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="Optional parent (one level: World > Europe). The parent's page lists both.",
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Position in the navigation.")
    show_in_nav = models.BooleanField("show in navigation", default=True)

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(condition=~Q(slug=""), name="section_slug_not_empty"),
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="section_not_own_parent"),
        ]

    def __str__(self):
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name

    def save(self, *args, **kwargs):
        moved = self.pk is not None and getattr(self, "_loaded_parent_id", self.parent_id) != self.parent_id
        super().save(*args, **kwargs)
        if moved:
            # Under another parent (or out from under one): its stories follow it. Only then: reordering
            # the navigation saves every section.
            Article.objects.filter(section=self).update(top_section_id=self.parent_id or self.pk)
        self._loaded_parent_id = self.parent_id

    def get_absolute_url(self):
        return route("articles:section", slug=self.slug)

    @classmethod
    def from_db(cls, db, field_names, values, *args, **kwargs):
        instance = super().from_db(db, field_names, values, *args, **kwargs)
        instance._loaded_parent_id = instance.__dict__.get("parent_id")
        return instance

    def clean(self):
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": f"“{self.slug}” is reserved for the site's own pages."})
        if self.parent_id:
            if self.parent_id == self.pk:
                raise ValidationError({"parent": "A section cannot be its own parent."})
            if self.parent.parent_id:
                raise ValidationError({"parent": "Sections nest one level only."})
            if self.pk and self.children.exists():
                raise ValidationError({"parent": "This section has sub-sections of its own."})


class Source(models.Model):
    class Kind(models.TextChoices):
        AGENCY = "agency", "News agency"
        OUTLET = "outlet", "News outlet"
        ORGANISATION = "organisation", "Organisation"
        GOVERNMENT = "government", "Government"
        OTHER = "other", "Other"

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    url = models.URLField("homepage URL", blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OUTLET)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return self.url or reverse("articles:home")


class Author(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    bio = models.TextField("short bio", blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="author",
        help_text="The staff account behind this byline, if any.",
    )
    is_agency = models.BooleanField(
        default=False, help_text='A wire byline such as "Reuters staff" rather than a person.'
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:author", kwargs={"slug": self.slug})


class Photo(models.Model):
    class Rights(models.TextChoices):
        OWN = "own", "Our own"
        AGENCY = "agency", "Agency (licensed)"
        HANDOUT = "handout", "Handout"
        POOL = "pool", "Pool"
        SOCIAL = "social", "Social media (with permission)"
        LICENSED = "licensed", "Other licence"

    image = models.ImageField(
        upload_to="photos/%Y/%m/",
        help_text="JPEG, PNG, WebP or GIF. Caption and credit embedded by agencies are read in.",
    )
    # As displayed, i.e. after the EXIF orientation is applied (set by services.save_photo).
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    caption = models.TextField(blank=True, help_text="What the picture shows, as readers see it.")
    alt_text = models.CharField(
        max_length=250,
        help_text="Describes the image for readers who cannot see it. Required.",
    )
    credit_source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="photos",
        help_text='The agency credited, shown as "(Photo: Reuters)".',
    )
    credit_text = models.CharField(
        "photographer",
        max_length=120,
        blank=True,
        help_text="Free-text credit for a photographer, used when no source is chosen.",
    )
    copyright = models.CharField(max_length=200, blank=True)
    rights = models.CharField(max_length=20, choices=Rights.choices, default=Rights.OWN)
    may_redistribute = models.BooleanField(
        default=False, help_text="May this photo be syndicated to partners?"
    )
    focal_x = models.FloatField(
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="Horizontal focal point, 0 (left) to 1 (right); crops keep it in frame.",
    )
    focal_y = models.FloatField(
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="Vertical focal point, 0 (top) to 1 (bottom).",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        get_latest_by = "uploaded_at"
        constraints = [
            models.CheckConstraint(condition=~Q(alt_text=""), name="photo_alt_text_not_empty"),
            models.CheckConstraint(
                condition=Q(focal_x__gte=0, focal_x__lte=1, focal_y__gte=0, focal_y__lte=1),
                name="photo_focal_point_in_frame",
            ),
        ]

    def __str__(self):
        return (self.caption or self.alt_text)[:80]

    def get_absolute_url(self):
        # Originals stay private (they may carry GPS); the public face is the largest rendition.
        renditions = srcset(self)
        return renditions[-1].url if renditions else ""

    @property
    def credit(self) -> str:
        return self.credit_source.name if self.credit_source_id else self.credit_text


# --- The one publication rule ---------------------------------------------------------------------
# A story is readable when its status is published, its publish time has come and it is not in the trash.
# The QuerySet method, the Q and the SQL below are the same rule for the ORM, for a related lookup
# ("article__"), and for hand-written SQL; Article.readable is it for one row already read.


def published_q(at=None, *, prefix: str = "") -> Q:
    return Q(
        **{
            f"{prefix}status": "published",
            f"{prefix}deleted_at__isnull": True,
            f"{prefix}published_at__lte": at or timezone.now(),
        }
    )


def published_sql(alias: str, at_param: str) -> str:
    """The rule as SQL over `alias`, comparing with the named parameter `at_param` (the time)."""
    return (
        f"{alias}.status = 'published' AND {alias}.deleted_at IS NULL "
        f"AND {alias}.published_at <= %({at_param})s"
    )


# Everything readers see of a story as one digest: a change to any of it is a change they can see.
VISIBLE_DIGEST_SQL = """md5(concat_ws(E'\\x1f',
    a.headline, a.slug, a.standfirst, a.body, a.section_id, a.lead_photo_id, a.seo_title, a.meta_description,
    (SELECT string_agg(x.author_id::text, ',' ORDER BY x."order", x.id)
     FROM articles_articleauthor x WHERE x.article_id = a.id),
    (SELECT string_agg(x.source_id::text, ',' ORDER BY x."order", x.id)
     FROM articles_articlesource x WHERE x.article_id = a.id),
    (SELECT string_agg(t.name, ',' ORDER BY t.name)
     FROM taggit_taggeditem x JOIN taggit_tag t ON t.id = x.tag_id
     JOIN django_content_type ct ON ct.id = x.content_type_id
     WHERE x.object_id = a.id AND ct.app_label = 'articles' AND ct.model = 'article'),
    (SELECT string_agg(x.photo_id::text || ':' || x.caption, ',' ORDER BY x."order", x.id)
     FROM articles_galleryitem x WHERE x.article_id = a.id),
    (SELECT string_agg(x.kind || ':' || x.text, ',' ORDER BY x.id)
     FROM articles_correction x WHERE x.article_id = a.id)
))"""


def section_q(section, *, prefix: str = "") -> Q:
    """A section's stories: a top-level section's include its sub-sections' (the section page, its feed,
    search and sitemap alike). For a Section row, the one indexed column that answers; for an OuterRef,
    either column."""
    if isinstance(section, models.Model):
        field = "section" if section.parent_id else "top_section"
        return Q(**{f"{prefix}{field}": section})
    return Q(**{f"{prefix}section": section}) | Q(**{f"{prefix}top_section": section})


class ArticleQuerySet(models.QuerySet):
    def live(self):
        """Not in the trash."""
        return self.filter(deleted_at__isnull=True)

    def published(self, at=None):
        """Readers see these: the publication rule."""
        return self.filter(published_q(at))

    def scheduled(self):
        """Published status with a publish time still to come: they go live by themselves."""
        return self.live().filter(status="published", published_at__gt=timezone.now())

    def in_section(self, section):
        return self.filter(section_q(section))

    def for_listing(self):
        """What a card needs, in a constant number of queries."""
        return self.select_related("section", "lead_photo", "lead_photo__credit_source").only(
            "id", "headline", "slug", "standfirst", "published_at", "updated_at", "status",
            "section__name", "section__slug",
            "lead_photo__image", "lead_photo__width", "lead_photo__height",
            "lead_photo__alt_text", "lead_photo__focal_x", "lead_photo__focal_y",
            "lead_photo__caption", "lead_photo__credit_text",
            "lead_photo__credit_source__name",
        )  # fmt: skip


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        REVIEW = "review", "In review"
        PUBLISHED = "published", "Published"
        UNPUBLISHED = "unpublished", "Unpublished"

    headline = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        help_text="The last part of the URL. Renaming it keeps the old URL working (redirect).",
    )
    standfirst = models.TextField(
        max_length=600, blank=True, help_text="One or two sentences under the headline."
    )
    body = ProseEditorField(config={"extensions": BODY_EDITOR_EXTENSIONS}, sanitize=sanitize_html, blank=True)
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="articles")
    # The section's parent, or the section itself: a top-level section's page (its sub-sections included)
    # then reads one range of one index however deep the page, where a list of sections cannot.
    top_section = models.ForeignKey(
        Section, on_delete=models.PROTECT, related_name="+", null=True, editable=False, db_index=False
    )
    authors = models.ManyToManyField(Author, through="ArticleAuthor", related_name="articles", blank=True)
    sources = models.ManyToManyField(
        Source,
        through="ArticleSource",
        related_name="articles",
        blank=True,
        help_text='Outlets and agencies this story attributes ("…, Al Jazeera reported").',
    )
    tags = TaggableManager(blank=True)
    lead_photo = models.ForeignKey(
        Photo, on_delete=models.PROTECT, null=True, blank=True, related_name="lead_articles"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        "publish time",
        null=True,
        blank=True,
        help_text="When readers first see it. A future time schedules the story.",
    )
    embargo_until = models.DateTimeField(
        null=True, blank=True, help_text="Nobody can publish the story before this time."
    )
    seo_title = models.CharField(
        "search title",
        max_length=70,
        blank=True,
        help_text="Overrides the headline in the browser tab and search results.",
    )
    meta_description = models.CharField(
        max_length=200, blank=True, help_text="Overrides the standfirst in search results."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # When readers were told of a change (a correction or update note): the page's "Updated" time.
    revised_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The last change readers can see (Article.refresh_modified): dateModified, sitemap lastmod, feeds.
    content_modified_at = models.DateTimeField(null=True, blank=True, editable=False)
    content_digest = models.CharField(max_length=32, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        get_latest_by = "published_at"
        indexes = [
            models.Index(
                fields=["-published_at", "-id"],
                name="article_published_idx",
                condition=Q(status="published", deleted_at__isnull=True),
            ),
            models.Index(
                fields=["section", "-published_at", "-id"],
                name="article_section_pub_idx",
                condition=Q(status="published", deleted_at__isnull=True),
            ),
            models.Index(fields=["status", "-updated_at"], name="article_status_idx"),
            # The admin list: every live story, newest first, without sorting 100,000 rows.
            models.Index(
                fields=["-published_at", "-id"], name="article_live_idx", condition=Q(deleted_at__isnull=True)
            ),
            models.Index(
                fields=["top_section", "-published_at", "-id"],
                name="article_top_section_pub_idx",
                condition=Q(status="published", deleted_at__isnull=True),
            ),
            # Deep listing pages read ids (and the section) from the index alone.
            models.Index(
                fields=["-published_at", "-id"],
                include=["section"],
                name="article_pub_cover_idx",
                condition=Q(status="published", deleted_at__isnull=True),
            ),
            GinIndex(fields=["search_vector"], name="article_search_idx"),
            # The desk's embargoed stories: the few with an embargo, soonest first, not a scan of the archive.
            models.Index(
                fields=["embargo_until"],
                name="article_embargo_idx",
                condition=Q(embargo_until__isnull=False, deleted_at__isnull=True),
            ),
            # The sitemap index's newest lastmod: the newest edit of a published story, not a read of all.
            models.Index(
                fields=["-content_modified_at"],
                name="article_modified_idx",
                condition=Q(status="published", deleted_at__isnull=True, content_modified_at__isnull=False),
            ),
            # The read API's `updated_since`: a note sets revised_at without saving the story (updated_at).
            models.Index(
                fields=["revised_at"], name="article_revised_idx", condition=Q(revised_at__isnull=False)
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(headline__regex=r"^\s*$"), name="article_headline_not_empty"),
            models.CheckConstraint(condition=~Q(slug=""), name="article_slug_not_empty"),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="article_published_has_time",
            ),
        ]
        permissions = [
            ("publish_article", "Can publish, schedule and unpublish articles"),
            ("edit_published_article", "Can edit published articles"),
            ("edit_others_article", "Can edit other people's articles"),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        if self.section_id:
            self.top_section_id = self.section.parent_id or self.section_id
        self.headline = clean_text(self.headline)
        self.standfirst = clean_text(self.standfirst)
        self.body = sanitize_html(self.body)
        old_slug = getattr(self, "_loaded_slug", None)
        super().save(*args, **kwargs)
        if old_slug and old_slug != self.slug:
            # The new slug may be one this article (or another) once had: it is live again now.
            SlugRedirect.objects.filter(old_slug=self.slug).delete()
            SlugRedirect.objects.update_or_create(old_slug=old_slug, defaults={"article": self})
        self._loaded_slug = self.slug

    def get_absolute_url(self):
        return route("articles:detail", section=self.section.slug, slug=self.slug)

    @classmethod
    def from_db(cls, db, field_names, values, *args, **kwargs):
        instance = super().from_db(db, field_names, values, *args, **kwargs)
        instance._loaded_slug = instance.__dict__.get("slug")
        return instance

    @property
    def is_scheduled(self) -> bool:
        return self.status == "published" and self.published_at is not None and not self.is_live

    @property
    def is_live(self) -> bool:
        return self.readable(status=self.status, published_at=self.published_at, deleted_at=self.deleted_at)

    @classmethod
    def readable(cls, *, status, published_at, deleted_at) -> bool:
        """published() for one row already read (the article page reads only a few columns)."""
        return (
            status == "published"
            and deleted_at is None
            and published_at is not None
            and published_at <= timezone.now()
        )

    @property
    def modified_at(self):
        """The story's one "modified" time: its last change readers could see (an update note or live
        entry counts before the commit's refresh has run), else its publication."""
        return max(filter(None, (self.content_modified_at, self.revised_at, self.published_at)), default=None)

    @classmethod
    def refresh_modified(cls, pk: int) -> bool:
        """Move the story's modified time to now if what readers see of it changed since the last call
        (a headline fix, a new tag, a correction...); True if it moved. Before the story is public its
        modified time is its publication time, and it never precedes it. Called after every commit
        that touched the story (caching/invalidation.py): one statement, whatever the door. (True also
        when only the stored digest changed: the caller then invalidates once more, harmlessly.)"""
        now = timezone.now()
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                WITH seen AS (
                    SELECT {VISIBLE_DIGEST_SQL} AS digest, COALESCE({published_sql("a", "at")}, false) AS live
                    FROM articles_article a WHERE a.id = %(pk)s
                ), wanted AS (
                    SELECT a.id, seen.digest, CASE
                        WHEN NOT seen.live THEN a.published_at
                        WHEN a.content_digest <> '' AND a.content_digest <> seen.digest THEN %(at)s
                        -- Unchanged, or first seen: never before its publication or its last note.
                        ELSE GREATEST(a.content_modified_at, a.published_at, a.revised_at)
                    END AS modified
                    FROM articles_article a, seen WHERE a.id = %(pk)s
                )
                UPDATE articles_article a
                SET content_digest = wanted.digest, content_modified_at = wanted.modified, updated_at = %(at)s
                FROM wanted
                WHERE a.id = wanted.id AND (
                    a.content_digest IS DISTINCT FROM wanted.digest
                    OR a.content_modified_at IS DISTINCT FROM wanted.modified
                )
                RETURNING a.id
                """,
                {"pk": pk, "at": now},
            )
            row = cursor.fetchone()
        return row is not None


class ArticleAuthor(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE)
    author = models.ForeignKey(Author, on_delete=models.PROTECT)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["article", "author"], name="article_author_unique")]

    def __str__(self):
        return str(self.author)


class ArticleSource(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE)
    source = models.ForeignKey(Source, on_delete=models.PROTECT)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["article", "source"], name="article_source_unique")]

    def __str__(self):
        return str(self.source)


class SlugRedirect(models.Model):
    """An article's earlier slug, so links to the old URL keep working after a rename."""

    old_slug = models.SlugField(max_length=200, unique=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="old_slugs")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.old_slug} → {self.article.slug}"


class Correction(models.Model):
    """A dated note appended to a story. Notes are never deleted; edits keep the original text."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        UPDATE = "update", "Update"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.CORRECTION)
    text = models.TextField(help_text="What was wrong and what is right now, in plain words.")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, editable=False
    )
    original_text = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        get_latest_by = "created_at"
        constraints = [
            models.CheckConstraint(condition=~Q(text__regex=r"^\s*$"), name="correction_not_empty")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to “{self.article}”"

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#correction-{self.pk}"


class GalleryItem(models.Model):
    """A photo in an article's ordered gallery, with a caption for this use of it."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="gallery_items")
    photo = models.ForeignKey(Photo, on_delete=models.PROTECT, related_name="gallery_items")
    caption = models.TextField(blank=True, help_text="Leave empty to use the photo's own caption.")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["article", "photo"], name="gallery_item_unique")]

    def __str__(self):
        return f"{self.photo} in {self.article}"


class Transition(models.Model):
    """One change of an article's state: who, when, from, to."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=12, choices=Article.Status.choices)
    to_status = models.CharField(max_length=12, choices=Article.Status.choices)
    action = models.CharField(max_length=30)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        get_latest_by = "at"
        indexes = [models.Index(fields=["article", "-at"], name="transition_article_idx")]

    def __str__(self):
        return f"{self.article_id}: {self.from_status} → {self.to_status}"


class Revision(models.Model):
    """The full content of an article as saved, kept on every save."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    created_at = models.DateTimeField(default=timezone.now)
    data = models.JSONField()
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-version"]
        get_latest_by = "version"
        constraints = [models.UniqueConstraint(fields=["article", "version"], name="revision_unique_version")]

    def __str__(self):
        return f"{self.article_id} v{self.version}"


class EditLock(models.Model):
    """Who has a story open in the admin. Soft: it warns others, it never blocks them."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="edit_locks")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    since = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["since"]
        constraints = [models.UniqueConstraint(fields=["article", "user"], name="edit_lock_unique")]

    def __str__(self):
        return f"{self.user} editing {self.article_id}"


class TrashedArticle(Article):
    """Articles in the trash, as their own admin list."""

    class Meta:
        proxy = True
        verbose_name = "article in the trash"
        verbose_name_plural = "trash"


class StoryComment(models.Model):
    """An internal note on a story, from staff to staff: readers never see it."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        get_latest_by = "created_at"
        indexes = [models.Index(fields=["article", "created_at"], name="story_comment_article_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(text__regex=r"^\s*$"), name="story_comment_not_empty")
        ]

    def __str__(self):
        return f"{self.user or 'Someone'} on {self.article_id}: {self.text[:40]}"


class PendingVersion(models.Model):
    """Changes to a published story that readers do not see until an editor publishes them.

    `data` has the shape of a revision's (publishing/revisions.py snapshot): applying it is a restore.
    """

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="pending")
    data = models.JSONField()
    # The story's version the changes were made on: publishing them over a newer save is a conflict.
    based_on_version = models.PositiveIntegerField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        get_latest_by = "updated_at"

    def __str__(self):
        return f"Pending changes to {self.article_id}"


class Autosave(models.Model):
    """A copy of a story form's unsaved changes, kept while someone types. It never touches the story and
    makes no revision; the form offers it back when reopened. `article` is empty for a story not yet saved."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    data = models.JSONField(help_text="The form's fields as the browser would send them.")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at"]
        get_latest_by = "updated_at"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "article"], nulls_distinct=False, name="autosave_one_per_form"
            )
        ]

    def __str__(self):
        return f"Autosave by {self.user_id} of {self.article_id or 'a new story'}"


from articles.api.models import ApiKey  # noqa: E402,F401
from articles.frontpage.models import BreakingBanner, FrontLayout, FrontSection, FrontStory  # noqa: E402,F401
from articles.live.models import LiveCoverage, LiveEntry, LiveEntryEdit  # noqa: E402,F401
from articles.markup.models import StoredCard, StoredMarkup  # noqa: E402,F401
from articles.webhooks.models import WebhookDelivery, WebhookSubscription  # noqa: E402,F401
from articles.wire.models import WireFeed, WireItem  # noqa: E402,F401
