from django.core.paginator import InvalidPage
from django.db import connections, router
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import Truncator
from django.views.generic import ListView
from taggit.models import Tag

from articles import search, story_query
from articles.blocks.render import resolve_read_more
from articles.caching import fragments, keys
from articles.caching.site import SITE_CONTEXT_KEY, site_context
from articles.frontpage import selectors as fronts
from articles.markup import store as markup
from articles.models import (
    Article,
    Author,
    Correction,
    SiteSettings,
    SlugRedirect,
    published_sql,
)
from articles.models.frontpage import HOME_STORIES, SECTION_STORIES
from articles.publishing import pending, policy
from articles.publishing import preview as previews
from articles.readership import beacon, lists

from . import listing
from . import render as rendering
from .listing import Listing
from .live import live_part
from .pagination import CardPaginator
from .related import related as related_stories
from .route import route_of, section_by_slug
from .structured import author_json_ld, home_json_ld, listing_json_ld

PAGE_SIZE = 20
HOME_PER_SECTION = 4


def home(request):
    keys.add(keys.HOME)
    # The editors' lead and top stories, the newest filling empty slots; the sections they chose follow,
    # without repeating a story from the top.
    latest = fronts.front_stories(count=HOME_STORIES)
    sections = {s.pk: s for s in fronts.home_sections()}
    picks = _newest_per_section(list(sections), exclude=[a.pk for a in latest])
    # Every story on the page as a card row, with its stored card: one query.
    by_id = listing.by_ids([a.pk for a in latest] + [pk for _, pk in picks])
    latest = [by_id[a.pk] for a in latest if a.pk in by_id]
    grouped = {pk: [] for pk in sections}
    for section_id, article_id in picks:
        if article_id in by_id:
            grouped[section_id].append(by_id[article_id])
    blocks = [(sections[pk], items) for pk, items in grouped.items() if items]
    card = rendering.card_options
    items = [(a, card(big=True, level=2, lazy=False, show_section=True)) for a in latest[:1]]
    items += [(a, card(compact=True, show_section=True)) for a in latest[1:]]
    items += [(a, card()) for _, stories in blocks for a in stories]
    # Every card on the page at once, then dealt back out in order (None: a story gone since).
    rendered = iter(rendering.cards(items, in_place=True))
    lead = next(rendered) if latest else None
    top = [next(rendered) for _ in latest[1:]]
    groups = [(section, [next(rendered) for _ in stories]) for section, stories in blocks]
    return render(
        request,
        "articles/home.html",
        {
            "lead": lead,
            "latest": [card for card in top if card],
            "section_blocks": [(s, shown) for s, group in groups if (shown := [*filter(None, group)])],
            "json_ld_data": home_json_ld(site_context()),
            "most_read": lists.most_read(lists.SITE),
        },
    )


def _newest_per_section(section_ids: list[int], *, exclude: list[int]) -> list[tuple[int, int]]:
    """(top-level section, story) ids: each section's newest stories, its sub-sections' included.

    One query whatever the number of sections: a LATERAL join reads a few rows of the top-section index
    per section, where a window over every published story would sort the whole archive.
    """
    if not section_ids:
        return []
    sql = """
        SELECT s.id, picked.id
        FROM unnest(%(sections)s::bigint[]) AS s(id)
        CROSS JOIN LATERAL (
            SELECT a.id FROM articles_article a
            WHERE a.top_section_id = s.id
              AND {published}
              AND NOT (a.id = ANY(%(exclude)s::bigint[]))
            ORDER BY a.published_at DESC, a.id DESC
            LIMIT %(limit)s
        ) AS picked
    """.format(published=published_sql("a", "now"))
    params = {"sections": section_ids, "now": timezone.now(), "exclude": exclude, "limit": HOME_PER_SECTION}
    with connections[router.db_for_read(Article)].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _listing_cards(ids):
    return Article.objects.published().for_listing().in_bulk(ids)


def article_detail(request, section, slug):
    # Whatever answers at this address (the story, a redirect, a 404 or 410) goes when a story takes it.
    keys.add(keys.slug(slug))
    found = route_of(slug)
    if found is None:
        old = SlugRedirect.objects.select_related("article__section").filter(old_slug=slug).first()
        if old is None or old.article.deleted_at is not None:
            raise Http404("No such article.")
        keys.add(keys.story(old.article_id))
        return redirect(old.article, permanent=True)
    keys.add(keys.story(found["pk"]))
    if section != found["section__slug"]:
        return redirect("articles:detail", section=found["section__slug"], slug=slug, permanent=True)
    if Article.readable(status=found["status"], published_at=found["published_at"], deleted_at=None):
        return _render_article(request, found, is_preview=False)
    # Off the readers' path: one more query, so the policy judges the story itself.
    article = Article.objects.select_related("section").get(pk=found["pk"])
    if policy.can_view(request.user, article):
        return _render_article(request, found, is_preview=True)
    if found["status"] == Article.Status.UNPUBLISHED:
        return render(request, "410.html", {"article": article}, status=410)
    raise Http404("No such article.")


def preview(request, token):
    """A signed, expiring, read-only link to an unpublished story, for people without an account; a link
    withdrawn since (published, unpublished, trashed, revoked) is gone like an expired one."""
    try:
        found = previews.article_for_preview_token(token)
    except previews.PreviewLinkExpired:
        response = render(request, "articles/preview_expired.html", status=410)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response
    if found is None:
        raise Http404("This preview link is not valid.")
    if (changes := pending.pending_for(found)) is not None:
        return render_pending(request, found, changes)
    row = {
        "pk": found.pk,
        "published_at": found.published_at,
        "section_id": found.section_id,
        "tag_ids": list(found.tags.values_list("pk", flat=True)),
    }
    return _render_article(request, row, is_preview=True)


def render_pending(request, article: Article, changes) -> HttpResponse:
    """The article page with the story's pending changes (PendingVersion `changes`), for staff and preview
    links: a preview, rendered from an unsaved copy and never kept."""
    story = rendering.with_pending(article.pk, changes.data)
    row = {
        "pk": story.pk,
        "published_at": story.published_at,
        "section_id": story.section_id,
        "tag_ids": sorted(tag.pk for tag in story.tags.all() if tag.pk),
    }
    return _render_article(request, row, is_preview=True, story=story, changes=changes)


def _render_article(request, row: dict, *, is_preview: bool, story: Article | None = None, changes=None):
    """The article page from its stored fragments, rendering (and, for a live story, keeping) what is
    missing. A preview is always rendered afresh and never kept; `story`, when given, is what it shows."""
    pk = row["pk"]
    related = related_stories(
        article_id=pk, published_at=row["published_at"], section_id=row["section_id"], tag_ids=row["tag_ids"]
    )
    card_items = [(item, rendering.card_options(compact=True, lazy=True)) for item in related]
    story_key = fragments.story_key(pk)
    # Stored cards come with the rows: only the others are looked up as fragments.
    stamps = fragments.card_stamps([item for item in card_items if getattr(item[0], "card", None) is None])
    stored = row.get("stored") or {}
    # A preview never reads or keeps stored markup; a story kept with its markup needs no fragment.
    parts = None if is_preview or story is not None else stored.get("parts")
    if not is_preview and parts is None:
        stamps[story_key] = row["updated_at"].timestamp()
    shared, hits = fragments.lookup(stamps, also=(SITE_CONTEXT_KEY,))
    site = hits.pop(SITE_CONTEXT_KEY, None) or site_context()
    if parts is None and story is None:
        parts = hits.get(story_key)
    article = story
    if parts is None:
        article = article or story_query.load(pk)
        if article is None:  # deleted since its route was read
            raise Http404("No such article.")
        parts = rendering.story_parts(article, site)
        if not is_preview:
            fragments.keep(shared, {story_key: (fragments.stamp(article), parts)})
            markup.keep(pk, row["updated_at"], stored.get("generation"), parts)
    # Read-more blocks show the other stories as they are now: filled in on every render (one query).
    parts = {**parts, "story": resolve_read_more(parts["story"])}
    live = live_part(request, row, parts, is_preview=is_preview)
    response = render(
        request,
        "articles/article_detail.html",
        {
            "live": live,
            "article": article,
            "parts": parts,
            "related": rendering.cards(card_items, load=_listing_cards, found=(shared, hits)),
            "is_preview": is_preview,
            "pending": changes,
            "current_section": parts["current_section"],
            "site": site,
            # The story's section's most read (from the cache); a preview counts no read.
            "most_read": [] if is_preview else lists.most_read(lists.scope_of(parts["current_section"])),
            "story_id": pk,
            "beacon_url": beacon.PATH,
        },
    )
    if is_preview:
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Cache-Control"] = "private, no-store"
    return response


class ArticleListView(ListView):
    """A paginated, newest-first listing (listing.Listing, read as card rows); a page number that is not
    a page is a 404."""

    paginate_by = PAGE_SIZE
    paginator_class = CardPaginator
    template_name = "articles/article_list.html"
    context_object_name = "articles"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["heading"] = self.heading
        context["listing"] = self.listing
        # Given to the templates too: the context processor would read it from the cache a second time.
        context["site"] = site = getattr(self, "site", None) or site_context()
        context["page_title"] = f"{self.heading} | {site['outlet_name']}"
        context["page_description"] = self.describe(site)
        context["json_ld_data"] = self.json_ld(context, site)
        context.update(self.listing_cards(context["articles"], context["page_obj"]))
        return context

    def listing_cards(self, articles, page) -> dict:
        # The first card's photo is the page's largest paint: not lazy.
        options = [rendering.card_options(level=2, lazy=lazy, show_section=True) for lazy in (False, True)]
        return {"cards": rendering.cards([(a, options[i > 0]) for i, a in enumerate(articles)])}

    def crumbs(self) -> list[tuple[str, str]]:
        return [(self.heading, self.request.path)]

    def json_ld(self, context, site) -> list[dict]:
        return listing_json_ld(
            name=context["page_title"],
            description=context["page_description"],
            path=self.request.path,
            stories=context["articles"],
            crumbs=self.crumbs(),
            site=site,
        )


class SectionView(ArticleListView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The navigation marks the top-level section a reader is in.
        context["current_section"] = (self.listing.parent or self.listing).slug
        return context

    def listing_cards(self, articles, page) -> dict:
        """With a layout in force, the first page opens with the section's front: the editors' lead and top
        stories, filled with the newest; the list goes on with the rest of the page."""
        # Most sections have no front of their own: one small read tells, before the stories' query.
        layout = fronts.layout_id_in_force(self.listing) if page.number == 1 else None
        chosen = fronts.chosen_stories(self.listing, layout=layout)[:SECTION_STORIES] if layout else []
        if not chosen:
            return super().listing_cards(articles, page)
        shown = {a.pk for a in chosen}
        rest = [a for a in articles if a.pk not in shown]
        fill = SECTION_STORIES - len(chosen)
        front, rest = chosen + rest[:fill], rest[fill:]
        card = rendering.card_options
        items = [(front[0], card(big=True, level=2, lazy=False, show_section=True))]
        items += [(a, card(compact=True, show_section=True)) for a in front[1:]]
        items += [(a, card(level=2, show_section=True)) for a in rest]
        rendered = rendering.cards(items)
        lead, top, rest = rendered[0], rendered[1 : len(front)], rendered[len(front) :]
        return {"front_lead": lead, "front_top": top, "cards": rest}

    def get_queryset(self):
        keys.add(keys.slug(self.kwargs["slug"]))
        self.site = site_context()
        self.listing = section_by_slug(self.kwargs["slug"], self.site)
        keys.add(keys.section(self.listing.pk))
        self.heading = self.listing.name
        return Listing.section(self.listing)

    def describe(self, site) -> str:
        return self.listing.description or f"The latest {self.heading} stories from {site['outlet_name']}."

    def crumbs(self):
        parent = self.listing.parent
        return [*([(parent.name, parent.get_absolute_url())] if parent else []), *super().crumbs()]


class TagView(ArticleListView):
    def get_queryset(self):
        keys.add(keys.slug(self.kwargs["slug"]))
        self.listing = get_object_or_404(Tag, slug=self.kwargs["slug"])
        keys.add(keys.tag(self.listing.pk))
        self.heading = self.listing.name
        return Listing.tag(self.listing)

    def describe(self, site) -> str:
        return f"The latest {self.heading} stories from {site['outlet_name']}."


class AuthorView(ArticleListView):
    template_name = "articles/author.html"

    def get_queryset(self):
        keys.add(keys.slug(self.kwargs["slug"]))
        self.listing = get_object_or_404(Author, slug=self.kwargs["slug"])
        keys.add(keys.author(self.listing.pk))
        self.heading = self.listing.name
        return Listing.author(self.listing)

    def describe(self, site) -> str:
        if self.listing.bio:
            return Truncator(self.listing.bio).words(40)
        return f"Stories by {self.heading} for {site['outlet_name']}."

    def json_ld(self, context, site):
        return author_json_ld(self.listing, description=context["page_description"], site=site)


def corrections(request):
    keys.add(keys.CORRECTIONS)
    notes = (
        Correction.objects.filter(article__in=Article.objects.published())
        .select_related("article__section")
        .order_by("-created_at", "-id")[:100]
    )
    outlet = site_context()["outlet_name"]
    return render(
        request,
        "articles/corrections.html",
        {
            "notes": notes,
            "page_title": f"Corrections and updates | {outlet}",
            "page_description": (
                f"Every correction and update {outlet} has made to a published story, newest first."
            ),
        },
    )


def corrections_policy(request):
    policy = SiteSettings.objects.filter(pk=1).values_list("corrections_policy", flat=True).first()
    outlet = site_context()["outlet_name"]
    context = {
        "policy": policy or "",
        "page_title": f"Corrections policy | {outlet}",
        "page_description": f"How {outlet} corrects its mistakes, and where the corrections are listed.",
    }
    return render(request, "articles/corrections_policy.html", context)


def search_page(request):
    """Full-text search of published stories; a malformed filter is a 400 with the form's errors."""
    keys.add(keys.SEARCH)
    form = search.SearchForm(request.GET)
    outlet = site_context()["outlet_name"]
    about = {
        "page_title": f"Search | {outlet}",
        "page_description": f"Search every story published by {outlet}, by keyword, section and date.",
    }
    if not form.is_valid():
        return render(request, "articles/search.html", {"form": form, **about}, status=400)
    try:
        outcome = search.run(form.cleaned_data, page_number=request.GET.get("page") or 1, per_page=PAGE_SIZE)
    except InvalidPage:
        raise Http404("No such page of results.") from None
    return render(
        request,
        "articles/search.html",
        {
            "form": form,
            "query": form.cleaned_data["q"],
            "outcome": outcome,
            "page_obj": outcome.page,
            "max_candidates": search.MAX_CANDIDATES,
            **about,
        },
    )
