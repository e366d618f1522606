"""Rendering a story's own markup and its cards, kept as fragments (caching/fragments.py) where possible."""

import copy
import functools
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.db.models.signals import post_save
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from taggit.models import Tag

from articles import story_query
from articles.blocks.render import render_body
from articles.caching import fragments, invalidation, keys
from articles.caching.site import site_context
from articles.markup import store as markup
from articles.models import (
    Article,
    ArticleAuthor,
    ArticleSource,
    Author,
    Correction,
    GalleryItem,
    Photo,
    Section,
    Source,
    TrashedArticle,
)
from articles.publishing.editing import set_snapshot_fields
from articles.publishing.pending import PENDING_FIELDS
from articles.templatetags.newsroom import json_ld_payload

from .cards import card as card_markup
from .cards import fill as card_fill
from .cards import template as card_template
from .listing import CardRow
from .structured import article_json_ld

log = logging.getLogger(__name__)
STORY_MODELS = (Article, TrashedArticle)


def detail_queryset():
    """A story with everything its page shows, in six queries."""
    return Article.objects.select_related(
        "section", "section__parent", "lead_photo", "lead_photo__credit_source"
    ).prefetch_related(
        Prefetch("articleauthor_set", queryset=ArticleAuthor.objects.select_related("author")),
        Prefetch("articlesource_set", queryset=ArticleSource.objects.select_related("source")),
        "tags",
        "corrections",
        Prefetch(
            "gallery_items", queryset=GalleryItem.objects.select_related("photo", "photo__credit_source")
        ),
    )


def _cached(article, name: str, model, rows) -> None:
    """Serve `rows` as the story's prefetched `name`, as prefetch_related would (nothing is saved)."""
    queryset = model.objects.none()
    queryset._result_cache, queryset._prefetch_done = list(rows), True
    article._prefetched_objects_cache[name] = queryset


def with_pending(article_id: int, data: dict) -> Article:
    """The story as its pending version shows it: an unsaved copy with the pending content and its
    relations. Never stored (as a fragment or anything else): it is rendered for a preview only."""
    article = detail_queryset().get(pk=article_id)
    live_section, live_photo = article.section, article.lead_photo
    set_snapshot_fields(article, data, PENDING_FIELDS)
    # A row deleted since shows the live one: publishing the changes says what is missing.
    section = Section.objects.select_related("parent").filter(pk=article.section_id).first()
    article.section = section or live_section
    if article.lead_photo_id:
        photo = Photo.objects.select_related("credit_source").filter(pk=article.lead_photo_id).first()
        article.lead_photo = photo or live_photo
    authors = Author.objects.in_bulk(data.get("authors", []))
    bylines = [pk for pk in data.get("authors", []) if pk in authors]
    rows = [ArticleAuthor(article=article, author=authors[pk], order=i) for i, pk in enumerate(bylines)]
    _cached(article, "articleauthor_set", ArticleAuthor, rows)
    sources = Source.objects.in_bulk(data.get("sources", []))
    named = [pk for pk in data.get("sources", []) if pk in sources]
    rows = [ArticleSource(article=article, source=sources[pk], order=i) for i, pk in enumerate(named)]
    _cached(article, "articlesource_set", ArticleSource, rows)
    names = data.get("tags", [])
    tags = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
    # A tag the changes add that does not exist yet is created when they are published.
    _cached(
        article, "tags", Tag, [tags.get(name) or Tag(name=name, slug=slugify(name) or "-") for name in names]
    )
    if "gallery" in data:
        photos = Photo.objects.select_related("credit_source").in_bulk(
            [row["photo"] for row in data["gallery"]]
        )
        shown = [row for row in data["gallery"] if row["photo"] in photos]
        rows = [
            GalleryItem(article=article, photo=photos[row["photo"]], caption=row.get("caption", ""), order=i)
            for i, row in enumerate(shown)
        ]
        _cached(article, "gallery_items", GalleryItem, rows)
    return article


def as_it_was(article_id: int, asof) -> Article:
    """The story as readers saw it at a moment (publishing/asof.py's AsOf): an unsaved copy with that
    revision's content, its lead photo then (none if deleted since) and the notes then in force, with
    their wording then. Never stored: it is rendered for the staff's archived view only."""
    article = with_pending(article_id, asof.data)
    article.lead_photo_id = asof.lead_photo.pk if asof.lead_photo else None
    article.lead_photo = asof.lead_photo
    _cached(article, "corrections", Correction, [_worded(then.note, then.text) for then in asof.notes])
    article.revised_at, article.content_modified_at = asof.revised_at, None
    article.updated_at = asof.revision.created_at
    return article


def _worded(note: Correction, text: str) -> Correction:
    shown = copy.copy(note)
    shown.text = text
    return shown


def story_parts(article, site: dict) -> dict:
    """Everything on the article page that depends on the story alone (and the site's settings)."""
    context = {
        "article": article,
        "SITE_URL": settings.SITE_URL,
        "site": site,
        "body": mark_safe(render_body(article.body)),
    }
    return {
        "title": article.seo_title or article.headline,
        "description": article.meta_description or article.standfirst or article.headline,
        "path": article.get_absolute_url(),
        "og": render_to_string("includes/story_head.html", context),
        "story": render_to_string("includes/story.html", context),
        "json_ld": json_ld_payload(article_json_ld(article, site)),
        "current_section": (article.section.parent or article.section).slug,
    }


def prerender(article_id: int) -> None:
    """Render and keep a live story's markup as soon as it is saved: with the story (articles/markup/),
    and as a fragment where those are kept.

    When a story breaks, its first readers arrive together: without this, each worker that meets the
    missing markup renders it at once. Called after the commit, off the editor's transaction.
    """
    try:
        # The generations first: anything changed after these reads supersedes what is rendered here.
        generation = markup.current_generation()
        shared, _ = fragments.lookup({})
        article = story_query.load(article_id, published_only=True)
        if article is None:
            return
        parts = story_parts(article, site_context())
        markup.keep(article.pk, article.updated_at, generation, parts)
        fragments.keep(shared, {fragments.story_key(article.pk): (fragments.stamp(article), parts)})
    except Exception:  # noqa: BLE001 - the save is committed; the first reader renders it instead
        log.exception("could not pre-render story %s", article_id)


def _saved(sender, instance, **kwargs):
    # The admin saves a story with its inlines in one transaction: its markup is rendered once, from what
    # was committed, before its first readers arrive together. An archive being imported has no such
    # readers waiting: its stories are rendered when first read.
    if not invalidation.holding():
        transaction.on_commit(functools.partial(prerender, instance.pk))


def connect() -> None:
    """Called from apps.ready() after caching.invalidation.connect(): a save's supersessions are queued
    first, so what is rendered here is never superseded by the same commit."""
    for model in STORY_MODELS:
        post_save.connect(_saved, sender=model, dispatch_uid=f"prerender-{model._meta.label}")


def card_options(*, big=False, compact=False, lazy=True, show_section=False, level=3) -> dict:
    return {"big": big, "compact": compact, "lazy": lazy, "show_section": show_section, "level": level}


def cards(items: list[tuple[object, dict]], *, load=None, found=None, in_place=False) -> list:
    """The card markup of each (story, card_options()) pair, in order; a story gone since is left out
    (or, `in_place`, None in its place).

    A story may be a listing.CardRow (its stored card filled in; rendered and kept where it has none),
    a model instance, or an (id, updated_at) pair: `load(ids)` then returns {id: story} for the cards that
    must be rendered. Cards of instances and pairs are kept as fragments; `found` is a fragments.lookup()
    already made with fragments.card_stamps() of those.
    """
    if not items:
        return []
    keys.add_stories(story[0] if isinstance(story, tuple) else story.pk for story, _ in items)
    html = {}
    rows = [(i, story, options) for i, (story, options) in enumerate(items) if isinstance(story, CardRow)]
    if rows:
        html.update(_row_cards(rows, load or _load_cards))
    if len(rows) < len(items):
        others = [
            (i, story, options) for i, (story, options) in enumerate(items) if not isinstance(story, CardRow)
        ]
        html.update(_fragment_cards(others, load=load, found=found))
    if in_place:
        return [html.get(i) for i in range(len(items))]
    return [html[i] for i in range(len(items)) if i in html]


def _load_cards(ids):
    return Article.objects.published().for_listing().in_bulk(ids)


def _row_cards(rows, load) -> dict[int, str]:
    missing = [row.pk for _, row, _ in rows if row.card is None]
    stored = {}
    if missing:
        stories = load(missing)
        stored = {pk: card_template(story) for pk, story in stories.items()}
        generation = next(row.generation for _, row, _ in rows)
        markup.keep_cards(generation, [(pk, stories[pk].updated_at, card) for pk, card in stored.items()])
    html = {}
    for i, row, options in rows:
        card = row.card if row.card is not None else stored.get(row.pk)
        if card is not None:  # None: gone since the ids were read
            html[i] = card_fill(card, **options)
    return html


def _fragment_cards(items, *, load, found) -> dict[int, str]:
    keyed = fragments.card_keys([(story, options) for _, story, options in items])
    shared, hits = found if found is not None else fragments.lookup({key: at for _, key, at in keyed})
    missing = [(pk, key) for pk, key, _ in keyed if key not in hits]
    if missing:
        if load is not None:
            stories = load([pk for pk, _ in missing])
        else:
            stories = {story.pk: story for _, story, _ in items}
        options_by_key = {key: options for (_, key, _), (_, _, options) in zip(keyed, items, strict=True)}
        fresh = {}
        for pk, key in missing:
            story = stories.get(pk)
            if story is None:  # gone since the ids were read
                continue
            html = card_markup(story, **options_by_key[key])
            hits[key] = html
            fresh[key] = (fragments.stamp(story), html)
        fragments.keep(shared, fresh)
    return {
        i: mark_safe(hits[key]) for (i, _, _), (_, key, _) in zip(items, keyed, strict=True) if key in hits
    }
