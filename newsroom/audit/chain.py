"""The hash chain: each row's hash covers its content and the hash of the row before it.

Changing, removing or reordering a row breaks the chain from that row on, which `audit_verify` finds.
The content is hashed as canonical JSON of the stored values, so a row read back hashes the same.
"""

import hashlib
import json

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
    "prev_hash",
]


def content(entry) -> dict:
    values = {name: getattr(entry, name) for name in HASHED}
    values["at"] = entry.at.isoformat()
    return values


def digest(entry) -> str:
    text = json.dumps(content(entry), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def first_break(entries, *, prev_hash: str = "") -> tuple[object, str] | None:
    """The first row (in id order) whose link or hash is wrong, with why; None when the chain holds."""
    for entry in entries:
        if entry.prev_hash != prev_hash:
            return entry, "its link to the row before does not match (a row was removed or reordered)"
        if digest(entry) != entry.hash:
            return entry, "its content does not match its hash (the row was altered)"
        prev_hash = entry.hash
    return None
