"""Writes that touch several rows or files. Each is atomic: on failure the previous state stays."""

from django.db import transaction
from PIL import Image

from . import images
from .models import Photo


def _display_size(photo: Photo) -> tuple[int, int]:
    with photo.image.open("rb") as fh, Image.open(fh) as img:
        orientation = img.getexif().get(0x0112, 1)
        width, height = img.size
    # Orientations 5-8 rotate by 90°: what readers see is the other way round.
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


def save_photo(*, photo: Photo, user=None, replaced_name: str | None = None) -> Photo:
    """Save `photo` and write its renditions; a failure leaves no row and no file behind.

    `replaced_name` is the file the photo had before an edit replaced it: it and its renditions are
    removed once the new ones are committed.
    """
    is_new = photo.pk is None
    if user is not None and is_new:
        photo.uploaded_by = user
    stored_new_file = False
    try:
        with transaction.atomic():
            if photo.image and not photo.image._committed:
                # Store the upload first so its size is read from the real file.
                photo.image.save(photo.image.name, photo.image.file, save=False)
                stored_new_file = True
            photo.width, photo.height = _display_size(photo)
            photo.save()
            images.make_renditions(photo)
    except BaseException:
        if stored_new_file and photo.pk is not None:
            images.delete_photo_files(photo, photo.image.name)
        elif stored_new_file:
            photo.image.storage.delete(photo.image.name)
        if is_new:
            photo.pk = None
        raise
    if replaced_name and replaced_name != photo.image.name:
        transaction.on_commit(lambda: images.delete_photo_files(photo, replaced_name))
    return photo
