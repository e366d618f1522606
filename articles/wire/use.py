""" "Use this": a draft from a wire item, through the services. The story gets the item's headline, summary
and sanitised body, the agency attributed as its source ("…, Reuters reported"), the tags that already
exist among the item's subjects, and the agency picture, downloaded through the outbound guard, validated
like an upload and credited to the agency. It is a draft: nothing publishes by itself."""

import logging
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag

from articles import outbound
from articles.images.storage import StorageUnavailable
from articles.images.validation import stored_name, validate_image_file
from articles.models import Article, Photo, SlugRedirect, WireItem
from articles.photos import services, tasks
from articles.publishing import editing, policy

logger = logging.getLogger(__name__)
HEADLINE_MAX = Article._meta.get_field("headline").max_length
STANDFIRST_MAX = Article._meta.get_field("standfirst").max_length


def unique_slug(headline: str) -> str:
    base = (slugify(headline) or "wire")[:180].strip("-") or "wire"
    slug, n = base, 1
    while Article.objects.filter(slug=slug).exists() or SlugRedirect.objects.filter(old_slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def matching_tags(subjects: list[str]) -> list[str]:
    """The existing tags among `subjects` (case aside), by their stored names: no new tag is made."""
    if not subjects:
        return []
    rule = Q()
    for subject in subjects:
        rule |= Q(name__iexact=subject)
    return sorted(Tag.objects.filter(rule).values_list("name", flat=True))


def download_picture(item: WireItem) -> SimpleUploadedFile:
    """The item's picture as an upload, checked like one; ValidationError saying what went wrong."""
    try:
        response = outbound.fetch(item.picture_url, max_bytes=settings.PHOTO_MAX_BYTES)
    except outbound.OutboundError as exc:
        raise ValidationError(f"The agency picture could not be downloaded: {exc}.") from exc
    if response.status != 200:
        raise ValidationError(f"The agency picture could not be downloaded: HTTP {response.status}.")
    name = PurePosixPath(urlsplit(item.picture_url).path).name or "wire.jpg"
    upload = SimpleUploadedFile(name, response.body, response.headers.get("content-type", ""))
    fmt = validate_image_file(upload)
    upload.name = stored_name(name, fmt)
    return upload


def _save_picture(item: WireItem, user) -> Photo:
    upload = download_picture(item)
    caption = item.picture_caption.strip()
    photo = Photo(
        image=upload,
        caption=caption,
        alt_text=(caption or item.headline)[:250],
        credit_source_id=item.source_id,
        credit_text=item.picture_credit,
        rights=Photo.Rights.AGENCY,
    )
    return services.save_photo(photo=photo, user=user)


@transaction.atomic
def use_item(*, item: WireItem, user) -> tuple[Article, list[str]]:
    """Make a draft of `item` for `user`; the story and any warnings (a picture that could not be had:
    the draft is made without it). Raises PermissionDenied, or ValidationError if it was used already."""
    policy.require(policy.can_use_wire(user), "You may not make stories from the wire.")
    item = WireItem.objects.select_for_update(of=("self",)).select_related("feed", "source").get(pk=item.pk)
    if item.article_id and Article.objects.live().filter(pk=item.article_id).exists():
        raise ValidationError("This wire item has been used already: open its story instead.")
    if item.feed is None:
        raise ValidationError("This item's feed has been deleted: its section is unknown.")
    warnings, photo = [], None
    if item.picture_url:
        try:
            photo = _save_picture(item, user)
        except ValidationError as exc:
            warnings.append(" ".join(exc.messages))
        except StorageUnavailable:
            warnings.append("The agency picture could not be stored (photo storage is unavailable).")
    embargo = item.embargoed_until
    try:
        article = Article(
            headline=item.headline[:HEADLINE_MAX],
            slug=unique_slug(item.headline),
            standfirst=item.summary[:STANDFIRST_MAX],
            body=item.body,
            section_id=item.feed.section_id,
            lead_photo=photo,
            # The agency's embargo holds the story: it cannot be published before (publish_problems).
            embargo_until=embargo if embargo and embargo > timezone.now() else None,
        )
        editing.save_edit(
            article=article,
            user=user,
            tags=matching_tags(item.subjects),
            sources=[item.source],
            note=f"From the wire: {item.source.name}, version {item.version}",
            agency_embargo=article.embargo_until,
        )
    except BaseException:
        if photo is not None:  # its row rolls back with the story; its files would not
            tasks.delete_now_or_later(**tasks.photo_files(photo.image.name))
        raise
    item.article, item.used_version, item.used_content = article, item.version, item.content()
    item.used_by, item.used_at = user, timezone.now()
    item.save(update_fields=["article", "used_version", "used_content", "used_by", "used_at"])
    return article, warnings


@transaction.atomic
def acknowledge_update(*, item: WireItem, user) -> WireItem:
    """The editor has seen what the agency changed: the story is no longer flagged."""
    policy.require(policy.can_use_wire(user), "You may not make stories from the wire.")
    item = WireItem.objects.select_for_update().get(pk=item.pk)
    item.used_version, item.used_content = item.version, item.content()
    item.save(update_fields=["used_version", "used_content"])
    return item
