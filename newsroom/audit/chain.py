"""The hash chain: each row's hash covers its content and the hash of the row before it.

Changing, removing or reordering a row breaks the chain from that row on, which `audit_verify` finds.
The content is hashed as canonical JSON of the stored values, so a row read back hashes the same.

Rows are written by the services without a link, and sealed into the chain after their transaction
commits, in the order they become visible (`seq`), by one sealer at a time: the worker's scheduler
step (every few seconds), audit_verify and audit_export. The database lets a row be updated only this
once, and only its seq, prev_hash and hash (migration 0003).
"""

import hashlib
import json

from django.db import connections, transaction

SEAL_LOCK = 0x6E657773  # "news"
SEAL_BATCH = 2000

HASHED = [
    "at",
    "actor_id",
    "api_key_id",
    "actor_label",
    "action",
    "scope",
    "object_type",
    "object_id",
    "object_label",
    "summary",
    "changes",
    "ip",
    "user_agent",
    "seq",
    "prev_hash",
]


def content(entry) -> dict:
    values = {name: getattr(entry, name) for name in HASHED}
    values["at"] = entry.at.isoformat()
    return values


def digest(entry) -> str:
    text = json.dumps(content(entry), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def seal(*, using: str = "default", wait: bool = False) -> int:
    """Link every committed, unsealed row into the chain; how many. Another sealer at work: 0 at once
    (it, or the next one, takes these rows too), unless `wait`."""
    from .models import AuditEntry

    sealed = 0
    while True:
        with transaction.atomic(using=using), connections[using].cursor() as cursor:
            cursor.execute(f"SELECT pg_{'' if wait else 'try_'}advisory_xact_lock({SEAL_LOCK})")
            if not wait and not cursor.fetchone()[0]:
                return sealed
            rows = AuditEntry.objects.using(using)
            last = rows.filter(seq__isnull=False).order_by("-seq").values_list("seq", "hash").first()
            seq, prev_hash = last or (0, "")
            batch = list(rows.filter(seq__isnull=True).order_by("id")[:SEAL_BATCH])
            for entry in batch:
                seq += 1
                entry.seq, entry.prev_hash = seq, prev_hash
                entry.hash = prev_hash = digest(entry)
            rows.bulk_update(batch, ["seq", "prev_hash", "hash"])
        sealed += len(batch)
        if len(batch) < SEAL_BATCH:
            return sealed


def first_break(entries, *, prev_hash: str = "") -> tuple[object, str] | None:
    """The first row (in seq order) whose link or hash is wrong, with why; None when the chain holds."""
    for entry in entries:
        if entry.prev_hash != prev_hash:
            return entry, "its link to the row before does not match (a row was removed or reordered)"
        if digest(entry) != entry.hash:
            return entry, "its content does not match its hash (the row was altered)"
        prev_hash = entry.hash
    return None
