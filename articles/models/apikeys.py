"""The read API's partner keys."""

from django.conf import settings
from django.db import models
from django.urls import reverse


class ApiKey(models.Model):
    """A partner's key to the read API. Only a hash of the key is stored: it is shown once, when issued."""

    name = models.CharField(max_length=100, help_text="What the key is for, e.g. “Partner app (iOS)”.")
    owner = models.CharField(max_length=200, help_text="The partner or person who holds the key.")
    contact_email = models.EmailField(blank=True, help_text="Whom to tell before the key is revoked.")
    # "nrk_" and the first characters: enough to recognise a key in a log or a support request.
    prefix = models.CharField(max_length=16, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    rate_limit = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text=(
            "Requests a minute (API_RATE_WINDOW) for this key. Empty: the keyed clients' default "
            "(API_KEY_RATE)."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked = models.BooleanField(
        default=False, help_text="A revoked key is refused from its next request on. It cannot be restored."
    )
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        get_latest_by = "created_at"
        verbose_name = "API key"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(revoked=False) | models.Q(revoked_at__isnull=False),
                name="api_key_revoked_has_time",
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def get_absolute_url(self):
        return reverse("admin:articles_apikey_change", args=[self.pk])
