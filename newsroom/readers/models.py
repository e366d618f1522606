"""Readers (an email address, no password), the newsletters they subscribe to, and each issue's deliveries.

A delivery is one row per (issue, address), claimed by the sending task in batches (sending.py): the row,
not the task, is what makes each subscriber get an issue exactly once.
"""

from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse


class Reader(models.Model):
    email = models.EmailField(max_length=254, help_text="Stored lower-cased: one reader per address.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        get_latest_by = "created_at"
        constraints = [models.UniqueConstraint(Lower("email"), name="reader_email_ci_unique")]

    def __str__(self):
        return self.email

    def get_absolute_url(self):
        return reverse("readers:account")


class Newsletter(models.Model):
    class Kind(models.TextChoices):
        FRONT_PAGE = "front", "The front page"
        SECTION = "section", "A section"
        BREAKING = "breaking", "Breaking news alerts"

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=80, unique=True, help_text="Its page: /newsletters/<slug>/.")
    description = models.TextField(blank=True, help_text="Shown on the sign-up page and the reader's page.")
    sender = models.CharField(
        max_length=200,
        blank=True,
        help_text='From: of its emails, e.g. "The Brief <brief@news.example>" (default: the site\'s).',
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.FRONT_PAGE)
    section = models.ForeignKey(
        "articles.Section",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text="For a section's newsletter: issues are built from this section's front.",
    )
    schedule = models.CharField(
        max_length=120, blank=True, help_text='When it goes out, for readers: "Weekdays at 7am", "Fridays".'
    )
    story_count = models.PositiveSmallIntegerField(default=8, help_text="Stories in an issue built for it.")
    offered_site_wide = models.BooleanField(
        default=False, help_text="The footer and article-end sign-up forms subscribe to this newsletter."
    )
    is_active = models.BooleanField(default=True, help_text="Inactive newsletters take no new sign-ups.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        get_latest_by = "created_at"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("readers:newsletter", args=[self.slug])


class Subscription(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"

    reader = models.ForeignKey(Reader, on_delete=models.CASCADE, related_name="subscriptions")
    newsletter = models.ForeignKey(Newsletter, on_delete=models.CASCADE, related_name="subscriptions")
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.PENDING)
    consent_at = models.DateTimeField(help_text="When the reader asked (or the imported list's opt-in time).")
    consent_source = models.CharField(
        max_length=60, help_text='Where: "footer", "article end", "newsletter page", "import: mailchimp"...'
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-consent_at"]
        get_latest_by = "consent_at"
        constraints = [
            models.UniqueConstraint(fields=["reader", "newsletter"], name="subscription_once_per_newsletter")
        ]
        indexes = [models.Index(fields=["newsletter", "status"], name="subscription_audience")]

    def __str__(self):
        return f"{self.reader} → {self.newsletter}"

    def get_absolute_url(self):
        return reverse("readers:account")


class Suppression(models.Model):
    """An address never mailed again (checked when a delivery is claimed)."""

    class Reason(models.TextChoices):
        BOUNCE = "bounce", "Hard bounce"
        COMPLAINT = "complaint", "Complaint (marked as spam)"
        MANUAL = "manual", "Added by hand"

    email = models.EmailField(max_length=254, unique=True, help_text="Lower-cased.")
    reason = models.CharField(max_length=10, choices=Reason.choices)
    at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at"]
        get_latest_by = "at"

    def __str__(self):
        return f"{self.email} ({self.get_reason_display()})"

    def get_absolute_url(self):
        return reverse("admin:readers_suppression_change", args=[self.pk])


class Issue(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"

    newsletter = models.ForeignKey(Newsletter, on_delete=models.PROTECT, related_name="issues")
    subject = models.CharField(max_length=200)
    intro = models.TextField(blank=True, help_text="A few lines above the stories (plain text).")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False)
    scheduled_for = models.DateTimeField(null=True, blank=True, help_text="Sent by the worker at this time.")
    started_at = models.DateTimeField(null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        get_latest_by = "created_at"

    def __str__(self):
        return self.subject

    def get_absolute_url(self):
        return reverse("admin:readers_issue_change", args=[self.pk])


class IssueItem(models.Model):
    """One story of an issue, copied when the issue is built (an email sent must not change later)."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(default=0)
    article = models.ForeignKey("articles.Article", on_delete=models.SET_NULL, null=True, blank=True)
    headline = models.CharField(max_length=300)
    standfirst = models.TextField(blank=True)
    url = models.URLField(max_length=500, help_text="Absolute: it is followed from a mail client.")
    kicker = models.CharField(max_length=80, blank=True, help_text="The section's name, above the headline.")
    image_url = models.URLField(max_length=500, blank=True)
    image_alt = models.CharField(max_length=300, blank=True, help_text="Alt text of the picture (required).")
    image_width = models.PositiveIntegerField(null=True, blank=True)
    image_height = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["issue", "position", "id"]

    def __str__(self):
        return self.headline

    def get_absolute_url(self):
        return self.url


class Delivery(models.Model):
    """One address's copy of one issue. queued → claimed (by a task, in a batch) → sending (on the wire,
    one at a time per task) → sent; or suppressed / skipped / failed. `email` is emptied (NULL) when the
    reader deletes their account: the issue's counts stay."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        CLAIMED = "claimed", "Claimed by a worker"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        SUPPRESSED = "suppressed", "Suppressed"
        SKIPPED = "skipped", "Unsubscribed before it went"
        FAILED = "failed", "Failed"

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="deliveries")
    subscription = models.ForeignKey(Subscription, on_delete=models.SET_NULL, null=True, blank=True)
    # NULL, not "": erased rows must not collide in the unique (issue, email) constraint.
    email = models.EmailField(max_length=254, null=True, blank=True)  # noqa: DJ001
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    claimed_by = models.CharField(max_length=64, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Times put on the wire.")
    message_id = models.CharField(max_length=200, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["issue", "id"]
        verbose_name_plural = "deliveries"
        constraints = [models.UniqueConstraint(fields=["issue", "email"], name="delivery_once_per_address")]
        indexes = [models.Index(fields=["issue", "status"], name="delivery_progress")]

    def __str__(self):
        return f"{self.issue_id}: {self.email or '(erased)'} {self.status}"

    def get_absolute_url(self):
        return reverse("admin:readers_issue_change", args=[self.issue_id])


class SignInLink(models.Model):
    """A magic link: only the hash of its token is kept, so a database leak signs nobody in."""

    reader = models.ForeignKey(Reader, on_delete=models.CASCADE, related_name="sign_in_links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        get_latest_by = "created_at"

    def __str__(self):
        return f"Sign-in link for reader {self.reader_id}"


class RateEvent(models.Model):
    """One attempt counted by the limiter (ratelimit.py): `key` is a keyed hash, never an address."""

    key = models.CharField(max_length=64)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]
        get_latest_by = "at"
        indexes = [models.Index(fields=["key", "at"], name="rate_event_window")]

    def __str__(self):
        return f"{self.key[:8]} at {self.at}"
