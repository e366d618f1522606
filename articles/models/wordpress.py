"""What a WordPress import brought, by the WordPress site and the item's own id: a re-run matches each item
here (so it creates nothing twice), and a newer export updates what changed (its digest differs)."""

from django.db import models
from django.utils import timezone


class WordPressItem(models.Model):
    class Kind(models.TextChoices):
        AUTHOR = "author"
        CATEGORY = "category"
        TAG = "tag"
        ATTACHMENT = "attachment"
        POST = "post"
        PAGE = "page"

    site = models.CharField(max_length=300, help_text="The export's base site URL.")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    wp_id = models.CharField(max_length=200, help_text="The post id, or the term's or author's login/slug.")
    object_id = models.BigIntegerField(null=True, blank=True, help_text="What it became here, if anything.")
    digest = models.CharField(max_length=64, help_text="Of the item as exported: a change means an update.")
    missing_file = models.BooleanField(default=False, help_text="An attachment whose file was not found.")
    imported_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["site", "kind", "wp_id"], name="wordpress_item_once")]

    def __str__(self):
        return f"{self.kind} {self.wp_id}"


class WordPressComment(models.Model):
    """Readers' comments from the export, kept for a later comments feature: nothing shows them yet."""

    site = models.CharField(max_length=300)
    wp_id = models.BigIntegerField()
    article = models.ForeignKey("articles.Article", null=True, on_delete=models.CASCADE, related_name="+")
    author_name = models.CharField(max_length=250, blank=True)
    posted_at = models.DateTimeField(null=True)
    approved = models.BooleanField(default=False)
    text = models.TextField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["site", "wp_id"], name="wordpress_comment_once")]

    def __str__(self):
        return f"comment {self.wp_id}"
