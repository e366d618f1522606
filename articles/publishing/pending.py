"""Pending changes to a live story: readers keep the live version until an editor publishes them.

Which edits wait (goes_pending): every edit of a live story, unless someone who may publish chooses
"Save and publish". A scheduled story is edited directly: no reader sees it yet, and an edit must be in
what goes live at its time. A story has at most one pending version, in the shape of a revision's
snapshot (plus its gallery), so publishing it is applying a snapshot through editing.save_edit as a
restore does; corrections and updates are notes to readers and are never pending.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from articles.models import Article, PendingVersion, Revision

from . import history
from .diffs import field_diffs
from .editing import (
    RESTORED_FIELDS,
    TIME_FIELDS,
    apply_snapshot,
    edit_problems,
    find_conflict,
    set_snapshot_fields,
    snapshot_problems,
)
from .policy import can_edit, can_publish, require
from .revisions import SNAPSHOT_FIELDS, snapshot

PENDING_FIELDS = RESTORED_FIELDS + TIME_FIELDS
# What a pending version may change; the state and the notes to readers are the live story's own.
EDITABLE = [*PENDING_FIELDS, "tags", "authors", "sources", "gallery"]


def goes_pending(*, stored: Article | None, user, publish_now: bool = False) -> bool:
    """Whether an edit of the story as stored waits as pending changes."""
    return stored is not None and stored.is_live and not (publish_now and can_publish(user))


def pending_for(article: Article | None) -> PendingVersion | None:
    """The story's pending version, read once per copy of the story (the form, its inlines and its banner
    ask in one request)."""
    if article is None or article.pk is None:
        return None
    try:
        return article.pending
    except PendingVersion.DoesNotExist:
        return None


def stamp(pending: PendingVersion | None) -> str:
    """Which pending version a form was opened on ("" for none): saving over a newer one is a conflict."""
    return pending.updated_at.isoformat() if pending else ""


# --- Content as data --------------------------------------------------------------------------------


def _scalars(article: Article, fields=SNAPSHOT_FIELDS) -> dict:
    return {
        name: value.isoformat() if isinstance(value, datetime) else value
        for name, value in ((name, getattr(article, name)) for name in fields)
    }


def content_of(article: Article, *, tags, authors, sources, gallery) -> dict:
    """The snapshot-shaped content of `article` as edited (in memory), with its tags (names), bylines and
    sources (ids, in order) and gallery ((photo id, caption) pairs, in order)."""
    return {
        **_scalars(article),
        "tags": sorted(tags),
        "authors": list(authors),
        "sources": list(sources),
        "gallery": [{"photo": photo, "caption": caption} for photo, caption in gallery],
    }


def stored_content(article: Article) -> dict:
    """The story's content as stored, in the same shape."""
    gallery = [{"photo": photo, "caption": caption} for photo, caption in _gallery_rows(article)]
    return {**snapshot(article), "gallery": gallery}


def _gallery_rows(article: Article):
    return article.gallery_items.values_list("photo_id", "caption")


def rebased(pending: PendingVersion, article: Article) -> tuple[dict, list[str]]:
    """The pending content over the live story as it is now, if the story was saved since the changes were
    made: what they left alone takes the live story's newer value. Also the fields both changed (theirs
    is kept: the editor checks them). Worked out once per pending version read."""
    if not hasattr(pending, "_rebased"):
        data, both, base = pending.data, [], None
        if pending.based_on_version != article.version:
            base = Revision.objects.filter(article_id=article.pk, version=pending.based_on_version).first()
        if base is not None:
            data, live = dict(pending.data), stored_content(article)
            for key in (key for key in EDITABLE if key in base.data):
                if data.get(key) == base.data[key]:
                    data[key] = live[key]
                elif live[key] not in (base.data[key], data.get(key)):
                    both.append(key)
        pending._rebased = data, both
    return pending._rebased


def story_as_pending(article: Article, data: dict) -> Article:
    """An unsaved copy of `article` with the pending content's fields (not its relations)."""
    copy = Article.objects.get(pk=article.pk)
    return set_snapshot_fields(copy, data, PENDING_FIELDS)


# --- Conflicts ----------------------------------------------------------------------------------------


class PendingConflict(ValidationError):
    """Someone saved pending changes after this writer opened the story: `changes` are theirs, against
    the live story."""

    def __init__(self, *, current: PendingVersion | None, changes: list):
        self.current, self.changes = current, changes
        if current is None:
            message = "The pending changes you opened were published or discarded after you opened the story"
        else:
            who = current.user.get_username() if current.user else "Someone"
            message = f"{who} saved pending changes at {timezone.localtime(current.updated_at):%H:%M:%S}"
        super().__init__(
            f"{message}, so your changes were NOT saved. Their changes are shown below. Your text is still "
            "in the form: merge what you need, then save again to replace them.",
            code="conflict",
        )


def find_pending_conflict(*, article: Article, loaded_pending: str) -> PendingConflict | None:
    """The conflict with the stored pending version, if it is not the one the writer opened."""
    current = PendingVersion.objects.select_related("user").filter(article_id=article.pk).first()
    if stamp(current) == loaded_pending:
        return None
    live = stored_content(article)
    return PendingConflict(current=current, changes=field_diffs(live, current.data) if current else [])


# The fields a pending version changes that the model itself validates (the related rows are checked by
# snapshot_problems): lengths, the slug's form, the body's sanitising, as a save would.
VALIDATED = ["headline", "slug", "standfirst", "body", "seo_title", "meta_description", *TIME_FIELDS]


def _checked(data: dict, live: dict) -> dict:
    """`data` as it would be saved, or ValidationError by field."""
    if missing := snapshot_problems(data):
        raise ValidationError(f"These changes cannot be kept: {'; '.join(missing)}.")
    for name in TIME_FIELDS:
        # The form shows times to the second: the same second is the live time, not a move.
        if _second(data[name]) == _second(live[name]):
            data[name] = live[name]
    story = Article(**{name: data[name] for name in VALIDATED})
    story.clean_fields(exclude=[f.name for f in Article._meta.concrete_fields if f.name not in VALIDATED])
    return {**data, **_scalars(story, VALIDATED), "tags": sorted(data["tags"])}


def _second(value: str | None):
    return parse_datetime(value).replace(microsecond=0) if value else None


def _raise(problems: dict) -> None:
    if problems:
        raise ValidationError({field or "__all__": messages for field, messages in problems.items()})


# --- The services ----------------------------------------------------------------------------------


@transaction.atomic
def save_pending(
    *, article: Article, user, data: dict, loaded_version: int | None, loaded_pending: str | None = None
) -> PendingVersion | None:
    """Keep `data` (snapshot-shaped: what content_of returns) as the live story's pending changes.

    `loaded_version` is the story's version the changes were made on; `loaded_pending` the stamp() of the
    pending version they were made on (None: replace whatever is pending). Content that is the live
    story's own leaves nothing pending (None). Raises PermissionDenied, EditConflict, PendingConflict or
    ValidationError (a dict by field, the rules of save_edit on the story as it would be).
    """
    if conflict := find_conflict(article_id=article.pk, loaded_version=loaded_version):
        raise conflict
    stored = Article.objects.get(pk=article.pk)
    require(can_edit(user, stored), "You may not edit this story.")
    if not stored.is_live:
        raise ValidationError("Only a live story's changes wait for publication: save this story directly.")
    if loaded_pending is not None and (
        conflict := find_pending_conflict(article=stored, loaded_pending=loaded_pending)
    ):
        raise conflict
    live = stored_content(stored)
    data = _checked({**live, **{key: value for key, value in data.items() if key in EDITABLE}}, live)
    story = story_as_pending(stored, data)
    _raise(edit_problems(article=story, user=user, before=stored))
    if all(data[key] == live[key] for key in EDITABLE):
        if PendingVersion.objects.filter(article=stored).delete()[0]:
            history.log_story(stored, "pending_discard", summary="Pending changes undone by a save")
        return None
    history.log_story(
        stored,
        "pending_save",
        changes=history.story_changes({k: live[k] for k in EDITABLE}, {k: data[k] for k in EDITABLE}),
        summary="Changes kept to publish later",
    )
    pending, _ = PendingVersion.objects.update_or_create(
        article=stored,
        defaults={"data": data, "based_on_version": stored.version, "user": user},
        create_defaults={"data": data, "based_on_version": stored.version, "user": user},
    )
    return pending


@transaction.atomic
def publish_pending(*, article: Article, user) -> Article:
    """Put the pending changes live, as a new version; the pending version is gone after."""
    require(can_publish(user), "Only editors publish pending changes.")
    locked = Article.objects.select_for_update(of=("self",)).select_related("updated_by").get(pk=article.pk)
    pending = PendingVersion.objects.filter(article=locked).first()
    if pending is None:
        raise ValidationError("There are no pending changes to publish: they were published or discarded.")
    if not locked.is_live:
        raise ValidationError("The story is not live: save its form to make these changes its content.")
    if locked.version != pending.based_on_version:
        who = locked.updated_by.get_username() if locked.updated_by else "Someone"
        raise ValidationError(
            f"{who} changed the live story at {timezone.localtime(locked.updated_at):%H:%M} after these "
            "changes were made, so they were NOT published. Open the story, check the pending changes "
            "against it, and save them again before publishing.",
            code="conflict",
        )
    try:
        # The stored row, not the caller's copy: only the pending fields may change.
        apply_snapshot(
            article=locked,
            user=user,
            data=pending.data,
            fields=PENDING_FIELDS,
            loaded_version=pending.based_on_version,
            note="Published pending changes",
            action="publish_pending",
        )
    except ValidationError as exc:
        raise ValidationError(f"The pending changes cannot be published: {' '.join(exc.messages)}") from exc
    pending.delete()
    return locked


@transaction.atomic
def discard_pending(*, article: Article, user) -> None:
    """Drop the pending changes: the live story stays as it is."""
    require(can_edit(user, article), "You may not edit this story.")
    stored = Article.objects.select_for_update().get(pk=article.pk)  # as a save locks it
    if PendingVersion.objects.filter(article_id=article.pk).delete()[0]:
        history.log_story(stored, "pending_discard", summary="Pending changes discarded")


@transaction.atomic
def restore_revision(*, article: Article, revision: Revision, user) -> Revision | PendingVersion | None:
    """Make a past version's content the story's content again: a new version, or for a live story its
    pending changes (returned; None when it is the live content already)."""
    require(can_edit(user, article), "You may not edit this story.")
    failed = f"Version {revision.version} cannot be restored"
    try:
        if article.is_live:
            restored = {key: revision.data[key] for key in [*RESTORED_FIELDS, "tags", "authors", "sources"]
                        if key in revision.data}  # fmt: skip
            if missing := snapshot_problems(restored):
                raise ValidationError(f"{'; '.join(missing)}.")
            return save_pending(article=article, user=user, data=restored, loaded_version=article.version)
        apply_snapshot(
            article=article,
            user=user,
            data=revision.data,
            fields=RESTORED_FIELDS,
            loaded_version=article.version,
            note=f"Restored version {revision.version}",
            action="restore_revision",
        )
    except ValidationError as exc:
        raise ValidationError(f"{failed}: {' '.join(exc.messages)}") from exc
    return article.revisions.get(version=article.version)
