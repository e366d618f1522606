"""The desk's records of a story: its workflow transitions, revisions, edit locks, the trash, internal
comments, pending changes to a live story and autosaves."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .story import Article


class Transition(models.Model):
    """One change of an article's state: who, when, from, to."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=12, choices=Article.Status.choices)
    to_status = models.CharField(max_length=12, choices=Article.Status.choices)
    action = models.CharField(max_length=30)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        get_latest_by = "at"
        indexes = [models.Index(fields=["article", "-at"], name="transition_article_idx")]

    def __str__(self):
        return f"{self.article_id}: {self.from_status} → {self.to_status}"


class Revision(models.Model):
    """The full content of an article as saved, kept on every save."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    created_at = models.DateTimeField(default=timezone.now)
    data = models.JSONField()
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-version"]
        get_latest_by = "version"
        constraints = [models.UniqueConstraint(fields=["article", "version"], name="revision_unique_version")]

    def __str__(self):
        return f"{self.article_id} v{self.version}"


class EditLock(models.Model):
    """Who has a story open in the admin. Soft: it warns others, it never blocks them."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="edit_locks")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    since = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["since"]
        constraints = [models.UniqueConstraint(fields=["article", "user"], name="edit_lock_unique")]

    def __str__(self):
        return f"{self.user} editing {self.article_id}"


class TrashedArticle(Article):
    """Articles in the trash, as their own admin list."""

    class Meta:
        proxy = True
        verbose_name = "article in the trash"
        verbose_name_plural = "trash"


class StoryComment(models.Model):
    """An internal note on a story, from staff to staff: readers never see it."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        get_latest_by = "created_at"
        indexes = [models.Index(fields=["article", "created_at"], name="story_comment_article_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(text__regex=r"^\s*$"), name="story_comment_not_empty")
        ]

    def __str__(self):
        return f"{self.user or 'Someone'} on {self.article_id}: {self.text[:40]}"


class PendingVersion(models.Model):
    """Changes to a published story that readers do not see until an editor publishes them.

    `data` has the shape of a revision's (publishing/revisions.py snapshot): applying it is a restore.
    """

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="pending")
    data = models.JSONField()
    # The story's version the changes were made on: publishing them over a newer save is a conflict.
    based_on_version = models.PositiveIntegerField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        get_latest_by = "updated_at"

    def __str__(self):
        return f"Pending changes to {self.article_id}"


class Autosave(models.Model):
    """A copy of a story form's unsaved changes, kept while someone types. It never touches the story and
    makes no revision; the form offers it back when reopened. `article` is empty for a story not yet saved."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    data = models.JSONField(help_text="The form's fields as the browser would send them.")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at"]
        get_latest_by = "updated_at"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "article"], nulls_distinct=False, name="autosave_one_per_form"
            )
        ]

    def __str__(self):
        return f"Autosave by {self.user_id} of {self.article_id or 'a new story'}"
