"""Offboarding: deactivating a member of staff ends everything they could still act with, at once.

Their sessions are deleted and their account can no longer sign in; what the content app holds for them
(API keys they issued, preview links they made, stories they have open) is ended by the steps it
registers here (articles/offboarding.py), since accounts sit below the content app and may not import it.
Their stories, bylines, revisions and comments stay.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction

from newsroom import audit

from . import sessions

# Who acts when the identity provider is the one that said so.
PROVIDER = "single sign-on (identity provider)"

# (name, step(user=, by=) -> how many things it ended), in the order registered.
_STEPS: list[tuple[str, Callable[..., int]]] = []


def register(name: str, step: Callable[..., int]) -> None:
    """Add a step run inside every deactivation's transaction (idempotent per name)."""
    if name not in {known for known, _ in _STEPS}:
        _STEPS.append((name, step))


@dataclass
class Offboarded:
    user: object
    reason: str
    was_active: bool
    sessions: int
    ended: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        parts = [f"{self.sessions} session(s) ended"] + [f"{n} {name}" for name, n in self.ended.items()]
        return ", ".join(parts)


@transaction.atomic
def deactivate(*, user, by, reason: str) -> Offboarded:
    """Deactivate `user` and end their sessions, keys, preview links and edit locks; `by` is the person
    doing it, or None for the identity provider. Safe to repeat: a second call ends whatever is left."""
    if by is not None and by.pk == user.pk:
        raise PermissionDenied("You cannot deactivate your own account.")
    if by is not None and user.is_superuser and not by.is_superuser:
        raise PermissionDenied("Only a superuser can deactivate a superuser.")
    locked = get_user_model().objects.select_for_update().get(pk=user.pk)
    was_active = locked.is_active
    if was_active:
        locked.is_active = False
        locked.save(update_fields=["is_active"])
    user.is_active = False
    result = Offboarded(
        user=locked, reason=reason, was_active=was_active, sessions=sessions.end_sessions_of(locked)
    )
    for name, step in _STEPS:
        result.ended[name] = step(user=locked, by=by)
    with audit.acting(user=by) if by is not None else audit.acting(system=PROVIDER):
        audit.record(
            "user.deactivate",
            obj=locked,
            scope=audit.Scope.SECURITY,
            changes={"is_active": [was_active, False]},
            summary=f"Deactivated ({reason}): {result.summary()}"[:300],
        )
    return result
