"""The accounts' writes: each member of staff's own settings."""

from django.db import transaction

from .models import NotificationSettings


@transaction.atomic
def set_email(*, user, on: bool) -> NotificationSettings:
    """Turn `user`'s notification emails on or off (articles/publishing/notifications.py reads it)."""
    row, _ = NotificationSettings.objects.update_or_create(user=user, defaults={"email": on})
    return row
