"""The life of an article: who may do what, and each state change as one atomic, recorded function.

Every check here runs on the server whatever the admin shows; views and admin hooks only call in.
"""

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.signing import BadSignature, SignatureExpired, TimestampSigner
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import Article, ArticleAuthor, ArticleSource, EditLock, Revision, Transition

Status = Article.Status
EDIT_LOCK_MINUTES = 15
PREVIEW_LINK_MAX_AGE = timedelta(days=2)
_preview_signer = TimestampSigner(salt="articles.preview")


# --- Who may do what ---------------------------------------------------------------------------


def can_publish(user) -> bool:
    return user.is_active and user.has_perm("articles.publish_article")


def can_edit(user, article: Article) -> bool:
    """Reporters edit their own unpublished stories; editors edit every story."""
    if not (user.is_active and user.has_perm("articles.change_article")):
        return False
    if article.pk is None:
        return True
    if article.deleted_at is not None:
        return False
    if article.status in (Status.PUBLISHED, Status.UNPUBLISHED) and not user.has_perm(
        "articles.edit_published_article"
    ):
        return False
    return article.created_by_id == user.pk or user.has_perm("articles.edit_others_article")


def can_purge(user) -> bool:
    return user.is_active and (user.is_superuser or user.groups.filter(name="Administrators").exists())


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


# --- Revisions --------------------------------------------------------------------------------

SNAPSHOT_FIELDS = [
    "headline", "slug", "standfirst", "body", "section_id", "lead_photo_id", "status",
    "published_at", "embargo_until", "seo_title", "meta_description",
]  # fmt: skip


def snapshot(article: Article) -> dict:
    data = {}
    for name in SNAPSHOT_FIELDS:
        value = getattr(article, name)
        data[name] = value.isoformat() if isinstance(value, datetime) else value
    data["tags"] = sorted(t.name for t in article.tags.all())
    data["authors"] = list(article.articleauthor_set.values_list("author_id", flat=True))
    data["sources"] = list(article.articlesource_set.values_list("source_id", flat=True))
    data["corrections"] = list(article.corrections.order_by("id").values("id", "kind", "text"))
    return data


def record_revision(*, article: Article, user, note: str = "") -> Revision:
    """Keep the article's full content as it now stands, under its current version number."""
    revision, _ = Revision.objects.update_or_create(
        article=article,
        version=article.version,
        defaults={"user": user, "data": snapshot(article), "note": note, "created_at": timezone.now()},
    )
    return revision


def bump_version(article: Article) -> None:
    """Count a save: what an editor's open form is compared against to detect a conflict."""
    Article.objects.filter(pk=article.pk).update(version=F("version") + 1)
    article.refresh_from_db(fields=["version"])


@transaction.atomic
def restore_revision(*, article: Article, revision: Revision, user) -> Revision:
    _require(can_edit(user, article), "You may not edit this story.")
    data = revision.data
    for name in ["headline", "slug", "standfirst", "body", "section_id", "lead_photo_id", "seo_title",
                 "meta_description"]:  # fmt: skip
        setattr(article, name, data.get(name, getattr(article, name)))
    article.updated_by = user
    article.save()
    article.tags.set(data.get("tags", []))
    article.articleauthor_set.all().delete()
    for order, author_id in enumerate(data.get("authors", [])):
        ArticleAuthor.objects.create(article=article, author_id=author_id, order=order)
    article.articlesource_set.all().delete()
    for order, source_id in enumerate(data.get("sources", [])):
        ArticleSource.objects.create(article=article, source_id=source_id, order=order)
    bump_version(article)
    return record_revision(article=article, user=user, note=f"Restored version {revision.version}")


# --- Transitions ------------------------------------------------------------------------------


def _transition(article: Article, user, *, to: str, action: str, note: str = "", **changes) -> Article:
    # Lock the row: two editors pressing "Publish" at once must not both record a transition.
    locked = Article.objects.select_for_update().get(pk=article.pk)
    from_status = locked.status
    locked.status = to
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.updated_by = user
    locked.save()
    Transition.objects.create(
        article=locked, from_status=from_status, to_status=to, action=action, user=user, note=note
    )
    bump_version(locked)
    record_revision(article=locked, user=user, note=action.replace("_", " ").capitalize())
    for name in ["status", "published_at", "embargo_until", "version", "updated_at", "deleted_at"]:
        setattr(article, name, getattr(locked, name))
    return article


@transaction.atomic
def submit_for_review(*, article: Article, user) -> Article:
    _require(can_edit(user, article), "You may not edit this story.")
    if article.status not in (Status.DRAFT, Status.UNPUBLISHED):
        raise ValidationError("Only a draft can be submitted for review.")
    return _transition(article, user, to=Status.REVIEW, action="submit_for_review")


@transaction.atomic
def return_to_draft(*, article: Article, user) -> Article:
    _require(can_publish(user), "Only editors can send a story back to draft.")
    if article.status != Status.REVIEW:
        raise ValidationError("Only a story in review can be sent back to draft.")
    return _transition(article, user, to=Status.DRAFT, action="return_to_draft")


def publish_problems(article: Article, at: datetime) -> list[str]:
    from . import images

    problems = []
    if article.embargo_until and at < article.embargo_until:
        problems.append(
            f"This story is embargoed until {timezone.localtime(article.embargo_until):%d %b %Y %H:%M}: "
            "it cannot be published before then."
        )
    if not article.headline.strip() or not article.section_id:
        problems.append("A story needs a headline and a section before it can be published.")
    problems += images.publish_problems(article)
    return problems


@transaction.atomic
def publish(*, article: Article, user, at: datetime | None = None) -> Article:
    """Publish now, or schedule for `at`: a future time goes live by itself, no cron needed."""
    _require(can_publish(user), "Only editors can publish or schedule stories.")
    if article.deleted_at is not None:
        raise ValidationError("Restore the story from the trash before publishing it.")
    at = at or timezone.now()
    if problems := publish_problems(article, at):
        raise ValidationError(problems)
    action = "schedule" if at > timezone.now() else "publish"
    # A story that was live keeps its first publication time when it is republished.
    if action == "publish" and article.status == Status.UNPUBLISHED and article.published_at:
        at = article.published_at
    return _transition(article, user, to=Status.PUBLISHED, action=action, published_at=at)


@transaction.atomic
def unpublish(*, article: Article, user, note: str = "") -> Article:
    _require(can_publish(user), "Only editors can unpublish stories.")
    if article.status != Status.PUBLISHED:
        raise ValidationError("Only a published or scheduled story can be unpublished.")
    return _transition(article, user, to=Status.UNPUBLISHED, action="unpublish", note=note)


@transaction.atomic
def trash(*, article: Article, user) -> Article:
    _require(
        user.has_perm("articles.delete_article") and can_edit(user, article),
        "You may not delete this story.",
    )
    return _transition(article, user, to=article.status, action="trash", deleted_at=timezone.now())


@transaction.atomic
def restore_from_trash(*, article: Article, user) -> Article:
    _require(user.has_perm("articles.delete_article"), "You may not restore stories.")
    return _transition(article, user, to=article.status, action="restore", deleted_at=None)


@transaction.atomic
def purge(*, article: Article, user) -> None:
    _require(can_purge(user), "Only administrators can delete a story for good.")
    if article.deleted_at is None:
        raise ValidationError("Move the story to the trash before deleting it for good.")
    article.delete()


# --- Soft edit locks --------------------------------------------------------------------------


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


# --- Preview links ----------------------------------------------------------------------------


def preview_token(article: Article) -> str:
    return _preview_signer.sign_object({"a": article.pk})


class PreviewLinkExpired(Exception):
    pass


def article_for_preview_token(token: str) -> Article | None:
    """The article a preview link points to; None for a forged link, PreviewLinkExpired for an old one."""
    try:
        data = _preview_signer.unsign_object(token, max_age=PREVIEW_LINK_MAX_AGE)
    except SignatureExpired as exc:
        raise PreviewLinkExpired from exc
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("a"), int):
        return None
    return Article.objects.live().filter(pk=data["a"]).first()
