from django.db import models


class StoredMarkup(models.Model):
    """A story's own rendered markup (articles/public/render.py story_parts), kept with the story in the
    database rather than in an expiring cache: a cold story's page reads it with its route.

    Valid while `rendered_for` is the story's updated_at (which every visible change moves) and
    `generation` the shared markup generation (bumped when a row many stories show changes: an author,
    a photo, a section, the site settings); `version` tells markup from another release apart.
    """

    article = models.OneToOneField(
        "articles.Article", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    parts = models.JSONField()
    rendered_for = models.DateTimeField()
    generation = models.BigIntegerField()
    version = models.CharField(max_length=32)

    def __str__(self):
        return f"Stored markup of story {self.article_id}"


class StoredCard(models.Model):
    """A story's card with its options left open (articles/public/cards.py template()), kept and
    superseded exactly as StoredMarkup is: listings and related stories read it with their ids."""

    article = models.OneToOneField(
        "articles.Article", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    card = models.JSONField()
    rendered_for = models.DateTimeField()
    generation = models.BigIntegerField()
    version = models.CharField(max_length=32)

    def __str__(self):
        return f"Stored card of story {self.article_id}"
