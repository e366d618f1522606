"""The site itself: the outlet's identity and its social profiles, shown on every page."""

from django.db import models
from django.db.models import Q


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
