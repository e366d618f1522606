"""The writes: arranging a front and putting up or clearing the breaking news banner.

Each checks the policy itself (editors only) and validates what it is given, whoever calls it (the admin,
load_demo); the admin shows the same problems as form errors first.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from articles.models import Article, BreakingBanner, FrontLayout, FrontSection, FrontStory, Section
from articles.publishing.policy import can_arrange_front, require
from newsroom import audit

from .selectors import layout_in_force


def when_shown(layout: FrontLayout):
    """The time a layout's stories must be readable by: its own, or now for one already in force."""
    now = timezone.now()
    return max(layout.live_from, now) if layout.live_from else now


def why_not_shown(article: Article, at) -> str:
    """Why readers would not see `article` at `at` (empty if they would)."""
    if article.deleted_at is not None:
        return "is in the trash"
    if article.status != Article.Status.PUBLISHED:
        return f"is not published ({article.get_status_display().lower()})"
    if article.published_at > at:
        when = timezone.localtime(article.published_at).strftime("%d %b %H:%M")
        return f"is scheduled for {when}, after this front takes over"
    return ""


def hidden_stories(layout: FrontLayout) -> list[tuple[Article, str]]:
    """The stories on `layout` that readers will not see at its time, and why (they drop out of the
    front by themselves, and come back if published again)."""
    at = when_shown(layout)
    readable = Article.objects.published(at).filter(front_slots__layout=layout).values("pk")
    hidden = Article.objects.filter(front_slots__layout=layout).exclude(pk__in=readable).order_by("headline")
    return [(article, why_not_shown(article, at)) for article in hidden]


def story_problems(*, layout: FrontLayout, stories: list[Article], kept=frozenset()) -> list[tuple]:
    """What is wrong with `stories` (in order) on `layout`, as (index in `stories` or None, message).

    `kept`: ids of stories already on the layout; one of them that has left publication since may stay
    (it is not shown until it is published again), where a newly picked one must be readable.
    """
    problems, seen = [], set()
    at = when_shown(layout)
    for index, article in enumerate(stories):
        if article.pk in seen:
            problems.append((index, f"“{article.headline}” is on this front twice."))
        elif (reason := why_not_shown(article, at)) and article.pk not in kept:
            problems.append((index, f"“{article.headline}” {reason}: readers would not see it."))
        seen.add(article.pk)
    if len(stories) > layout.capacity:
        room = f"{layout.page_name} has room for {layout.capacity} stories, not {len(stories)}."
        problems.append((None, room))
    return problems


def section_problems(*, layout: FrontLayout, sections: list[Section]) -> list[str]:
    problems = []
    if sections and layout.section_id:
        problems.append("Only the home page has section blocks.")
    if len({s.pk for s in sections}) != len(sections):
        problems.append("A section can follow only once.")
    if any(s.parent_id for s in sections):
        problems.append("Only top-level sections have a block (their sub-sections' stories are in it).")
    return problems


def timing_problems(*, layout: FrontLayout) -> dict[str, list[str]]:
    """A saved layout keeps its page, and the one readers see now is not moved later (that would bring
    an older layout back: a later front is a new layout)."""
    if layout.pk is None:
        return {}
    before = FrontLayout.objects.filter(pk=layout.pk).values("section_id").first()
    if before is None:
        return {}
    if before["section_id"] != layout.section_id:
        return {"section": ["A layout stays on its page: make a new one for another page."]}
    in_force = layout_in_force(layout.section_id).first()
    if in_force and in_force["pk"] == layout.pk and layout.live_from and layout.live_from > timezone.now():
        return {
            "live_from": [
                "Readers see this layout now: moving its time later would bring back an older one. To "
                "prepare a later front, change the time and use “Save as new”."
            ]
        }
    return {}


@transaction.atomic
def save_layout(
    *, layout: FrontLayout, user, stories: list[Article], sections: list[Section] = ()
) -> FrontLayout:
    """Save `layout` with `stories` in order (the first is the lead) and, for the home page, `sections`
    in order. Readers see it at once if its time has come (the page cache is superseded on commit)."""
    require(can_arrange_front(user), "You may not arrange the front pages.")
    # To the second, as the form shows it: "Save as new" at the same time is then the same time.
    layout.live_from = (layout.live_from or timezone.now()).replace(microsecond=0)
    sections = list(sections)
    before, order = {}, []
    if layout.pk is not None:
        order = list(
            FrontStory.objects.filter(layout=layout).order_by("position").values_list("article_id", flat=True)
        )
        before = {**audit.fields_of(FrontLayout.objects.get(pk=layout.pk)), "stories": order}
    kept = set(order)
    problems = timing_problems(layout=layout)
    if messages := [message for _, message in story_problems(layout=layout, stories=stories, kept=kept)]:
        problems["stories"] = messages
    if messages := section_problems(layout=layout, sections=sections):
        problems["sections"] = messages
    if problems:
        raise ValidationError(problems)
    layout.validate_constraints()
    layout.updated_by = user
    layout.save()
    FrontStory.objects.filter(layout=layout).delete()
    FrontStory.objects.bulk_create(
        FrontStory(layout=layout, article=article, position=i) for i, article in enumerate(stories, 1)
    )
    FrontSection.objects.filter(layout=layout).delete()
    FrontSection.objects.bulk_create(
        FrontSection(layout=layout, section=section, position=i) for i, section in enumerate(sections, 1)
    )
    after = {**audit.fields_of(layout), "stories": [article.pk for article in stories]}
    audit.record(
        "frontlayout.create" if not before else "frontlayout.update",
        obj=layout,
        changes=audit.diff(before, after),
        summary=f"Lead: {stories[0].headline}" if stories else "",
    )
    return layout


def delete_layout(*, layout: FrontLayout, user) -> None:
    """The page goes back to the layout before it (or to the newest stories, without one)."""
    require(can_arrange_front(user), "You may not arrange the front pages.")
    with transaction.atomic():
        audit.record("frontlayout.delete", obj=layout, changes=audit.diff(audit.fields_of(layout), {}))
        layout.delete()


@transaction.atomic
def put_banner(*, banner: BreakingBanner, user) -> BreakingBanner:
    """Show `banner` (new) on every page; it replaces the one showing, if any."""
    require(can_arrange_front(user), "You may not change the breaking news banner.")
    banner.text, banner.link = banner.text.strip(), banner.link.strip()
    banner.created_by, banner.created_at = user, timezone.now()
    banner.full_clean()
    BreakingBanner.objects.showing().update(cleared_at=timezone.now(), cleared_by=user)
    banner.save()
    audit.record("banner.put", obj=banner, changes={"text": [None, banner.text], "link": [None, banner.link]})
    return banner


@transaction.atomic
def edit_banner(*, banner: BreakingBanner, user) -> BreakingBanner:
    """Save changes to a banner's text, link or expiry (what it shows, as soon as it is saved)."""
    require(can_arrange_front(user), "You may not change the breaking news banner.")
    banner.text, banner.link = banner.text.strip(), banner.link.strip()
    banner.full_clean()
    if banner.state == "Showing":
        # An expired banner given a later expiry shows again: one banner at a time.
        others = BreakingBanner.objects.showing().exclude(pk=banner.pk)
        others.update(cleared_at=timezone.now(), cleared_by=user)
    before = audit.fields_of(BreakingBanner.objects.get(pk=banner.pk))
    banner.save()
    audit.record("banner.update", obj=banner, changes=audit.diff(before, audit.fields_of(banner)))
    return banner


def clear_banner(*, banner: BreakingBanner, user) -> BreakingBanner:
    """Take the banner down now, on every page."""
    require(can_arrange_front(user), "You may not change the breaking news banner.")
    if banner.cleared_at is None:
        banner.cleared_at, banner.cleared_by = timezone.now(), user
        with transaction.atomic():
            banner.save(update_fields=["cleared_at", "cleared_by"])
            audit.record("banner.clear", obj=banner, summary="Taken down")
    return banner
