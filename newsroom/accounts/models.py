from django.conf import settings
from django.db import models


class NotificationSettings(models.Model):
    """What a member of staff wants to hear about by email. No row: the defaults (everything on)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    email = models.BooleanField(
        "email me",
        default=True,
        help_text="Stories sent back or published (reporters), stories submitted for review (editors).",
    )

    class Meta:
        verbose_name = verbose_name_plural = "notification settings"

    def __str__(self):
        return f"Notifications for {self.user}"
