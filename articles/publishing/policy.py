"""The one permission policy: who may see, edit, publish, preview and purge what.

The admin, the public site's staff preview, preview links and every service ask here; nothing else
decides. Every answer is checked on the server, whatever a page shows.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from articles.models import Article, GalleryItem, published_q

Status = Article.Status


def _sees_every_story(user) -> bool:
    return user.is_active and user.has_perm("articles.edit_others_article")


def _sees_own_stories(user) -> bool:
    return user.is_active and user.pk is not None and user.has_perm("articles.view_article")


def can_view(user, article: Article) -> bool:
    """Everyone sees a live story; a reporter also sees their own unpublished ones; editors see all."""
    if article.is_live or _sees_every_story(user):
        return True
    return _sees_own_stories(user) and article.created_by_id == user.pk


def can_comment(user, article: Article) -> bool:
    """Internal comments (staff to staff): whoever may comment and can see the story."""
    return user.is_active and user.has_perm("articles.add_storycomment") and can_view(user, article)


def viewable(user, queryset: QuerySet) -> QuerySet:
    """`queryset` cut to the stories can_view allows `user`, as one filter (the admin list's budget)."""
    if _sees_every_story(user):
        return queryset
    rule = published_q()
    if _sees_own_stories(user):
        rule |= Q(created_by=user.pk)
    return queryset.filter(rule)


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


def photo_in_published_story(photo) -> bool:
    """Whether a published or scheduled story shows `photo`, as its lead photo or in its gallery."""
    if photo.pk is None:
        return False
    stories = Article.objects.published() | Article.objects.scheduled()
    in_gallery = GalleryItem.objects.filter(photo=photo).values("article")
    return stories.filter(Q(lead_photo=photo) | Q(pk__in=in_gallery)).exists()


def can_change_photo(user, photo) -> bool:
    """A photo a published or scheduled story shows is part of that story: changing it is editing a
    published story (editors); any other library photo, whoever may change photos."""
    if not (user.is_active and user.has_perm("articles.change_photo")):
        return False
    if user.has_perm("articles.edit_published_article"):
        return True
    return not photo_in_published_story(photo)


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
