"""Photo writes and the questions asked of a photo's use. Each write is atomic: on failure the previous
state stays, with no row and no file left behind."""

import secrets
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.db import transaction
from PIL import Image

from articles.images import renditions, storage
from articles.images.renditions import SIDEWAYS
from articles.models import Article, GalleryItem, Photo
from articles.publishing import policy
from newsroom import audit

from . import tasks


def upload_name(name: str) -> str:
    """A stored name no earlier upload had: a folder of its own under the month's. Rendition URLs derive
    from it and are cached as immutable, so a name freed by a deleted photo must never come back."""
    return f"{secrets.token_hex(6)}/{PurePosixPath(name).name}"


def _display_size(photo: Photo) -> tuple[int, int]:
    with renditions.open_original(photo) as fh, Image.open(fh) as img:
        orientation = img.getexif().get(0x0112, 1)
        width, height = img.size
    return (height, width) if orientation in SIDEWAYS else (width, height)


CREDIT_REQUIRED = (
    "A published or scheduled story uses this photo, so it must keep a credit: choose a source or type "
    "the photographer."
)


def uncredited_in_published_story(photo: Photo, *, credit_source, credit_text: str) -> bool:
    """The credit rule: would `photo`, saved with this credit, be shown without one by a published or
    scheduled story? Publishing checks the credit once; this keeps it true for every later change."""
    if credit_source or (credit_text or "").strip():
        return False
    return policy.photo_in_published_story(photo)


# Bookkeeping that follows from the file, not an editor's change.
UNLOGGED = {"id", "width", "height", "uploaded_at"}


def save_photo(*, photo: Photo, user=None, replaced_name: str | None = None) -> Photo:
    """Save `photo` and write its renditions; a failure leaves no row and no file behind. Storage that
    fails (unreachable, refusing, full) raises storage.StorageUnavailable, with nothing saved.

    `user`, when given, must be allowed to change the photo (policy.can_change_photo); whoever saves,
    a photo a published story shows keeps its credit. Both are checked before any file is written.
    Renditions are made for a new file or a moved focal point, and kept for any other edit.
    `replaced_name` is the file the photo had before an edit replaced it: it, its renditions and
    the renditions of earlier focal points are removed once the new state is committed.
    """
    is_new = photo.pk is None
    if user is not None and not is_new:
        policy.require(policy.can_change_photo(user, photo), "You may not change this photo.")
    if uncredited_in_published_story(
        photo, credit_source=photo.credit_source_id, credit_text=photo.credit_text
    ):
        raise ValidationError({"credit_source": CREDIT_REQUIRED})
    if user is not None and is_new:
        photo.uploaded_by = user
    stored_new_file = wrote_renditions = False
    before = {} if is_new else audit.fields_of(Photo.objects.get(pk=photo.pk), exclude=UNLOGGED)
    try:
        with transaction.atomic():
            if photo.image and not photo.image._committed:
                upload = photo.image.file
                photo.image.save(upload_name(photo.image.name), upload, save=False)
                # Keep reading the upload in hand, the very bytes just stored: on object storage,
                # reading them back would download the file again (renditions.open_original).
                photo.image.file = upload
                stored_new_file = True
            if stored_new_file or not photo.width:
                photo.width, photo.height = _display_size(photo)
            photo.save()
            if stored_new_file or not renditions.has_renditions(photo):
                wrote_renditions = True
                renditions.make_renditions(photo)
            audit.record(
                "photo.create" if is_new else "photo.update",
                obj=photo,
                changes=audit.diff(before, audit.fields_of(photo, exclude=UNLOGGED)),
            )
    except BaseException as exc:
        # With storage down the clean-up fails too: then it is a task, retried until storage answers
        # (enqueued in the caller's transaction, which the admin does not roll back for this).
        if stored_new_file:
            tasks.delete_now_or_later(**tasks.photo_files(photo.image.name))
        elif wrote_renditions:
            tasks.delete_now_or_later(rendition_tree=str(renditions.rendition_dir(photo)))
        if is_new:
            photo.pk = None
            photo._state.adding = True
        if storage.is_outage(exc):
            raise storage.StorageUnavailable() from exc
        raise
    keep = renditions.rendition_dir(photo)
    # Robust: the save stands if the clean-up fails (logged); the stale files are only unused.
    transaction.on_commit(
        lambda: renditions.delete_stale_files(keep=keep, replaced_name=replaced_name), robust=True
    )
    return photo


def photo_uses(photos) -> list[tuple]:
    """(article, photo, how it is used) for every article that uses one of `photos`,
    trashed articles included: they still hold the photo."""
    ids = [p.pk for p in photos]
    leads = Article.objects.filter(lead_photo__in=ids).select_related("lead_photo")
    items = GalleryItem.objects.filter(photo__in=ids).select_related("article", "photo")
    return [(a, a.lead_photo, "as its lead photo") for a in leads] + [
        (i.article, i.photo, "in its gallery") for i in items
    ]
