"""Attachments as photos: the file from a copy of `wp-content/uploads` (--media-dir) or downloaded through
the outbound guard (timeout, size limit, no private addresses), checked like an upload, then saved by the
photo service with the caption, alt text and credit WordPress kept. A file not found is reported; the
attachment is tried again on the next run."""

import re
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from articles import outbound
from articles.images.validation import stored_name, validate_image_file
from articles.models import Photo, WordPressItem
from articles.photos import services

from . import wxr
from .body import plain
from .report import Report

Kind = WordPressItem.Kind
ALT_MAX = Photo._meta.get_field("alt_text").max_length
CREDIT_MAX = Photo._meta.get_field("credit_text").max_length
# WordPress keeps EXIF's credit in a PHP-serialised array: `s:6:"credit";s:7:"Reuters";`.
SERIALISED_CREDIT = re.compile(r's:6:"credit";s:\d+:"([^"]*)";')


class FileMissing(Exception):
    pass


def uploads_path(item: wxr.Item) -> str:
    """The file's path under wp-content/uploads, from its metadata or its URL."""
    attached = item.meta.get("_wp_attached_file", "").strip()
    if attached:
        return attached
    path = unquote(urlsplit(item.attachment_url).path)
    return path.split("/wp-content/uploads/", 1)[-1].lstrip("/")


def read_file(item: wxr.Item, media_dir: Path | None) -> tuple[str, bytes]:
    name = PurePosixPath(uploads_path(item)).name or f"attachment-{item.post_id}"
    if media_dir is not None:
        root = media_dir.resolve()
        candidate = (root / uploads_path(item)).resolve()
        # A path in an export must not read outside the folder it names (../../etc/passwd).
        if not candidate.is_relative_to(root) or not candidate.is_file():
            raise FileMissing(f"{uploads_path(item)} is not in {media_dir}")
        if candidate.stat().st_size > settings.PHOTO_MAX_BYTES:
            raise FileMissing(f"{uploads_path(item)} is larger than PHOTO_MAX_BYTES")
        return name, candidate.read_bytes()
    if not item.attachment_url:
        raise FileMissing("the export gives no file address")
    try:
        response = outbound.fetch(item.attachment_url, max_bytes=settings.PHOTO_MAX_BYTES)
    except outbound.OutboundError as exc:
        raise FileMissing(f"{item.attachment_url} could not be downloaded: {exc}") from exc
    if response.status != 200:
        raise FileMissing(f"{item.attachment_url} answered HTTP {response.status}")
    return name, response.body


def _details(item: wxr.Item, default_credit: str) -> dict:
    caption = plain(item.excerpt) or plain(item.content)
    alt = plain(item.meta.get("_wp_attachment_image_alt", "")) or caption or plain(item.title)
    credit = SERIALISED_CREDIT.search(item.meta.get("_wp_attachment_metadata", ""))
    return {
        "caption": caption,
        "alt_text": alt[:ALT_MAX],
        "credit_text": ((credit.group(1).strip() if credit else "") or default_credit)[:CREDIT_MAX],
    }


def attachment(item: wxr.Item, *, site: str, media_dir, user, default_credit: str, report: Report,
               known: dict, dry_run: bool) -> int | None:  # fmt: skip
    """The photo id of this attachment, importing or updating it; None when its file is missing."""
    fingerprint = item.digest()
    row = known.get(item.post_id)
    if row is not None and row.object_id and not row.missing_file:
        photo = Photo.objects.filter(pk=row.object_id).first()
        if photo is not None:
            if row.digest == fingerprint:
                report.count("attachment", "unchanged")
                return photo.pk
            report.count("attachment", "updated")
            if not dry_run:
                for name, value in _details(item, default_credit).items():
                    setattr(photo, name, value)
                services.save_photo(photo=photo, user=user)
                row.digest = fingerprint
                row.save(update_fields=["digest"])
            return photo.pk
    report.count("attachment", "created" if row is None else "updated")
    if dry_run:
        return None
    if row is None:
        row = WordPressItem(site=site, kind=Kind.ATTACHMENT, wp_id=str(item.post_id), digest=fingerprint)
    try:
        name, data = read_file(item, media_dir)
        upload = SimpleUploadedFile(name, data)
        upload.name = stored_name(name, validate_image_file(upload))
    except (FileMissing, ValidationError) as exc:
        reason = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        report.missing_files.append(f"attachment {item.post_id}: {reason}")
        row.missing_file, row.digest = True, fingerprint
        row.save()
        known[item.post_id] = row
        return None
    photo = services.save_photo(photo=Photo(image=upload, **_details(item, default_credit)), user=user)
    row.object_id, row.missing_file, row.digest = photo.pk, False, fingerprint
    row.save()
    known[item.post_id] = row
    return photo.pk
