"""Preview links: signed, expiring, read-only links to an unpublished story (or to a live story's changes
while some wait for publication), withdrawn by any change that settles what readers see (publish,
schedule, unpublish, trash, restore) or by an explicit revoke."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.signing import BadSignature, SignatureExpired, TimestampSigner
from django.db import transaction
from django.db.models import Max

from articles.models import Article, PendingVersion, Transition

from . import history
from .policy import can_edit, require

PREVIEW_LINK_MAX_AGE = timedelta(days=2)
_preview_signer = TimestampSigner(salt="articles.preview")

# Transitions after which a link made before them no longer works.
WITHDRAWING_ACTIONS = ("publish", "schedule", "unpublish", "trash", "restore", "revoke_previews")


def _epoch(article_pk: int) -> int:
    """The latest withdrawing transition's id: a link carries the one it was made under (no schema change)."""
    latest = Transition.objects.filter(article_id=article_pk, action__in=WITHDRAWING_ACTIONS).aggregate(
        latest=Max("id")
    )["latest"]
    return latest or 0


def preview_token(article: Article, *, made_by=None) -> str:
    data = {"a": article.pk, "e": _epoch(article.pk)}
    if made_by is not None:
        # Who made the link: it stops working once they are deactivated (newsroom/accounts/offboarding.py).
        data["u"] = made_by.pk
    return _preview_signer.sign_object(data)


class PreviewLinkExpired(Exception):
    pass


class PreviewLinkWithdrawn(PreviewLinkExpired):
    """A genuine link to a story that was published, unpublished or trashed since, or whose links were
    revoked: readers are told it no longer works, as for an expired one."""


def article_for_preview_token(token: str) -> Article | None:
    """The article a preview link points to; None for a forged link, PreviewLinkExpired for an old or
    withdrawn one."""
    try:
        data = _preview_signer.unsign_object(token, max_age=PREVIEW_LINK_MAX_AGE)
    except SignatureExpired as exc:
        raise PreviewLinkExpired from exc
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("a"), int):
        return None
    article = Article.objects.filter(pk=data["a"]).first()
    if article is None:
        return None
    # A live story is read at its own URL (its link previews changes waiting for publication, if any); a
    # link from before the last withdrawing change is void.
    read_at_its_url = article.is_live and not PendingVersion.objects.filter(article=article).exists()
    if article.deleted_at is not None or read_at_its_url or data.get("e") != _epoch(article.pk):
        raise PreviewLinkWithdrawn
    maker = data.get("u")
    if maker is not None and not get_user_model().objects.filter(pk=maker, is_active=True).exists():
        raise PreviewLinkWithdrawn
    return article


@transaction.atomic
def revoke_preview_links(*, article: Article, user) -> Transition:
    """Withdraw every preview link made so far for `article`: recorded like any change of state."""
    require(can_edit(user, article), "You may not revoke this story's preview links.")
    # Locked as a state change locks it, so a revoke and a publish cannot interleave.
    locked = Article.objects.select_for_update().get(pk=article.pk)
    history.log_story(locked, "revoke_previews", summary="Every preview link withdrawn")
    return Transition.objects.create(
        article=locked,
        from_status=locked.status,
        to_status=locked.status,
        action="revoke_previews",
        user=user,
    )
