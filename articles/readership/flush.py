"""The flush: every READS_FLUSH_SECONDS the scheduler step (articles/scheduler.py) enqueues `flush_reads`,
which moves the beacon's hour counters from the cache into StoryReads and ReadSource, then makes the
most-read lists again (lists.py).

Each count moves exactly once, even with two flushes at once or a worker killed halfway:
1. the hour hashes are renamed, atomically, to names of this batch, noted in a registry set: beacons
   arriving meanwhile start a new hash, and no other flush can take these;
2. each renamed hash is added to the tables in one transaction that also writes its name (ReadFlush,
   unique): a second flush applying it waits on that row and then skips it;
3. the hash is dropped once committed. A flush that died after 1 or 2 left its names in the registry: the
   next one applies those not yet written, and drops those that were.
A flush that dies between 1 and 2 and is not followed by another within READS_KEEP_HOURS loses those
counts (the renamed hash expires): counters for a public list, not a ledger.
"""

import logging
from datetime import UTC, datetime, timedelta
from uuid import uuid4

from django.conf import settings
from django.db import connection, transaction
from django.tasks import task
from django.utils import timezone

from articles.caching import counters, store
from articles.models import ReadFlush, ReadSource

from . import lists
from .beacon import hour_key, hour_of, source_key

log = logging.getLogger(__name__)
REGISTRY = "reads:moving"
DUE_KEY = "reads:flush-due"

ADD_READS = """
    INSERT INTO articles_storyreads (article_id, hour, reads)
    SELECT a.id, %(hour)s, t.reads
    FROM unnest(%(ids)s::bigint[], %(reads)s::integer[]) AS t(id, reads)
    JOIN articles_article a ON a.id = t.id
    ON CONFLICT (article_id, hour) DO UPDATE SET reads = articles_storyreads.reads + EXCLUDED.reads
"""
ADD_SOURCES = """
    INSERT INTO articles_readsource (article_id, day, source, domain, reads)
    SELECT a.id, %(day)s, t.source, t.domain, t.reads
    FROM unnest(%(ids)s::bigint[], %(sources)s::text[], %(domains)s::text[], %(reads)s::integer[])
        AS t(id, source, domain, reads)
    JOIN articles_article a ON a.id = t.id
    ON CONFLICT (article_id, day, source, domain)
    DO UPDATE SET reads = articles_readsource.reads + EXCLUDED.reads
"""


def enqueue_if_due() -> bool:
    """The scheduler step's part: one flush task per READS_FLUSH_SECONDS across every worker."""
    if not store.call("add", DUE_KEY, 1, settings.READS_FLUSH_SECONDS):
        return False  # not due, or the cache is down (and so are the counters)
    transaction.on_commit(flush_reads.enqueue)
    return True


@task
def flush_reads() -> dict:
    return {"reads": flush()}


def flush(now: datetime | None = None) -> int:
    """Move every counter out of the cache; the reads moved. Safe to run twice or at once."""
    now = now or timezone.now()
    left = counters.pending(REGISTRY)
    if left is None:
        return 0  # the cache is down: the counters wait in it
    batch = uuid4().hex
    moves = {}
    for back in range(settings.READS_KEEP_HOURS + 1):
        hour = hour_of(now - timedelta(hours=back))
        moves[hour_key(hour)] = f"reads:moving:{batch}:h:{hour}"
        moves[source_key(hour)] = f"reads:moving:{batch}:s:{hour}"
    moved = counters.take(moves, registry=REGISTRY) or []
    total = sum(_apply(name) for name in [*left, *moved])
    # Older than any renamed hash can live: nothing can be applied twice by forgetting these.
    ReadFlush.objects.filter(at__lt=now - timedelta(hours=2 * settings.READS_KEEP_HOURS)).delete()
    lists.refresh(now)
    return total


def _apply(name: str) -> int:
    """Add the renamed hash `name` to the tables, once; the reads it held."""
    counts = counters.read(name)
    if counts is None:
        return 0
    kind, hour = name.rsplit(":", 2)[-2:]
    at = datetime.strptime(hour, "%Y%m%d%H").replace(tzinfo=UTC)
    with transaction.atomic():
        _, new = ReadFlush.objects.get_or_create(batch=name)
        if new and counts:
            (_add_reads if kind == "h" else _add_sources)(at, counts)
    counters.drop(name, registry=REGISTRY)
    return sum(counts.values()) if new and kind == "h" else 0


def _add_reads(hour: datetime, counts: dict[str, int]) -> None:
    rows = [(int(story), n) for story, n in counts.items() if story.isdigit()]
    with connection.cursor() as cursor:
        cursor.execute(ADD_READS, {"hour": hour, "ids": [r[0] for r in rows], "reads": [r[1] for r in rows]})


def _add_sources(hour: datetime, counts: dict[str, int]) -> None:
    params = {"day": hour.date(), "ids": [], "sources": [], "domains": [], "reads": []}
    for field, n in counts.items():
        story, source, domain = ([*field.split("|", 2), "", ""])[:3]
        if story.isdigit() and source in ReadSource.Source.values:
            for name, value in zip(
                ("ids", "sources", "domains", "reads"), (int(story), source, domain, n), strict=True
            ):
                params[name].append(value)
    with connection.cursor() as cursor:
        cursor.execute(ADD_SOURCES, params)
