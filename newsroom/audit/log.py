"""The one writer of the audit log: `record()`, called by the services in their own transaction."""

import json
import re

from django.db import router
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from . import context
from .models import AuditEntry

Scope = AuditEntry.Scope

# Field names whose values never reach the log: the row says they changed, not to what.
SECRET = re.compile(r"password|secret|token|hash|otp|digest|^key$|_key$|^raw", re.IGNORECASE)
MASK = "(hidden)"
# A big body would make every row huge: long values are cut, with their length kept.
VALUE_CHARS = 300


def _plain(value):
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, FieldFile):
        return value.name or None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(item) for item in value]
    text = str(value)
    if len(text) > VALUE_CHARS:
        return f"{text[:VALUE_CHARS]}… ({len(text)} characters)"
    return text


def masked(name: str, before, after) -> list:
    if SECRET.search(name):
        return [MASK if before not in (None, "") else None, MASK if after not in (None, "") else None]
    return [_plain(before), _plain(after)]


def diff(before: dict, after: dict) -> dict:
    """{name: [before, after]} for every name whose value differs, secrets masked."""
    return {
        name: masked(name, before.get(name), after.get(name))
        for name in sorted(set(before) | set(after))
        if _plain(before.get(name)) != _plain(after.get(name))
    }


def fields_of(obj, *, exclude=()) -> dict:
    """The row's own columns as diff() takes them: what a change is measured against."""
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if f.attname not in exclude}


def describe(obj) -> tuple[str, str, str]:
    return obj._meta.label_lower, str(obj.pk if obj.pk is not None else ""), str(obj)[:200]


def record(
    action: str,
    *,
    obj=None,
    object_type: str = "",
    object_id="",
    label: str = "",
    changes: dict | None = None,
    summary: str = "",
    scope: str = Scope.CONTENT,
    skip_if_logged: bool = False,
) -> AuditEntry | None:
    """Append one row for `action` on `obj`, in the caller's transaction (a rollback takes it away),
    by whoever is acting.

    `skip_if_logged`: the admin's generic hook, which stands down when a service already logged the
    object in this request (a story saved through save_edit gets that row, not a second one).
    """
    if obj is not None:
        object_type, object_id, default_label = describe(obj)
        label = label or default_label
    key = (object_type, str(object_id))
    actor = context.current()
    if skip_if_logged and key in actor.logged:
        return None
    actor.logged.add(key)
    entry = _entry(actor, action, object_type, object_id, label, changes, summary, scope)
    # Linked into the chain once committed, by the worker's scheduler step (chain.seal): a lock held
    # from here to the caller's commit would queue every editor behind an import's batch, and could
    # deadlock with a transaction that locked a story first; sealing after each commit cost a save 4 ms.
    entry.save(using=router.db_for_write(AuditEntry), force_insert=True)
    return entry


def record_many(action: str, rows, *, scope: str = Scope.CONTENT) -> int:
    """record() for many objects at once, in one INSERT: `rows` are (obj, changes, summary). For the
    services' bulk paths (an import's batch of new stories); each object still gets its own row."""
    actor = context.current()
    entries = []
    for obj, changes, summary in rows:
        object_type, object_id, label = describe(obj)
        actor.logged.add((object_type, str(object_id)))
        entries.append(_entry(actor, action, object_type, object_id, label, changes, summary, scope))
    AuditEntry.objects.using(router.db_for_write(AuditEntry)).bulk_create(entries)
    return len(entries)


def _entry(actor, action, object_type, object_id, label, changes, summary, scope) -> AuditEntry:
    return AuditEntry(
        at=timezone.now(),
        actor_id=actor.user_id,
        api_key_id=getattr(actor.api_key, "pk", None),
        actor_label=actor.label,
        action=action[:60],
        scope=scope,
        object_type=object_type[:100],
        object_id=str(object_id)[:64],
        object_label=label[:200],
        summary=summary[:300],
        # Stored as the JSON it reads back as, so the hash of the stored row is the hash written.
        changes=json.loads(json.dumps(changes or {}, default=_plain)),
        ip=actor.ip,
        user_agent=actor.user_agent[:300],
    )
