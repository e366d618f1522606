"""Story reads, counted by the beacon (articles/readership/) in Redis and moved here by the flush: per
story per hour, and where readers came from per story per day. No row holds anything about a reader."""

from django.db import models


class StoryReads(models.Model):
    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="reads")
    hour = models.DateTimeField(help_text="The start of the hour (UTC) these reads fell in.")
    reads = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "story reads"
        verbose_name_plural = "story reads"
        ordering = ["-hour", "article"]
        get_latest_by = "hour"
        constraints = [models.UniqueConstraint(fields=["article", "hour"], name="storyreads_article_hour")]
        # The most-read lists and the desk's "doing well now": every story's reads over recent hours.
        indexes = [models.Index(fields=["hour", "article"], name="storyreads_hour_article")]

    def __str__(self):
        return f"{self.article_id} at {self.hour:%Y-%m-%d %H:00}: {self.reads}"

    def get_absolute_url(self):
        return self.article.get_absolute_url()


class ReadSource(models.Model):
    class Source(models.TextChoices):
        NEWSLETTER = "newsletter", "Newsletter"
        SEARCH = "search", "Search engine"
        SOCIAL = "social", "Social network"
        SITE = "site", "This site"
        DIRECT = "direct", "Direct (no referrer)"
        OTHER = "other", "Another site"

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="read_sources")
    day = models.DateField(help_text="The day (UTC) of the reads.")
    source = models.CharField(max_length=12, choices=Source.choices)
    domain = models.CharField(
        max_length=100, blank=True, help_text="The referring site's domain (search, social and other sites)."
    )
    reads = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day", "-reads"]
        get_latest_by = "day"
        constraints = [
            models.UniqueConstraint(
                fields=["article", "day", "source", "domain"], name="readsource_article_day_source"
            )
        ]

    def __str__(self):
        return f"{self.article_id} on {self.day}: {self.source} {self.domain}".strip()

    def get_absolute_url(self):
        return self.article.get_absolute_url()


class ReadFlush(models.Model):
    """One batch of counters moved from Redis, written in the same transaction as its counts: a batch
    found again after a crash (its Redis key still there) is applied only if its row is not."""

    batch = models.CharField(max_length=120, unique=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]
        get_latest_by = "at"
        indexes = [models.Index(fields=["at"], name="readflush_at")]

    def __str__(self):
        return self.batch

    def get_absolute_url(self):
        return ""
