"""The story: an article with its bylines, sources, old slugs, notes at its foot and gallery."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone
from django_prose_editor.fields import ProseEditorField
from taggit.managers import TaggableManager

from articles.routing import route
from articles.sanitize import clean_text, sanitize_html

from . import publication
from .people import Author, Section, Source
from .photos import Photo
from .publication import VISIBLE_DIGEST_SQL, ArticleQuerySet, published_sql

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
        self.normalise()
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

    def normalise(self, sections: dict | None = None) -> None:
        """What every save does to a story's fields first (a bulk insert calls it itself): the top section
        (from `sections`, {id: parent id}, when given), clean text, the body through the allowlist."""
        if self.section_id:
            parent = sections[self.section_id] if sections is not None else self.section.parent_id
            self.top_section_id = parent or self.section_id
        self.headline = clean_text(self.headline)
        self.standfirst = clean_text(self.standfirst)
        self.body = sanitize_html(self.body)

    @property
    def is_scheduled(self) -> bool:
        return self.status == "published" and self.published_at is not None and not self.is_live

    @property
    def is_live(self) -> bool:
        return self.readable(status=self.status, published_at=self.published_at, deleted_at=self.deleted_at)

    @classmethod
    def readable(cls, *, status, published_at, deleted_at) -> bool:
        """published() for one row already read: the rule lives in publication.py."""
        return publication.readable(status=status, published_at=published_at, deleted_at=deleted_at)

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
