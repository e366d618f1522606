"""The story list's filters, each bounded on an archive of any size."""

from datetime import date, datetime, time, timedelta

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import Count, Max, Min
from django.utils import timezone
from django.utils.functional import cached_property
from taggit.models import Tag

from articles.caching import store
from articles.models import (
    Article,
    Author,
    Section,
)


class StateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            *Article.Status.choices[:2],
            ("scheduled", "Scheduled"),
            *Article.Status.choices[2:],
            ("pending", "Changes pending"),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case None:
                return queryset
            case "scheduled":
                return queryset.scheduled()
            case "pending":
                return queryset.filter(pending__isnull=False)
            case Article.Status.PUBLISHED:
                return queryset.published()
            case value:
                return queryset.filter(status=value)


class TopChoicesFilter(admin.SimpleListFilter):
    """The most used tags or bylines (listing thousands would bury the filter); any other one by its slug.

    Counting uses over the archive takes up to 150 ms, so the top list is kept in the cache for a few
    minutes: a tag that becomes common shows up a little late, and any tag works in the URL at once.
    """

    model = None
    counted = ""  # the relation counted to rank them
    relation = ""  # the Article field filtered on
    top_size = 25
    cache_seconds = 600

    def _top(self):
        """[(pk, slug, name)], most used first."""
        key = f"admin:top:{self.parameter_name}"
        top = store.get(key)
        if top is None:
            top = list(
                self.model.objects.annotate(uses=Count(self.counted))
                .order_by("-uses", "name")
                .values_list("pk", "slug", "name")[: self.top_size]
            )
            store.set(key, top, self.cache_seconds)
        return top

    @cached_property
    def chosen(self):
        """(pk, slug, name) of the value in the URL, or None for one that does not exist."""
        rows = [row for row in self._top() if row[1] == self.value()]
        if not rows:
            rows = self.model.objects.filter(slug=self.value()).values_list("pk", "slug", "name")
        return next(iter(rows), None)

    def lookups(self, request, model_admin):
        choices = [(slug, name) for _, slug, name in self._top()]
        if self.value() and self.chosen and self.value() not in dict(choices):
            choices.append(self.chosen[1:])
        return choices

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        # By id, not by a join on the slug: the planner then knows how many stories carry it and walks
        # the newest first instead of sorting all 36,000 stories of a common tag.
        return queryset.filter(**{self.relation: self.chosen[0]}) if self.chosen else queryset.none()


class TagFilter(TopChoicesFilter):
    title = "tag"
    parameter_name = "tag"
    model = Tag
    counted = "taggit_taggeditem_items"
    relation = "tags"


class AuthorFilter(TopChoicesFilter):
    title = "byline"
    parameter_name = "author"
    model = Author
    counted = "articles"
    relation = "authors"
    top_size = 15


class SectionFilter(admin.RelatedFieldListFilter):
    """The sections with their parents' names in one query (the default reads each parent on its own)."""

    def field_choices(self, field, request, model_admin):
        return [(section.pk, str(section)) for section in Section.objects.select_related("parent")]


class PublishedFilter(admin.SimpleListFilter):
    """Year, then month, of the publish time: the date drill-down without reading the whole archive.

    The years run from the oldest publish time to the newest, two reads of the publish-time index per
    request (the date hierarchy's DISTINCT over every story cost more than the rest of the page), so a
    story published or scheduled in a new year brings that year with it at once.
    """

    title = "publish time"
    parameter_name = "published"

    def lookups(self, request, model_admin):
        span = Article.objects.live().aggregate(first=Min("published_at"), last=Max("published_at"))
        if span["first"] is None:
            return []
        first, last = (timezone.localtime(span[end]) for end in ("first", "last"))
        chosen_year = period[0].year if (period := self._period()) else None
        choices = []
        for year in range(last.year, first.year - 1, -1):
            choices.append((str(year), str(year)))
            if year == chosen_year:
                newest = last.month if year == last.year else 12
                oldest = first.month if year == first.year else 1
                choices += [
                    (f"{year}-{m:02d}", f"{date(year, m, 1):%B} {year}")
                    for m in range(newest, oldest - 1, -1)
                ]
        return choices

    def _period(self):
        """(first day, day after) of the year or month chosen, or None."""
        if not self.value():
            return None
        try:
            parts = [int(part) for part in self.value().split("-")]
            if len(parts) == 1:
                return date(parts[0], 1, 1), date(parts[0] + 1, 1, 1)
            if len(parts) == 2:
                start = date(parts[0], parts[1], 1)
                return start, (start + timedelta(days=31)).replace(day=1)
        except (ValueError, OverflowError) as exc:
            raise IncorrectLookupParameters(exc) from exc
        raise IncorrectLookupParameters(f"Not a year or a month: {self.value()}")

    def queryset(self, request, queryset):
        if (period := self._period()) is None:
            return queryset
        start, end = (timezone.make_aware(datetime.combine(day, time.min)) for day in period)
        # A range on the indexed column rather than __year/__month, which PostgreSQL cannot read an index for.
        return queryset.filter(published_at__gte=start, published_at__lt=end)
