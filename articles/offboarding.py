"""What the content app ends when a member of staff is deactivated (newsroom/accounts/offboarding.py).

Preview links need nothing here: a link records who made it and stops working once they are inactive
(publishing/preview.py). Their stories, bylines, revisions and autosaved drafts stay.
"""

from django.utils import timezone

from articles.models import ApiKey, EditLock


def revoke_api_keys(*, user, by) -> int:
    """The read API keys they issued: they saw each key once and may have kept a copy. The partners
    using them need new ones (contact_email says whom to tell)."""
    return ApiKey.objects.filter(created_by=user, revoked=False).update(
        revoked=True, revoked_at=timezone.now()
    )


def release_edit_locks(*, user, by) -> int:
    """The stories they had open (the desk's "who has it open"): shown as free to the others."""
    deleted, _ = EditLock.objects.filter(user=user).delete()
    return deleted


def connect() -> None:
    from newsroom.accounts import offboarding

    offboarding.register("API keys revoked", revoke_api_keys)
    offboarding.register("edit locks released", release_edit_locks)
