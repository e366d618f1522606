"""A story's markup and card, rendered once and kept beside it while they stay valid."""

from django.db import models


class Kept(models.Model):
    """Something rendered from a story, kept with it while `rendered_for` is the story's updated_at (which
    every visible change moves), `generation` the shared markup generation (bumped when a row many stories
    show changes: an author, a photo, a section, the site settings) and `version` this release's."""

    article = models.OneToOneField(
        "articles.Article", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    rendered_for = models.DateTimeField()
    generation = models.BigIntegerField()
    version = models.CharField(max_length=32)

    class Meta:
        abstract = True


class StoredMarkup(Kept):
    """A story's own rendered markup (articles/public/render.py story_parts), kept with the story in the
    database rather than in an expiring cache: a cold story's page reads it with its route."""

    parts = models.JSONField()

    def __str__(self):
        return f"Stored markup of story {self.article_id}"


class StoredCard(Kept):
    """A story's card with its options left open (articles/public/cards.py template()): listings and
    related stories read it with their ids."""

    card = models.JSONField()

    def __str__(self):
        return f"Stored card of story {self.article_id}"
