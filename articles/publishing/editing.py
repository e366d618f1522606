"""Editing a story: who has it open (soft locks that warn, never block)."""

from datetime import timedelta

from django.utils import timezone

from articles.models import Article, EditLock

EDIT_LOCK_MINUTES = 15


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
