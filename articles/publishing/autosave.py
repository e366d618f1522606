"""Autosave: a copy of a story form's unsaved changes, kept on the server while someone types.

It never touches the story and makes no revision: it is offered back when the form is reopened after a
crash or a closed tab, and forgotten once the form is saved. One per person and story (and one per person
for a story not yet created).
"""

import json

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from articles.models import Article, Autosave

from .policy import can_edit, require

MAX_BYTES = 1_000_000  # a long story with its inlines is a few tens of kilobytes


def _check(data) -> None:
    """The form's fields as the browser sends them: names to a value or a list of values, all text."""
    if not isinstance(data, dict) or not all(
        isinstance(name, str)
        and (isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value)))
        for name, value in data.items()
    ):
        raise ValidationError("An autosave is the form's fields: names with text values.")
    if len(json.dumps(data).encode()) > MAX_BYTES:
        raise ValidationError(f"This form is too large to autosave (over {MAX_BYTES // 1_000_000} MB).")


@transaction.atomic
def keep_autosave(*, user, article: Article | None, data: dict) -> Autosave:
    """Keep `data` as `user`'s unsaved changes to `article` (None: the form of a new story)."""
    # Whoever may save the story may keep a draft of it; a new one, whoever may create stories.
    require(can_edit(user, article or Article()), "You may not edit this story.")
    _check(data)
    now = timezone.now()
    autosave, _ = Autosave.objects.update_or_create(
        user=user, article=article, defaults={"data": data, "updated_at": now}
    )
    return autosave


def autosave_to_offer(*, user, article: Article | None, saved_at=None) -> Autosave | None:
    """`user`'s autosave of the form, if made after the story's last save (`saved_at`)."""
    autosave = Autosave.objects.filter(user=user, article=article).first()
    if autosave is None or (saved_at is not None and autosave.updated_at <= saved_at):
        return None
    return autosave


def forget_autosave(*, user, article: Article | None) -> None:
    """Drop `user`'s autosave of the form: it was saved, or they chose not to keep it."""
    Autosave.objects.filter(user=user, article=article).delete()
