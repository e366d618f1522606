"""What editors see of a story's reads (its change page) and the desk's "doing well now": each a bounded
query or two over StoryReads and ReadSource, never the beacon's counters still in the cache (those arrive
with the next flush, READS_FLUSH_SECONDS at most)."""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Q, Sum
from django.utils import timezone

from articles.models import Article, ReadSource, StoryReads

SOURCES_SHOWN = 12


@dataclass
class Hour:
    start: object
    reads: int
    height: int  # of the chart's bar, in its units (0-40), standing on the line at 44
    x: int

    @property
    def y(self) -> int:
        return 44 - self.height


def _this_hour(now):
    return now.replace(minute=0, second=0, microsecond=0)


def story_reads(article_id: int, now=None) -> dict:
    """All-time reads and the last 24 hours' hour by hour, today's among them (one query), and where
    readers came from over the last 30 days (one query)."""
    now = timezone.now() if now is None else now
    hour = _this_hour(now)
    first = hour - timedelta(hours=23)
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    last_day = Q(hour__gte=first)
    totals = StoryReads.objects.filter(article_id=article_id).aggregate(
        total=Sum("reads"),
        hours=ArrayAgg("hour", filter=last_day, order_by="hour", default=[]),
        reads=ArrayAgg("reads", filter=last_day, order_by="hour", default=[]),
    )
    by_hour = dict(zip(totals["hours"], totals["reads"], strict=True))
    hours = [first + timedelta(hours=n) for n in range(24)]
    peak = max(by_hour.values(), default=0) or 1
    chart = [
        Hour(start=h, reads=by_hour.get(h, 0), height=round(40 * by_hour.get(h, 0) / peak), x=n * 10)
        for n, h in enumerate(hours)
    ]
    sources = (
        ReadSource.objects.filter(article_id=article_id, day__gte=(now - timedelta(days=30)).date())
        .values("source", "domain")
        .annotate(reads=Sum("reads"))
        .order_by("-reads", "source", "domain")[:SOURCES_SHOWN]
    )
    labels = dict(ReadSource.Source.choices)
    return {
        "total": totals["total"] or 0,
        # Midnight is never before the chart's first hour, so today's reads are all in it.
        "today": sum(reads for h, reads in by_hour.items() if h >= today),
        "last_day": sum(by_hour.values()),
        "hours": chart,
        "peak": max(by_hour.values(), default=0),
        "sources": [{**s, "label": labels.get(s["source"], s["source"])} for s in sources],
    }


def doing_well(*, limit: int = 10, now=None) -> list[dict]:
    """Published stories with the most reads this hour, with the hour before's: one query."""
    now = timezone.now() if now is None else now
    hour = _this_hour(now)
    before = hour - timedelta(hours=1)
    rows = (
        StoryReads.objects.filter(hour__gte=before, article__in=Article.objects.published(now))
        .values("article_id", "article__headline")
        .annotate(now=Sum("reads", filter=Q(hour=hour)), before=Sum("reads", filter=Q(hour=before)))
        .filter(now__gt=0)
        .order_by("-now", "-article_id")[:limit]
    )
    return [
        {
            "id": r["article_id"],
            "headline": r["article__headline"],
            "now": r["now"],
            "before": r["before"] or 0,
        }
        for r in rows
    ]
