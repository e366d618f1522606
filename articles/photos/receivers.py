"""A deleted photo takes its files with it, whatever deleted the row."""

from django.db import transaction
from django.db.models.signals import post_delete

from articles.images.renditions import delete_photo_files
from articles.models import Photo


def remove_photo_files(sender, instance, **kwargs):
    name = instance.image.name
    # Only once the delete is committed: a rolled-back delete must keep its files. Robust: storage that
    # fails then (object storage unreachable) is logged, and the delete the editor asked for still stands.
    transaction.on_commit(lambda: delete_photo_files(instance, name), robust=True)


def connect() -> None:
    post_delete.connect(remove_photo_files, sender=Photo, dispatch_uid="photo-files")
