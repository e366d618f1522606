"""Issuing, revoking and recognising API keys.

A key is 32 random bytes: only its SHA-256 is stored. A fast hash is enough for a secret that random (no
dictionary can reach it), and it is computed on every request, where a password hash would cost ~100 ms.
Every request looks its key up in the database, never in a cache, so a revoked key is refused at once.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from articles.models import ApiKey
from articles.publishing.policy import can_manage_api_keys, require
from newsroom import audit

KEY_PREFIX = "nrk_"
# How stale "last used" may be: one write a minute per key rather than one per request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
@transaction.atomic
def issue_key(*, user, name: str, owner: str, contact_email: str = "", rate_limit: int | None = None):
    """A new key: (the ApiKey row, the key itself). The key is not stored: show it now or never."""
    require(can_manage_api_keys(user), "Only administrators can issue API keys.")
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        name=name,
        owner=owner,
        contact_email=contact_email,
        rate_limit=rate_limit,
        prefix=raw[: len(KEY_PREFIX) + 6],
        key_hash=hash_key(raw),
        created_by=user,
    )
    audit.record(
        "apikey.create",
        obj=key,
        scope=audit.Scope.SECURITY,
        changes=audit.diff({}, {"prefix": key.prefix, "key": raw, **{n: getattr(key, n) for n in EDITABLE}}),
    )
    return key, raw


EDITABLE = ("name", "owner", "contact_email", "rate_limit")


@transaction.atomic
def update_key(*, user, key: ApiKey, **changes) -> ApiKey:
    """Change a key's description or limit (never the key itself, nor its revocation)."""
    require(can_manage_api_keys(user), "Only administrators can change API keys.")
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    before = {name: getattr(key, name) for name in changes}
    for name, value in changes.items():
        setattr(key, name, value)
    if changes:
        key.save(update_fields=list(changes))
        audit.record(
            "apikey.update", obj=key, scope=audit.Scope.SECURITY, changes=audit.diff(before, changes)
        )
    return key


@transaction.atomic
def revoke_key(*, user, key: ApiKey) -> ApiKey:
    """Refuse `key` from its next request on. Revoking twice changes nothing."""
    require(can_manage_api_keys(user), "Only administrators can revoke API keys.")
    locked = ApiKey.objects.select_for_update().get(pk=key.pk)
    if not locked.revoked:
        locked.revoked, locked.revoked_at = True, timezone.now()
        locked.save(update_fields=["revoked", "revoked_at"])
        audit.record(
            "apikey.revoke", obj=locked, scope=audit.Scope.SECURITY, changes={"revoked": [False, True]}
        )
    key.revoked, key.revoked_at = locked.revoked, locked.revoked_at
    return key


@dataclass(frozen=True)
class KnownKey:
    id: int
    revoked: bool
    rate_limit: int | None


def recognise(raw: str) -> KnownKey | None:
    """The key a client sent, read from the database (one query, plus a write once a minute)."""
    row = (
        ApiKey.objects.filter(key_hash=hash_key(raw))
        .values_list("id", "revoked", "rate_limit", "last_used_at")
        .first()
    )
    if row is None:
        return None
    pk, revoked, rate_limit, last_used = row
    now = timezone.now()
    if not revoked and (last_used is None or now - last_used >= LAST_USED_RESOLUTION):
        ApiKey.objects.filter(pk=pk).update(last_used_at=now)
    return KnownKey(pk, revoked, rate_limit)
