"""A deleted photo takes its files with it, whatever deleted the row."""

from django.db import transaction
from django.db.models.signals import post_delete

from articles.models import Photo

from . import tasks


def remove_photo_files(sender, instance, **kwargs):
    name = instance.image.name
    if not name:
        return
    # Only once the delete is committed: a rolled-back delete must keep its files. Storage that fails
    # then (object storage unreachable) leaves it to a retried task; the delete itself still stands.
    transaction.on_commit(lambda: tasks.delete_now_or_later(**tasks.photo_files(name)), robust=True)


def connect() -> None:
    post_delete.connect(remove_photo_files, sender=Photo, dispatch_uid="photo-files")
