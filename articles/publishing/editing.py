"""Saving an edit: the one way every writer (the admin, commands, wire ingest, an API, autosave) changes a
story's content. The rules live here, not in a form or an admin hook:

- who may edit (policy.py); a state change goes through workflow.py, never through an edit;
- a save on top of someone else's newer save is refused with what they changed (a conflict);
- a slug that already leads readers to another published story cannot be taken;
- only editors set publish times and embargoes, and moving a published story's time goes through the
  publish rules (embargo, credits): no route to "live" skips them;
- every save counts a version and keeps a revision, the first one included; restoring a revision and
  publishing a live story's pending changes apply a snapshot through it (apply_snapshot);
- notes to readers (corrections, updates) are dated, signed, never deleted, and keep their first wording.

Plus who has a story open (soft locks that warn, never block).
"""

from collections import defaultdict
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from articles.models import (
    Article,
    ArticleAuthor,
    ArticleSource,
    Author,
    Correction,
    EditLock,
    GalleryItem,
    Photo,
    Revision,
    Section,
    SlugRedirect,
    Source,
)
from articles.webhooks import events
from newsroom import audit

from . import history
from .diffs import field_diffs
from .policy import can_edit, can_publish, can_write_notes, require
from .revisions import record_revision, snapshot
from .workflow import photo_problems, publish_problems

Status = Article.Status
EDIT_LOCK_MINUTES = 15


class EditConflict(ValidationError):
    """Someone saved the story after this writer loaded it: `changes` says what they changed."""

    def __init__(self, *, current: Article, changes: list):
        self.current, self.changes = current, changes
        who = current.updated_by.get_username() if current.updated_by else "Someone"
        super().__init__(
            f"{who} saved this story at {timezone.localtime(current.updated_at):%H:%M:%S} after you "
            "opened it, so your changes were NOT saved. Their changes are shown below. Your text is "
            "still in the form: merge what you need, then save again to replace their version.",
            code="conflict",
        )


def find_conflict(*, article_id: int, loaded_version: int | None) -> EditConflict | None:
    """The conflict with the stored story, if the version loaded is not the current one.

    Locks the row until the transaction ends, so two simultaneous saves cannot both pass.
    """
    current = Article.objects.select_for_update(of=("self",)).select_related("updated_by").get(pk=article_id)
    if loaded_version is None or current.version == loaded_version:
        return None
    opened = Revision.objects.filter(article=current, version=loaded_version).first()
    return EditConflict(
        current=current, changes=field_diffs(opened.data if opened else {}, snapshot(current))
    )


def edit_problems(
    *, article: Article, user, before: Article | None, agency_embargo=None
) -> dict[str | None, list[str]]:
    """Why this edit cannot be saved, by field (None: the story as a whole). `before` is the stored
    story, None for a new one. `agency_embargo`: a new story from a wire item carries the agency's
    embargo whoever makes it (an embargo only holds a story back)."""
    problems = defaultdict(list)
    status = before.status if before else Status.DRAFT
    if article.status != status:
        problems[None].append("A story's state changes through its workflow buttons, not by an edit.")
    if article.slug and Article.objects.filter(slug=article.slug).exclude(pk=article.pk).exists():
        problems["slug"].append("Another story already has this slug.")
    redirect = SlugRedirect.objects.filter(old_slug=article.slug).exclude(article_id=article.pk).first()
    if redirect and redirect.article.is_live:
        problems["slug"].append(
            f"“{article.slug}” was the address of the published story “{redirect.article.headline}”, and "
            "links to it still lead there. Choose another slug."
        )
    times = ("published_at", "embargo_until")
    moved = [name for name in times if getattr(article, name) != (getattr(before, name) if before else None)]
    if before is None and agency_embargo is not None and article.embargo_until == agency_embargo:
        moved = [name for name in moved if name != "embargo_until"]
    if moved and not can_publish(user):
        for name in moved:
            problems[name].append("Only editors set the publish time and the embargo.")
    if status == Status.PUBLISHED:
        if not article.published_at:
            problems["published_at"].append("A published story needs a publish time: unpublish it instead.")
        elif moved or article.lead_photo_id != before.lead_photo_id:
            # The story is live or will go live by itself at this time: the publish rules hold for it.
            problems[None] += publish_problems(article, article.published_at)
    return {field: messages for field, messages in problems.items() if messages}


def _raise(problems: dict) -> None:
    if problems:
        raise ValidationError({field or "__all__": messages for field, messages in problems.items()})


@transaction.atomic
def save_edit(
    *,
    article: Article,
    user,
    loaded_version: int | None = None,
    tags=None,
    authors=None,
    sources=None,
    write_parts=None,
    note: str = "",
    action: str = "",
    agency_embargo=None,
) -> Article:
    """Save `article` as edited by `user`, with its tags, bylines and sources when given (lists of
    names / Author / Source), and `write_parts(article)` for any other rows of it (the admin's inlines).

    Raises PermissionDenied, EditConflict or ValidationError (a dict by field); nothing is saved then.
    """
    before = None
    if article.pk is not None:
        if conflict := find_conflict(article_id=article.pk, loaded_version=loaded_version):
            raise conflict
        before = Article.objects.get(pk=article.pk)
    require(can_edit(user, before or article), "You may not edit this story.")
    _raise(edit_problems(article=article, user=user, before=before, agency_embargo=agency_embargo))
    if before is None:
        article.created_by = article.created_by or user
        article.version = 1
    else:
        article.version = before.version + 1
    article.updated_by = user
    article.save()
    if tags is not None:
        article.tags.set(tags)
    for rows, model, field in ((authors, ArticleAuthor, "author"), (sources, ArticleSource, "source")):
        if rows is not None:
            model.objects.filter(article=article).delete()
            model.objects.bulk_create(
                model(article=article, order=order, **{field: row}) for order, row in enumerate(rows)
            )
    if write_parts is not None:
        write_parts(article)
    if article.status == Status.PUBLISHED and (credits := photo_problems(article)):
        # The gallery is written with the story: a photo without a credit in it is refused here too.
        raise ValidationError(credits)
    revision = record_revision(
        article=article, user=user, note=note or ("Created" if before is None else "Edited")
    )
    history.log_version(
        article=article,
        revision=revision,
        action=action or ("create" if before is None else "update"),
        before=before,
    )
    close_for_editing(article=article, user=user)
    if before is not None:
        events.after_change(article, was_live=before.is_live, was_published_at=before.published_at)
    return article


# --- Notes to readers -----------------------------------------------------------------------------------


def _require_notes(user) -> None:
    require(can_write_notes(user), "Only editors add notes to readers.")


@transaction.atomic
def add_note(*, article: Article, user, text: str, kind: str = Correction.Kind.CORRECTION) -> Correction:
    """A dated correction or update at the foot of the story; it sets the story's "Updated" time."""
    _require_notes(user)
    if not text.strip():
        raise ValidationError({"text": "Say what was wrong and what is right now."})
    note = Correction.objects.create(
        article=article, kind=kind, text=text, created_by=user, created_at=timezone.now()
    )
    Article.objects.filter(pk=article.pk).update(revised_at=note.created_at)
    article.revised_at = note.created_at
    history.log_story(
        article,
        "note_add",
        changes={note.kind: [None, text]},
        summary=f"Added a {note.get_kind_display().lower()}",
    )
    events.after_note(article, kind=kind)
    return note


@transaction.atomic
def edit_note(*, note: Correction, user, text: str, kind: str | None = None) -> Correction:
    """Reword a note; its first wording is kept (original_text), and it is never deleted."""
    _require_notes(user)
    if not text.strip():
        raise ValidationError({"text": "Say what was wrong and what is right now."})
    stored = Correction.objects.select_for_update().get(pk=note.pk)
    if stored.text != text and not stored.original_text:
        note.original_text = stored.text
    changes = audit.diff(
        {"text": stored.text, "kind": stored.kind}, {"text": text, "kind": kind or note.kind}
    )
    note.text, note.kind = text, kind or note.kind
    note.save()
    history.log_story(
        note.article, "note_edit", changes=changes, summary=f"Reworded a {note.get_kind_display().lower()}"
    )
    return note


# --- Applying a snapshot: restoring a revision, publishing pending changes ----------------------------

RESTORED_FIELDS = [
    "headline", "slug", "standfirst", "body", "section_id", "lead_photo_id", "seo_title", "meta_description",
]  # fmt: skip
TIME_FIELDS = ["published_at", "embargo_until"]


def snapshot_problems(data: dict) -> list[str]:
    """What a snapshot names that no longer exists."""
    missing = []
    if data.get("section_id") and not Section.objects.filter(pk=data["section_id"]).exists():
        missing.append("its section has been deleted")
    if data.get("lead_photo_id") and not Photo.objects.filter(pk=data["lead_photo_id"]).exists():
        missing.append("its lead photo has been deleted")
    for key, model, what in (
        ("authors", Author, "byline"),
        ("sources", Source, "attributed source"),
        ("gallery", Photo, "gallery photo"),
    ):
        ids = [row["photo"] if isinstance(row, dict) else row for row in data.get(key, [])]
        if len(set(ids)) != model.objects.filter(pk__in=ids).count():
            missing.append(f"a {what} in it has been deleted")
    return missing


def set_snapshot_fields(article: Article, data: dict, fields) -> Article:
    """Put a snapshot's values of `fields` on `article` (in memory): its times are stored as text."""
    for name in fields:
        value = data.get(name, getattr(article, name))
        setattr(article, name, parse_datetime(value) if name in TIME_FIELDS and value else value)
    return article


def _write_gallery(rows: list[dict]):
    def write(article):
        wanted = [(row["photo"], row.get("caption", "")) for row in rows]
        if list(article.gallery_items.values_list("photo_id", "caption")) != wanted:
            GalleryItem.objects.filter(article=article).delete()
            GalleryItem.objects.bulk_create(
                GalleryItem(article=article, photo_id=photo, caption=caption, order=order)
                for order, (photo, caption) in enumerate(wanted)
            )

    return write


@transaction.atomic
def apply_snapshot(
    *, article: Article, user, data: dict, fields, loaded_version: int | None, note: str, action: str
):
    """Make a snapshot's `fields`, tags, bylines, sources (and gallery, when it has one) the story's
    content, as a new version through save_edit. Raises what save_edit raises, and ValidationError when
    the snapshot names rows deleted since (worded to follow "… cannot be …: ")."""
    if missing := snapshot_problems(data):
        raise ValidationError(f"{'; '.join(missing)}.")
    set_snapshot_fields(article, data, fields)
    authors = Author.objects.in_bulk(data.get("authors", []))
    sources = Source.objects.in_bulk(data.get("sources", []))
    return save_edit(
        article=article,
        user=user,
        loaded_version=loaded_version,
        tags=data.get("tags", []),
        authors=[authors[pk] for pk in data.get("authors", [])],
        sources=[sources[pk] for pk in data.get("sources", [])],
        write_parts=_write_gallery(data["gallery"]) if "gallery" in data else None,
        note=note,
        action=action,
    )


# --- Soft edit locks -------------------------------------------------------------------------------


def open_for_editing(*, article: Article, user) -> list[EditLock]:
    """Note that `user` has the story open; return the others who have it open now."""
    now = timezone.now()
    EditLock.objects.filter(expires_at__lt=now).delete()
    EditLock.objects.update_or_create(
        article=article,
        user=user,
        defaults={"expires_at": now + timedelta(minutes=EDIT_LOCK_MINUTES)},
        create_defaults={"since": now, "expires_at": now + timedelta(minutes=EDIT_LOCK_MINUTES)},
    )
    return list(
        EditLock.objects.filter(article=article, expires_at__gte=now)
        .exclude(user=user)
        .select_related("user")
    )


def close_for_editing(*, article: Article, user) -> None:
    EditLock.objects.filter(article=article, user=user).delete()
