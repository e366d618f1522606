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


class SSOIdentity(models.Model):
    """Which account at the identity provider a user is: its issuer and `sub`, which never change even
    when the person's email address does. Made at the first single sign-on (newsroom/accounts/sso.py)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_identities"
    )
    issuer = models.CharField(max_length=255, help_text="The provider's issuer URL (OIDC_ISSUER).")
    subject = models.CharField(max_length=255, help_text="The provider's id for the person (the sub claim).")
    created_at = models.DateTimeField(auto_now_add=True)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["user", "issuer"]
        get_latest_by = "last_sign_in_at"
        verbose_name = verbose_name_plural = "single sign-on identity"
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"], name="sso_identity_unique")]

    def __str__(self):
        return f"{self.user} at {self.issuer}"


class UserSession(models.Model):
    """A signed-in session of a user, so that signing someone out everywhere deletes their sessions by
    index instead of decoding every session in the table (the sessions hold the user id only encoded)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session_key = models.CharField(max_length=40, unique=True)
    # The provider's session id (the ID token's sid): what a back-channel logout may name instead.
    sso_sid = models.CharField(max_length=255, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        get_latest_by = "created_at"

    def __str__(self):
        return f"Session of {self.user_id} since {self.created_at:%Y-%m-%d %H:%M}"
