"""Agency feeds and the items they bring into the desk's incoming-wire queue."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone


class WireFeed(models.Model):
    """An agency feed the worker polls. Its credential is write-only: no page, list, log or repr shows it."""

    class Format(models.TextChoices):
        RSS = "rss", "RSS 2.0"
        ATOM = "atom", "Atom"
        NINJS = "ninjs", "IPTC ninjs (JSON, 1.x or 2.x)"
        NEWSML_G2 = "newsmlg2", "IPTC NewsML-G2 (XML)"

    class Auth(models.TextChoices):
        NONE = "none", "None"
        BEARER = "bearer", "Bearer token (Authorization: Bearer …)"
        HEADER = "header", "Token in a header of its own"
        BASIC = "basic", "User name and password (HTTP basic)"

    name = models.CharField(max_length=120, help_text="As editors see it on the desk, e.g. “Reuters World”.")
    source = models.ForeignKey(
        "articles.Source",
        on_delete=models.PROTECT,
        related_name="wire_feeds",
        help_text="The agency: stories made from this feed attribute it; its pictures are credited to it.",
    )
    section = models.ForeignKey(
        "articles.Section",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Drafts made from this feed's items start in this section (editors can move them).",
    )
    url = models.URLField("feed URL", max_length=1000)
    format = models.CharField(max_length=10, choices=Format.choices, default=Format.RSS)
    poll_minutes = models.PositiveIntegerField(
        "poll every (minutes)", default=5, validators=[MinValueValidator(1)]
    )
    auth = models.CharField("credentials", max_length=10, choices=Auth.choices, default=Auth.NONE)
    auth_header = models.CharField(
        "header name",
        max_length=100,
        blank=True,
        help_text="For a token in a header of its own, e.g. X-Api-Key.",
    )
    auth_username = models.CharField("user name", max_length=200, blank=True)
    auth_secret = models.TextField("token or password", blank=True, editable=False)
    active = models.BooleanField(default=True, help_text="Inactive feeds are not polled.")

    # Status, written by the worker.
    next_poll_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_polled_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(blank=True, editable=False)
    failures = models.PositiveIntegerField(default=0, editable=False, help_text="Failed polls in a row.")
    etag = models.CharField(max_length=500, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["next_poll_at"], name="wirefeed_due_idx", condition=models.Q(active=True))
        ]

    def __str__(self):
        return self.name

    def __repr__(self):
        return f"<WireFeed {self.pk}: {self.name} ({self.format})>"


class WireItem(models.Model):
    """One agency item in the incoming-wire queue: landed once per source and guid, its later versions
    update it. `article` is the draft made from it ("Use this"); `used_content` the version used, so a
    later version flags that story with what changed."""

    source = models.ForeignKey("articles.Source", on_delete=models.PROTECT, related_name="wire_items")
    feed = models.ForeignKey(WireFeed, on_delete=models.SET_NULL, null=True, blank=True, related_name="items")
    guid = models.CharField(
        max_length=500, help_text="The agency's id (RSS guid, Atom id, ninjs uri, NewsML-G2 guid)."
    )
    version = models.PositiveIntegerField(default=1)
    headline = models.CharField(max_length=500)
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True, help_text="Sanitised HTML.")
    picture_url = models.URLField(max_length=1000, blank=True)
    picture_caption = models.TextField(blank=True)
    picture_credit = models.CharField(max_length=200, blank=True)
    subjects = models.JSONField(default=list, blank=True)
    link = models.URLField(max_length=1000, blank=True)
    embargoed_until = models.DateTimeField(
        "embargoed until", null=True, blank=True,
        help_text="The agency's embargo: a story made from the item cannot be published before it.",
    )  # fmt: skip
    editors_note = models.TextField("agency's note to editors", blank=True)
    sent_at = models.DateTimeField("agency time", null=True, blank=True)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)
    fingerprint = models.CharField(max_length=64, editable=False)

    article = models.ForeignKey(
        "articles.Article", on_delete=models.SET_NULL, null=True, blank=True, related_name="wire_items"
    )
    used_version = models.PositiveIntegerField(null=True, blank=True)
    used_content = models.JSONField(null=True, blank=True, editable=False)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        get_latest_by = "received_at"
        constraints = [models.UniqueConstraint(fields=["source", "guid"], name="wireitem_once_per_source")]
        indexes = [
            # Stories whose wire item changed after it was used: the "wire updated" flag.
            models.Index(
                fields=["article"], name="wireitem_article_idx", condition=models.Q(article__isnull=False)
            )
        ]

    def __str__(self):
        return self.headline

    def get_absolute_url(self):
        return self.link

    @property
    def updated_since_use(self) -> bool:
        return (
            self.article_id is not None and self.used_version is not None and self.version > self.used_version
        )

    def content(self) -> dict:
        """What an editor compares between versions."""
        return {"headline": self.headline, "summary": self.summary, "body": self.body}
