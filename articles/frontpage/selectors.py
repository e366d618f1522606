"""What readers see of the fronts: the layout in force, its stories through the publication rule, the
home page's section blocks, and when the fronts next change by themselves.

A story that leaves publication (unpublished, trashed, moved to a later time) is simply not returned: the
slots are read through Article.objects.published() every time, so nothing has to clean them up.
"""

from django.db import connections, router
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from articles.models import Article, BreakingBanner, FrontLayout, FrontSection, Section


def layout_in_force(section=None, *, at=None):
    """The newest layout of the page (the home page when `section` is None) whose time has come, as a
    one-row queryset of its id (usable as a subquery)."""
    return (
        FrontLayout.objects.filter(section=section, live_from__lte=at or timezone.now())
        .order_by("-live_from")
        .values("pk")[:1]
    )


def layout_id_in_force(section, *, at=None) -> int | None:
    """The id of the layout layout_in_force() names for a section's front, or None when it has none yet.
    Asked by every section page: written out, where the ORM's compile cost more than the query."""
    sql = """
        SELECT id FROM articles_frontlayout WHERE section_id = %s AND live_from <= %s
        ORDER BY live_from DESC LIMIT 1
    """
    with connections[router.db_for_read(FrontLayout)].cursor() as cursor:
        cursor.execute(sql, [section.pk, at or timezone.now()])
        row = cursor.fetchone()
    return row[0] if row else None


def chosen_stories(section=None, *, at=None, layout=None) -> list[Article]:
    """The stories editors put on the front in force (or on `layout`), in their order, ready for cards:
    those readers cannot see at `at` are left out. One query."""
    chosen = Subquery(layout_in_force(section, at=at)) if layout is None else layout
    return list(
        Article.objects.published(at)
        .for_listing()
        .filter(front_slots__layout=chosen)
        .annotate(front_position=F("front_slots__position"))
        .order_by("front_position", "front_slots__id")
    )


def front_stories(section=None, *, count: int, at=None, layout=None) -> list[Article]:
    """The front's `count` stories: the chosen ones, then the newest published to fill the empty slots
    (the page is never blank), without repeating one."""
    stories = chosen_stories(section, at=at, layout=layout)[:count]
    missing = count - len(stories)
    if missing > 0:
        newest = Article.objects.published(at).for_listing().exclude(pk__in=[a.pk for a in stories])
        if section is not None:
            newest = newest.in_section(section)
        stories += list(newest[:missing])
    return stories


def home_sections(*, at=None) -> list[Section]:
    """The section blocks under the home page's top stories: those the layout in force lists, in its
    order; without any, the top-level sections in the navigation, in theirs. One query."""
    position = FrontSection.objects.filter(
        layout=Subquery(layout_in_force(at=at)), section=OuterRef("pk")
    ).values("position")[:1]
    sections = list(Section.objects.filter(parent__isnull=True).annotate(front_position=Subquery(position)))
    chosen = sorted((s for s in sections if s.front_position is not None), key=lambda s: s.front_position)
    return chosen or [s for s in sections if s.show_in_nav]


def showing_banner(at=None) -> BreakingBanner | None:
    return BreakingBanner.objects.showing(at).first()
