"""The desk: the admin's home page for editorial staff. What waits for them, what they wrote, what is about
to go out, what went out, who has which story open; Django's list of models stays below it.

Each panel is one LIMITed query and one count, over an index (migration 0014_desk_indexes for the
embargo), so the page costs the same number of queries whatever the archive's size. Reporters see their
own stories in every panel; editors see everyone's.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import admin
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, EditLock, Transition, WireItem
from articles.publishing import policy
from articles.readership import stats as reads

Status = Article.Status
ROWS = 10  # per panel; "see all" opens the story list filtered the same way


@dataclass
class Row:
    story: str
    url: str
    who: str = ""
    when: object = None
    note: str = ""


@dataclass
class Panel:
    key: str
    title: str
    empty: str
    who_label: str = "By"
    when_label: str = "Updated"
    rows: list[Row] = field(default_factory=list)
    count: int = 0
    see_all: str = ""
    template: str = ""  # a panel that is not a list of stories draws itself
    extra: dict = field(default_factory=dict)


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else "—"


def _list_url(**params) -> str:
    return reverse("admin:articles_article_changelist") + "?" + urlencode(params)


def _change_url(pk) -> str:
    return reverse("admin:articles_article_change", args=[pk])


def _story_panel(panel: Panel, stories: QuerySet, when: str, *, with_note: str = "") -> Panel:
    """The first ROWS stories, who wrote each and the time named by `when`, and how many in all.
    `with_note`: the note of the story's latest transition with this action (the reporter's, on submit)."""
    stories = stories.select_related("created_by").only(
        "id", "headline", when, "created_by__username", "created_by__first_name", "created_by__last_name"
    )
    if with_note:
        notes = Transition.objects.filter(article=OuterRef("pk"), action=with_note).order_by("-at", "-id")
        stories = stories.annotate(note=Subquery(notes.values("note")[:1]))
    for story in stories[:ROWS]:
        who, at, note = _name(story.created_by), getattr(story, when), getattr(story, "note", "")
        panel.rows.append(Row(story.headline, _change_url(story.pk), who, at, note or ""))
    panel.count = stories.count()
    return panel


def _sent_back(panel: Panel, drafts: QuerySet) -> Panel:
    """Drafts whose latest state change was being sent back, with who sent each back, when, and why."""
    latest = Transition.objects.filter(article=OuterRef("pk")).order_by("-at", "-id")
    stories = (
        drafts.filter(status=Status.DRAFT)
        .annotate(last_action=Subquery(latest.values("action")[:1]))
        .filter(last_action="return_to_draft")
        .annotate(last_transition=Subquery(latest.values("pk")[:1]))
        .only("id", "headline")
        .order_by("-updated_at", "-id")
    )
    rows = list(stories[:ROWS])
    back = Transition.objects.select_related("user").in_bulk([story.last_transition for story in rows])
    for story in rows:
        transition = back[story.last_transition]
        who = _name(transition.user)
        panel.rows.append(Row(story.headline, _change_url(story.pk), who, transition.at, transition.note))
    panel.count = stories.count()
    return panel


def _being_edited(panel: Panel, locks: QuerySet) -> Panel:
    locks = locks.select_related("user", "article").only(
        "since", "article__headline", "user__username", "user__first_name", "user__last_name"
    )
    for lock in locks.order_by("-since", "-id")[:ROWS]:
        panel.rows.append(
            Row(lock.article.headline, _change_url(lock.article_id), _name(lock.user), lock.since)
        )
    panel.count = locks.count()
    return panel


def panels(user) -> list[Panel]:
    """The desk of `user`, panel by panel."""
    now = timezone.now()
    day_ago = now - timedelta(hours=24)
    editor = policy.can_publish(user)
    stories = policy.viewable(user, Article.objects.live())
    # Others' open stories, joined from the few locks rather than from the archive.
    locks = EditLock.objects.filter(expires_at__gte=now, article__deleted_at__isnull=True)
    locks = locks.exclude(user=user.pk)
    if not editor:
        stories = stories.filter(created_by=user.pk)
        locks = locks.filter(article__created_by=user.pk)
    mine = stories.filter(created_by=user.pk, status__in=[Status.DRAFT, Status.UNPUBLISHED])
    # A reporter's panels hold only their own stories: no "By" column, and "see all" filtered the same way.
    own = {} if editor else {"created_by__id__exact": user.pk}
    by = "By" if editor else ""
    mine_url = _list_url(created_by__id__exact=user.pk, status__in=f"{Status.DRAFT},{Status.UNPUBLISHED}")

    desk = []
    if editor:
        review = Panel(
            key="review",
            title="Awaiting review",
            empty="Nothing is waiting for review.",
            who_label="Reporter",
            see_all=_list_url(state=Status.REVIEW),
        )
        in_review = stories.filter(status=Status.REVIEW).order_by("-updated_at", "-id")
        desk.append(_story_panel(review, in_review, "updated_at", with_note="submit_for_review"))
    drafts = Panel(
        key="drafts", title="My drafts", empty="You have no drafts.", who_label="", see_all=mine_url
    )
    desk.append(_story_panel(drafts, mine.order_by("-updated_at", "-id"), "updated_at"))
    sent_back = Panel(
        key="sent-back",
        title="Sent back to me",
        empty="None of your stories has been sent back.",
        who_label="Sent back by",
        when_label="When",
        see_all=mine_url,
    )
    desk.append(_sent_back(sent_back, mine))
    scheduled = Panel(
        key="scheduled",
        title="Scheduled",
        empty="Nothing is scheduled.",
        who_label=by,
        when_label="Goes live",
        see_all=_list_url(state="scheduled", **own),
    )
    desk.append(_story_panel(scheduled, stories.scheduled().order_by("published_at", "id"), "published_at"))
    embargoed = Panel(
        key="embargoed",
        title="Embargoed",
        empty="No story is under embargo.",
        who_label=by,
        when_label="Embargo until",
        see_all=_list_url(embargo_until__gt=now.isoformat(), **own),
    )
    under_embargo = stories.filter(embargo_until__gt=now).order_by("embargo_until", "id")
    desk.append(_story_panel(embargoed, under_embargo, "embargo_until"))
    recent = Panel(
        key="published",
        title="Published in the last 24 hours",
        empty="Nothing went out in the last 24 hours.",
        who_label=by,
        when_label="Published",
        see_all=_list_url(state="published", published_at__gte=day_ago.isoformat(), **own),
    )
    went_out = stories.published().filter(published_at__gte=day_ago).order_by("-published_at", "-id")
    desk.append(_story_panel(recent, went_out, "published_at"))
    desk.append(_doing_well())
    editing = Panel(
        key="editing",
        title="Being edited now",
        empty="Nobody else has a story open." if editor else "Nobody else has one of your stories open.",
        who_label="Who",
        when_label="Since",
    )
    desk.append(_being_edited(editing, locks))
    if user.has_perm("articles.view_wireitem"):
        desk.append(_wire(user))
    return desk


def _doing_well() -> Panel:
    """Published stories most read this hour, beside the hour before: one query (readership/stats.py)."""
    panel = Panel(
        key="doing-well",
        title="Doing well now",
        empty="No reads counted this hour yet.",
        template="admin/includes/reads_desk_panel.html",
    )
    panel.rows = [{**row, "url": _change_url(row["id"])} for row in reads.doing_well(limit=ROWS)]
    panel.count = len(panel.rows)
    return panel


def _wire(user) -> Panel:
    """The newest wire items, with "Use this" (or the story made from each), and how many stories have a
    newer version of their wire item waiting: the items' query and one count."""
    panel = Panel(
        key="wire",
        title="Incoming wire",
        empty="Nothing has come in on the wire yet.",
        see_all=reverse("admin:articles_wireitem_changelist"),
        template="admin/includes/wire_panel.html",
    )
    items = WireItem.objects.select_related("source", "article").only(
        "id", "headline", "summary", "picture_url", "received_at", "version", "used_version",
        "embargoed_until", "editors_note",
        "source__name", "article__headline", "article__deleted_at",
    )  # fmt: skip
    panel.rows = list(items.order_by("-received_at", "-id")[:ROWS])
    counts = WireItem.objects.aggregate(
        all=Count("id"), updated=Count("id", filter=Q(article__isnull=False, version__gt=F("used_version")))
    )
    panel.count = counts["all"]
    panel.extra = {
        "now": timezone.now(),  # an agency embargo still to come is shown on its item
        "can_use": policy.can_use_wire(user),
        "updated": counts["updated"],
        "updated_url": reverse("admin:articles_wireitem_changelist") + "?use=updated",
    }
    return panel


def install(site: admin.AdminSite) -> None:
    """Make the site's home page the desk for those who may see the story list: Django's index view with
    the panels added, its list of models below them."""
    django_index = site.index

    def index(request, extra_context=None):
        context = dict(extra_context or {})
        story_admin = site.get_model_admin(Article) if site.is_registered(Article) else None
        if story_admin is not None and story_admin.has_view_permission(request):
            context.update(title="Desk", desk=panels(request.user))
        return django_index(request, context)

    site.index = index
    site.index_template = "admin/desk.html"


install(admin.site)
