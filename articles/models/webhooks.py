"""Webhook subscriptions and their deliveries."""

import uuid

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone


class Event(models.TextChoices):
    PUBLISHED = "published", "Published"
    UPDATED = "updated", "Updated"
    UNPUBLISHED = "unpublished", "Unpublished"
    CORRECTED = "corrected", "Corrected"


class WebhookSubscription(models.Model):
    """A partner told of story events. The secret signs each body (HMAC-SHA256) and is write-only."""

    name = models.CharField(max_length=120)
    url = models.URLField("endpoint URL", max_length=1000)
    events = ArrayField(models.CharField(max_length=20, choices=Event.choices), default=list)
    secret = models.CharField(max_length=200, editable=False)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def __repr__(self):
        return f"<WebhookSubscription {self.pk}: {self.name}>"


class WebhookDelivery(models.Model):
    """One event for one subscription, through all its attempts (`log`: one entry per attempt)."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed (gave up)"
        CANCELLED = "cancelled", "Cancelled (story no longer live)"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=20, choices=Event.choices)
    article = models.ForeignKey(
        "articles.Article", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A "published" event for a scheduled story waits for this time, and is sent only if it still holds.
    publish_time = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    body = models.TextField(blank=True, help_text="The JSON sent, the same bytes on every attempt.")
    attempts = models.PositiveIntegerField(default=0)
    last_status = models.PositiveIntegerField("last response status", null=True, blank=True)
    last_error = models.TextField(blank=True)
    log = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        get_latest_by = "created_at"
        verbose_name_plural = "webhook deliveries"

    def __str__(self):
        return f"{self.get_event_display()} → {self.subscription}"
