"""Storing polled items: each lands once per source and guid; a later version updates it (and so flags
the story made from it: WireItem.updated_since_use)."""

import hashlib
import json

from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import WireItem
from articles.sanitize import sanitize_html
from newsroom import audit

from .parsing import Incoming


def _values(incoming: Incoming) -> dict:
    values = {
        "headline": incoming.headline[:500],
        "summary": incoming.summary,
        "body": sanitize_html(incoming.body),
        "picture_url": incoming.picture_url[:1000]
        if incoming.picture_url.startswith(("http://", "https://"))
        else "",
        "picture_caption": incoming.picture_caption,
        "picture_credit": incoming.picture_credit[:200],
        "subjects": [str(s)[:100] for s in incoming.subjects][:50],
        "link": incoming.link[:1000] if incoming.link.startswith(("http://", "https://")) else "",
        "embargoed_until": incoming.embargoed_until,
        "editors_note": incoming.editors_note[:2000],
    }
    fingerprinted = json.dumps(values, sort_keys=True, default=lambda when: when.isoformat())
    values["fingerprint"] = hashlib.sha256(fingerprinted.encode()).hexdigest()
    return values


def _newer(incoming: Incoming, stored: WireItem, values: dict) -> bool:
    if incoming.version is not None:
        return incoming.version > stored.version
    if values["fingerprint"] == stored.fingerprint:
        return False
    # An older copy of the item (a feed that lags behind another) does not undo a newer one.
    return not (incoming.sent_at and stored.sent_at and incoming.sent_at < stored.sent_at)


@transaction.atomic
def store_items(*, feed, items: list[Incoming]) -> tuple[int, int]:
    """Store `items` from `feed`; (how many landed, how many were updated)."""
    with audit.acting(system=f"wire feed {feed}"):
        return _store(feed, items)


def _store(feed, items) -> tuple[int, int]:
    new = updated = 0
    now = timezone.now()
    for incoming in items:
        values = _values(incoming)
        try:
            with transaction.atomic():
                item = WireItem.objects.create(
                    source_id=feed.source_id,
                    feed=feed,
                    guid=incoming.guid,
                    version=incoming.version or 1,
                    sent_at=incoming.sent_at,
                    received_at=now,
                    updated_at=now,
                    **values,
                )
                audit.record("wireitem.ingest", obj=item, summary=f"From {feed}")
            new += 1
            continue
        except IntegrityError:
            pass  # landed before (from this feed or another of the source's)
        stored = WireItem.objects.select_for_update().get(source_id=feed.source_id, guid=incoming.guid)
        if not _newer(incoming, stored, values):
            continue
        for name, value in values.items():
            setattr(stored, name, value)
        stored.version = incoming.version or stored.version + 1
        stored.sent_at = incoming.sent_at or stored.sent_at
        stored.updated_at = now
        stored.save()
        audit.record("wireitem.update", obj=stored, summary=f"Version {stored.version} from {feed}")
        updated += 1
    return new, updated
