"""Holding a chosen photo file across a form that could not be saved (a form error, storage down), so the
editor does not pick it again: kept in the database, named on the form by a signed token that only its
uploader can redeem, for a day."""

import mimetypes
from datetime import timedelta

from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from articles.models import HeldUpload

SALT = "articles.photos.held"
MAX_AGE = timedelta(days=1)


def hold(upload, *, user) -> str:
    """Keep `upload` for `user`; the token the form carries to get it back."""
    upload.seek(0)
    row = HeldUpload.objects.create(user=user, name=upload.name, content=upload.read())
    upload.seek(0)
    return signing.dumps(row.pk, salt=SALT)


def find(token: str, *, user) -> HeldUpload | None:
    """The file `token` names, if it is `user`'s and still kept; else None (a forged, stale or used token
    is as good as none: the form asks for a file)."""
    if not token or user is None or not user.is_authenticated:
        return None
    try:
        pk = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    return HeldUpload.objects.filter(pk=pk, user=user).first()


def as_upload(row: HeldUpload) -> SimpleUploadedFile:
    content_type = mimetypes.guess_type(row.name)[0] or "application/octet-stream"
    return SimpleUploadedFile(row.name, bytes(row.content), content_type=content_type)


def release(token: str, *, user) -> None:
    """The file was saved (or replaced by another): it is not kept any longer."""
    row = find(token, user=user)
    if row is not None:
        row.delete()


def expire(now=None) -> int:
    """Forget what nobody came back for (the scheduler, every tick)."""
    deleted, _ = HeldUpload.objects.filter(created_at__lt=(now or timezone.now()) - MAX_AGE).delete()
    return deleted
