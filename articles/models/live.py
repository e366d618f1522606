"""Live coverage: a story that grows by timestamped entries while something happens."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from articles.sanitize import clean_text, sanitize_html


class LiveCoverage(models.Model):
    """Makes a story a live story. `seq` counts every change readers can see (an entry posted, corrected,
    pinned, withdrawn, the end): each entry keeps the count of its last change, so a reader's page asks
    for what changed after the count it has (the row is locked while it moves, so counts commit in order).
    """

    class ReporterEntries(models.TextChoices):
        REVIEW = "review", "Wait for an editor's approval"
        PUBLISH = "publish", "Go live at once"
        CLOSED = "closed", "Reporters may not post"

    article = models.OneToOneField("articles.Article", on_delete=models.CASCADE, related_name="live_coverage")
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    reporter_entries = models.CharField(
        max_length=10,
        choices=ReporterEntries.choices,
        default=ReporterEntries.REVIEW,
        help_text="What happens to an entry a reporter posts to this story.",
    )
    seq = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-started_at"]
        get_latest_by = "started_at"
        verbose_name_plural = "live coverage"

    def __str__(self):
        return f"Live coverage of {self.article_id}"

    def get_absolute_url(self):
        return self.article.get_absolute_url()

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


class LiveEntry(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for an editor"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="live_entries")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    title = models.CharField(
        max_length=200, blank=True, help_text="Optional: a short headline for the entry."
    )
    body = models.TextField(help_text="What happened. Links and simple formatting are kept.")
    photo = models.ForeignKey(
        "articles.Photo", on_delete=models.PROTECT, null=True, blank=True, related_name="live_entries"
    )
    embed_url = models.URLField("embed URL", max_length=500, blank=True, help_text="A post or video to show.")
    author = models.ForeignKey(
        "articles.Author", on_delete=models.SET_NULL, null=True, blank=True, related_name="live_entries"
    )
    key_event = models.BooleanField(default=False, help_text="Listed under Key events at the top.")
    pinned = models.BooleanField(default=False, help_text="Shown above the other entries (one at a time).")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, editable=False, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # When readers first saw it (approval time for a reporter's entry that waited): its place and time.
    published_at = models.DateTimeField(null=True, blank=True)
    correction = models.TextField(
        blank=True, help_text="Shown on the entry: what was wrong and is right now."
    )
    corrected_at = models.DateTimeField(null=True, blank=True)
    seq = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-published_at", "-id"]
        get_latest_by = "published_at"
        verbose_name_plural = "live entries"
        indexes = [
            models.Index(
                fields=["article", "-published_at", "-id"],
                name="live_entry_published_idx",
                condition=Q(status="published"),
            ),
            models.Index(fields=["article", "seq"], name="live_entry_seq_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["article"], condition=Q(pinned=True), name="live_entry_one_pinned"
            ),
            models.CheckConstraint(condition=~Q(body__regex=r"^\s*$"), name="live_entry_body_not_empty"),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="live_entry_published_has_time",
            ),
        ]

    def __str__(self):
        return self.title or f"Entry {self.pk} on {self.article_id}"

    def save(self, *args, **kwargs):
        self.title = clean_text(self.title)
        self.body = sanitize_html(self.body)
        self.embed_url = clean_text(self.embed_url)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#entry-{self.pk}"


class LiveEntryEdit(models.Model):
    """One change to an entry after it was posted, with the text as it was before (never shown)."""

    entry = models.ForeignKey(LiveEntry, on_delete=models.CASCADE, related_name="edits")
    action = models.CharField(max_length=20)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        get_latest_by = "at"

    def __str__(self):
        return f"{self.action} of entry {self.entry_id}"
