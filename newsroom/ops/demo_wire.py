"""The demo's incoming wire: a Reuters feed (inactive: the demo polls nobody) and items stored through the
ingest service, so the desk's panel and "Use this" can be tried without an agency contract."""

from datetime import timedelta

from django.utils import timezone

from articles.models import Section, Source, WireFeed
from articles.wire.ingest import store_items
from articles.wire.parsing import Incoming

ITEMS = [
    ("demo-reu-1", "Ceasefire talks resume in Cairo as envoys arrive",
     "Mediators said both delegations were in the city for a new round of indirect talks.",
     "<p>Envoys from both sides arrived in Cairo on Sunday for a new round of indirect talks, mediators "
     "said.</p><p>Officials expected the talks to last several days.</p>", ["Middle East", "Diplomacy"]),
    ("demo-reu-2", "Central bank holds rates, signals a cut next year",
     "The bank kept its main rate unchanged for a fourth meeting.",
     "<p>The central bank kept its main rate unchanged on Thursday and said it could cut early next "
     "year if inflation keeps falling.</p>", ["Economy"]),
    ("demo-reu-3", "Storm closes ports along the northern coast",
     "Winds reached 120 km/h overnight; ferries are cancelled until Tuesday.",
     "<p>Ports along the northern coast were shut as winds reached 120 km/h overnight.</p>", ["Weather"]),
]  # fmt: skip


def load(*, section: Section, source: Source) -> int:
    """The demo feed and its items (idempotent: items land once); how many items are new."""
    feed, _ = WireFeed.objects.get_or_create(
        name="Reuters World (demo, not polled)",
        defaults={"source": source, "section": section, "url": "https://wire.example.org/reuters/world.rss",
                  "active": False},
    )  # fmt: skip
    now = timezone.now()
    items = [
        Incoming(guid=guid, headline=headline, summary=summary, body=body, subjects=subjects,
                 sent_at=now - timedelta(minutes=20 * n))
        for n, (guid, headline, summary, body, subjects) in enumerate(ITEMS)
    ]  # fmt: skip
    new, _ = store_items(feed=feed, items=items)
    return new
