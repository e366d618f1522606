"""The one permission policy: who may see, edit, publish, preview and purge what.

The admin, the public site's staff preview, preview links and every service ask here; nothing else
decides. Every answer is checked on the server, whatever a page shows.
"""

from django.core.exceptions import PermissionDenied

from articles.models import Article

Status = Article.Status


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


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def can_trash(user, article: Article) -> bool:
    return user.is_active and user.has_perm("articles.delete_article") and can_edit(user, article)


def can_restore_from_trash(user) -> bool:
    return user.is_active and user.has_perm("articles.delete_article")


def can_write_notes(user) -> bool:
    """Corrections and updates shown to readers: editors."""
    return user.is_active and user.has_perm("articles.add_correction")
