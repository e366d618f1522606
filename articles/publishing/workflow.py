"""The life of a story: each state change as one atomic, recorded function.

Every check runs on the server whatever the admin shows (policy.py); views and admin hooks only call in.
"""

import copy
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from articles.models import Article, Transition
from articles.webhooks import events

from . import history, notifications
from .policy import can_edit, can_publish, can_purge, can_restore_from_trash, can_trash, require
from .revisions import bump_version, record_revision

Status = Article.Status


def _transition(article: Article, user, *, to: str, action: str, note: str = "", **changes) -> Article:
    # Lock the row: two editors pressing "Publish" at once must not both record a transition.
    locked = Article.objects.select_for_update().get(pk=article.pk)
    stored = copy.copy(locked)
    was_live, was_published_at = locked.is_live, locked.published_at
    from_status = locked.status
    locked.status = to
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.updated_by = user
    locked.save()
    Transition.objects.create(
        article=locked, from_status=from_status, to_status=to, action=action, user=user, note=note
    )
    bump_version(locked)
    revision = record_revision(article=locked, user=user, note=action.replace("_", " ").capitalize())
    history.log_version(article=locked, revision=revision, action=action, summary=note, before=stored)
    for name in ["status", "published_at", "embargo_until", "version", "updated_at", "deleted_at"]:
        setattr(article, name, getattr(locked, name))
    # Webhooks: a story going live (or due to), leaving readers, or changed while live.
    events.after_change(locked, was_live=was_live, was_published_at=was_published_at)
    return article


NOTE_MAX_LENGTH = Transition._meta.get_field("note").max_length


def _clean_note(note: str, *, required: str = "") -> str:
    """The note stripped; `required` is the message when it must not be empty."""
    note = (note or "").strip()
    if required and not note:
        raise ValidationError(required, code="note_required")
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            f"Keep the note to {NOTE_MAX_LENGTH} characters (it has {len(note)}): "
            "say the rest in a comment on the story.",
            code="note_too_long",
        )
    return note


@transaction.atomic
def submit_for_review(*, article: Article, user, note: str = "") -> Article:
    """A draft goes to the editors, with a note for them if the reporter has one."""
    require(can_edit(user, article), "You may not edit this story.")
    if article.status not in (Status.DRAFT, Status.UNPUBLISHED):
        raise ValidationError("Only a draft can be submitted for review.")
    note = _clean_note(note)
    _transition(article, user, to=Status.REVIEW, action="submit_for_review", note=note)
    notifications.submitted(article=article, by=user, note=note)
    return article


@transaction.atomic
def return_to_draft(*, article: Article, user, note: str) -> Article:
    """A story in review goes back to its reporter, with a note saying why (required)."""
    require(can_publish(user), "Only editors can send a story back to draft.")
    if article.status != Status.REVIEW:
        raise ValidationError("Only a story in review can be sent back to draft.")
    note = _clean_note(
        note, required="Say why the story goes back to draft: the note is sent to its reporter."
    )
    _transition(article, user, to=Status.DRAFT, action="return_to_draft", note=note)
    notifications.sent_back(article=article, by=user, note=note)
    return article


def credit_problems(*, lead=None, gallery=()) -> list[str]:
    """Why these photos stop a story being published: every lead or gallery photo needs a credit."""
    fix = "choose a source or type the photographer in the photo library before publishing."
    problems = []
    if lead is not None and not lead.credit:
        problems.append(f"The lead photo “{lead}” has no credit: {fix}")
    for position, photo in enumerate(gallery, start=1):
        if not photo.credit:
            problems.append(f"Gallery photo {position} (“{photo}”) has no credit: {fix}")
    return problems


def photo_problems(article) -> list[str]:
    """credit_problems() of the story's photos as stored."""
    gallery = []
    if article.pk:
        gallery = [item.photo for item in article.gallery_items.select_related("photo__credit_source")]
    return credit_problems(lead=article.lead_photo if article.lead_photo_id else None, gallery=gallery)


def publish_problems(article: Article, at: datetime) -> list[str]:
    problems = []
    if article.embargo_until and at < article.embargo_until:
        problems.append(
            f"This story is embargoed until {timezone.localtime(article.embargo_until):%d %b %Y %H:%M}: "
            "it cannot be published before then."
        )
    if not article.headline.strip() or not article.section_id:
        problems.append("A story needs a headline and a section before it can be published.")
    problems += photo_problems(article)
    return problems


@transaction.atomic
def schedule(*, article: Article, user, at: datetime | None) -> Article:
    """Publish at a future time: the story goes live by itself then, no cron needed."""
    if not at or at <= timezone.now():
        raise ValidationError("Set a publish time in the future to schedule the story.")
    return publish(article=article, user=user, at=at)


@transaction.atomic
def publish(*, article: Article, user, at: datetime | None = None) -> Article:
    """Publish now (or at `at`: a past time backdates an imported story, a future one schedules it)."""
    require(can_publish(user), "Only editors can publish or schedule stories.")
    if article.deleted_at is not None:
        raise ValidationError("Restore the story from the trash before publishing it.")
    at = at or timezone.now()
    if problems := publish_problems(article, at):
        raise ValidationError(problems)
    action = "schedule" if at > timezone.now() else "publish"
    # A story that was live keeps its first publication time when it is republished.
    if action == "publish" and article.status == Status.UNPUBLISHED and article.published_at:
        at = article.published_at
    _transition(article, user, to=Status.PUBLISHED, action=action, published_at=at)
    notifications.published(article=article, by=user)
    return article


@transaction.atomic
def unpublish(*, article: Article, user, note: str = "") -> Article:
    require(can_publish(user), "Only editors can unpublish stories.")
    if article.status != Status.PUBLISHED:
        raise ValidationError("Only a published or scheduled story can be unpublished.")
    return _transition(article, user, to=Status.UNPUBLISHED, action="unpublish", note=note)


@transaction.atomic
def trash(*, article: Article, user) -> Article:
    require(
        can_trash(user, article),
        "You may not delete this story.",
    )
    return _transition(article, user, to=article.status, action="trash", deleted_at=timezone.now())


@transaction.atomic
def restore_from_trash(*, article: Article, user) -> Article:
    require(can_restore_from_trash(user), "You may not restore stories.")
    return _transition(article, user, to=article.status, action="restore", deleted_at=None)


@transaction.atomic
def purge(*, article: Article, user) -> None:
    require(can_purge(user), "Only administrators can delete a story for good.")
    if article.deleted_at is None:
        raise ValidationError("Move the story to the trash before deleting it for good.")
    history.log_story(article, "purge", summary="Deleted for good")
    article.delete()
