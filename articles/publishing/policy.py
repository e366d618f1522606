"""The one permission policy: who may see, edit, publish, preview and purge what.

The admin, the public site's staff preview, preview links and every service ask here; nothing else
decides. Every answer is checked on the server, whatever a page shows.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from articles.models import Article, GalleryItem, LiveEntry, published_q

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
    """Whether a published or scheduled story shows `photo`, as its lead photo, in its gallery or in a
    live entry."""
    if photo.pk is None:
        return False
    stories = Article.objects.published() | Article.objects.scheduled()
    in_gallery = GalleryItem.objects.filter(photo=photo).values("article")
    in_entries = LiveEntry.objects.filter(photo=photo).exclude(status="withdrawn").values("article")
    return stories.filter(Q(lead_photo=photo) | Q(pk__in=in_gallery) | Q(pk__in=in_entries)).exists()


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


def can_arrange_front(user) -> bool:
    """The front pages (which stories lead, in which order) and the breaking news banner: editors."""
    return user.is_active and user.has_perm("articles.arrange_front")


def can_use_wire(user) -> bool:
    """Whether `user` may make a draft from a wire item ("Use this"): whoever writes stories and reads the
    wire (reporters, editors)."""
    return (
        user.is_active and user.has_perm("articles.add_article") and user.has_perm("articles.view_wireitem")
    )


# --- Live coverage (articles/live/services.py) -----------------------------------------------------


def can_run_live(user, article: Article) -> bool:
    """Start and end a story's live coverage, and pin, correct, withdraw or approve its entries: editors."""
    return can_publish(user) and user.has_perm("articles.change_liveentry") and can_edit(user, article)


def can_post_live(user, article: Article, coverage) -> bool:
    """Post an entry: editors always; a reporter where the story's rules let reporters post."""
    if not (user.is_active and user.has_perm("articles.add_liveentry") and can_view(user, article)):
        return False
    return can_run_live(user, article) or coverage.reporter_entries != coverage.ReporterEntries.CLOSED


def live_entry_waits(user, article: Article, coverage) -> bool:
    """A reporter's entry waits for an editor's approval where the story's rules say so."""
    return not can_run_live(user, article) and coverage.reporter_entries == coverage.ReporterEntries.REVIEW


def can_manage_api_keys(user) -> bool:
    """Issuing and revoking the read API's partner keys: administrators."""
    return user.is_active and user.has_perm("articles.add_apikey") and user.has_perm("articles.change_apikey")
