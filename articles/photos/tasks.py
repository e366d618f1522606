"""Removing a photo's files when storage could not do it at the time: a task, retried with back-off
until the storage answers again, so an outage leaves no orphaned original or rendition behind."""

import logging

from django.tasks import task

from articles.images import renditions, storage
from articles.worker.retry import retried

log = logging.getLogger(__name__)


@task
@retried(attempts=8, base=30, cap=3600)
def delete_files(*, original: str = "", rendition_tree: str = "", attempt: int = 1) -> None:
    _delete(original, rendition_tree)


def _delete(original: str, rendition_tree: str) -> None:
    """Delete an original and/or a folder of renditions; nothing there is no error."""
    if original:
        storage.originals().delete(original)
    if rendition_tree:
        storage.delete_tree(storage.renditions(), rendition_tree)


def delete_now_or_later(*, original: str = "", rendition_tree: str = "") -> None:
    """Delete now; if the storage fails, leave it to delete_files, retried until it answers."""
    try:
        _delete(original, rendition_tree)
    except Exception as exc:
        if not storage.is_outage(exc):
            raise
        log.warning("storage unavailable: removing %s %s later", original, rendition_tree, exc_info=True)
        delete_files.enqueue(original=original, rendition_tree=rendition_tree)


def photo_files(image_name: str) -> dict:
    """What delete_files takes to remove an original and every rendition made from it."""
    return {"original": image_name, "rendition_tree": str(renditions.name_dir(image_name))}
