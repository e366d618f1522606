"""The one invalidation table: which model's changes supersede which cached things.

Every cache layer is invalidated from here and nowhere else. Receivers are connected explicitly, for the
senders the table names (Article's proxy, the trash, included), and act after the commit: a rolled-back
write supersedes nothing, and a cache outage never fails the write (caching/store.py).

- pages: the public pages showing the row, by surrogate key (keys.py), in the readers' page cache
  (pagecache.py) and at the edge (purge.py). A row of a story (the story itself, a byline, a tag link,
  a note: any row with an `article_id`) supersedes the story's pages and, while the story is or was shown,
  its lists (resolve.py) plus the keys `keys(row)` names for it (a tag link: that tag's list). A row of
  anything else supersedes the keys `keys(row)` names; with no `keys`, every page.
- shared: every stored story fragment (fragments.py); things many stories show. A new row of these is
  shown by no story yet, so only edits and deletes count, except for the site's own settings and links,
  which every story's JSON-LD shows.
- site: the header, footer and navigation (site.py).
- story: the stored fragments of the one story the row belongs to (its bylines, tags, notes...).

One transaction's changes are gathered and resolved together after its commit: one query, one bump of
the page cache's versions, one purge (one per savepoint level that made changes, at worst).

A story's markup stored with it (articles/markup/) follows `shared` and `story` too; a save of the story
itself moves its updated_at, which the stored markup is compared with. Rendering it again ahead of readers
is the public side's (public/render.py connects that after this table, so it runs after these).
"""

import functools
import logging
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from taggit.models import Tag, TaggedItem

from articles.markup import store as markup
from articles.models import (
    Article,
    ArticleAuthor,
    ArticleSource,
    Author,
    BreakingBanner,
    Correction,
    FrontLayout,
    FrontSection,
    FrontStory,
    GalleryItem,
    LiveCoverage,
    LiveEntry,
    Photo,
    Section,
    SiteSettings,
    SocialLink,
    Source,
    TrashedArticle,
)
from articles.search import article_content_type_id

from . import fragments, keys, mostread, pagecache, purge, resolve, store, walgate
from .site import invalidate_site_context

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Supersedes:
    pages: bool = True
    shared: bool = False
    shared_on_create: bool = False
    site: bool = False
    story: bool = False
    keys: Callable[[object], Iterable[str]] | None = None


def everything(row) -> set[str]:
    return {keys.CHROME}


def author_keys(author: Author) -> set[str]:
    shown_by = ArticleAuthor.objects.filter(author_id=author.pk).values("article_id")
    return {keys.author(author.pk), keys.slug(author.slug)} | resolve.showing(shown_by)


def tag_keys(tag: Tag) -> set[str]:
    shown_by = TaggedItem.objects.filter(tag_id=tag.pk, content_type_id=article_content_type_id())
    return {keys.tag(tag.pk), keys.slug(tag.slug)} | resolve.showing(shown_by.values("object_id"))


def photo_keys(photo: Photo) -> set[str]:
    lead = Article.objects.filter(lead_photo_id=photo.pk).values("pk")
    gallery = GalleryItem.objects.filter(photo_id=photo.pk).values("article_id")
    return resolve.showing(lead) | resolve.showing(gallery)


def source_keys(source: Source) -> set[str]:
    return resolve.showing(ArticleSource.objects.filter(source_id=source.pk).values("article_id"))


STORY_PART = Supersedes(story=True)
SHOWN_BY_MANY = Supersedes(shared=True)
CHROME = Supersedes(shared=True, shared_on_create=True, site=True, keys=everything)

TABLE = {
    Article: Supersedes(),
    TrashedArticle: Supersedes(),
    ArticleAuthor: Supersedes(story=True, keys=lambda row: {keys.author(row.author_id)}),
    ArticleSource: STORY_PART,
    Correction: Supersedes(story=True, keys=lambda row: {keys.CORRECTIONS}),
    GalleryItem: STORY_PART,
    LiveCoverage: STORY_PART,
    LiveEntry: STORY_PART,
    TaggedItem: Supersedes(story=True, keys=lambda row: {keys.tag(row.tag_id)}),
    Author: Supersedes(shared=True, keys=author_keys),
    Photo: Supersedes(shared=True, keys=photo_keys),
    Source: Supersedes(shared=True, keys=source_keys),
    Tag: Supersedes(shared=True, keys=tag_keys),
    # The navigation shows sections: every page.
    Section: Supersedes(shared=True, site=True, keys=everything),
    SiteSettings: CHROME,
    SocialLink: CHROME,
    # The fronts editors arrange; the banner is part of the site context every page reads.
    FrontLayout: Supersedes(),
    FrontStory: Supersedes(),
    FrontSection: Supersedes(),
    BreakingBanner: Supersedes(site=True),
}


class Changes:
    """One transaction's changes to what pages show, resolved to keys once it commits."""

    def __init__(self):
        self.keys: set[str] = set()
        self.stories: dict[int, set[str]] = {}
        self.was_shown: set[int] = set()
        self.moved: set[int] = set()
        # Stories whose one modified time may move (Article.refresh_modified).
        self.refresh: set[int] = set()
        self.schedule = False

    def story(self, pk: int, list_keys: Iterable[str] = ()) -> None:
        self.stories.setdefault(pk, set()).update(list_keys)

    def __call__(self):
        timed = self.refresh_modified()
        try:
            changed = self.keys | resolve.stories(self.stories, was_shown=self.was_shown, moved=self.moved)
            changed |= timed
        except Exception:  # noqa: BLE001 - committed already: purge everything rather than too little
            log.exception("could not resolve the keys of a change; superseding every page")
            changed = {keys.CHROME}
        pagecache.invalidate_keys(changed)
        purge.purge_later(changed)
        if self.was_shown:
            # A story readers saw changed or left: the most-read lists are made again, no page purged.
            mostread.bump()
        if self.schedule:
            pagecache.note_schedule()

    def refresh_modified(self) -> set[str]:
        """Move the modified time of the stories readers see changed; the keys of what states it."""
        moved = set()
        for pk in self.refresh:
            try:
                if Article.refresh_modified(pk):
                    moved.add(pk)
            except Exception:  # noqa: BLE001 - the change is committed; the next one moves the time
                log.exception("could not refresh the modified time of story %s", pk)
        if not moved:
            return set()
        walgate.record()  # the new time is a write of its own: replicas must replay it first
        for pk in moved:
            fragments.forget_story(pk)
        # Stated by the story's page, the feeds and the sitemaps.
        return {keys.story(pk) for pk in moved} | {keys.FEEDS, keys.SITEMAPS}


def _record(note) -> None:
    """Apply `note(changes)` to this transaction's Changes, run once after the commit."""
    connection = transaction.get_connection()
    savepoints = set(connection.savepoint_ids)
    if connection.in_atomic_block:
        for sids, func, _ in connection.run_on_commit:
            # One registered at this level or in a savepoint released into it: a rollback that drops it
            # drops this change too. (Not one from an outer level: a test's commit stands for the outer one.)
            if isinstance(func, Changes) and sids >= savepoints:
                note(func)
                return
    changes = Changes()
    note(changes)
    # The WAL gate first (a reader whose miss follows the supersession reads past this commit), even when
    # the first change is a story's pre_save.
    if not any(func is walgate.record for _, func, _ in connection.run_on_commit):
        transaction.on_commit(walgate.record)
    transaction.on_commit(changes, robust=True)


def _story_id(instance) -> int | None:
    if isinstance(instance, Article):
        return instance.pk
    if isinstance(instance, TaggedItem):
        return instance.object_id if instance.content_type_id == article_content_type_id() else None
    return getattr(instance, "article_id", None)


def _old_story(row: dict, changes: Changes) -> None:
    """What a story was before this change: its address, and its lists if readers saw it."""
    changes.keys.add(keys.slug(row["slug"]))
    if resolve.shown(row):
        changes.was_shown.add(row["pk"])
        changes.story(row["pk"], resolve.section_keys(row))


def before_story_save(sender, instance, raw=False, **kwargs):
    if raw or instance._state.adding or instance.pk is None:
        return
    old = Article.objects.filter(pk=instance.pk).values(*resolve.ROW_FIELDS).first()
    if old is not None:
        _record(functools.partial(_old_story, old))


def _pages(rule: Supersedes, instance, signal, changes: Changes) -> None:
    story_id = _story_id(instance)
    if story_id is not None:
        changes.story(story_id, rule.keys(instance) if rule.keys else ())
        if rule.story or (isinstance(instance, Article) and signal is post_save):
            changes.refresh.add(story_id)
        if isinstance(instance, Article):
            changes.moved.add(story_id)
            changes.schedule = True
            if signal is post_delete:  # gone at commit: what it was comes from the instance
                _old_story({name: getattr(instance, name) for name in resolve.ROW_FIELDS}, changes)
    else:
        changes.keys.update(rule.keys(instance) if rule.keys else {keys.CHROME})
        if isinstance(instance, FrontLayout | BreakingBanner):
            changes.schedule = True  # a layout's time, the banner's expiry: pages change by themselves then


_held = ContextVar("invalidation_held", default=False)


def holding() -> bool:
    return _held.get()


@contextmanager
def held():
    """Thousands of changes at once (an import): none of their pages is resolved and purged alone,
    which cost more than the writes; when the block ends, however it ends, every page is superseded
    once. Fragments, stored markup and the site context are superseded as usual."""
    token = _held.set(True)
    try:
        yield
    finally:
        _held.reset(token)
        supersede_all()


def supersede_all() -> None:
    """Every page superseded, here and at the edge: after writes made in bulk, which send no signals."""
    walgate.record()
    pagecache.invalidate_keys({keys.CHROME})
    purge.purge_later({keys.CHROME})
    pagecache.note_schedule()


def changed(sender, instance, signal, created=False, **kwargs):
    rule = TABLE[sender]
    if isinstance(instance, TaggedItem) and _story_id(instance) is None:
        return  # a tag on something that is not a story
    on_commit = transaction.on_commit
    # First, once per commit: a reader whose miss follows any supersession below reads past this commit.
    if not any(func is walgate.record for _, func, _ in transaction.get_connection().run_on_commit):
        on_commit(walgate.record)
    if rule.pages and not _held.get():
        _record(functools.partial(_pages, rule, instance, signal))
    if rule.site:
        on_commit(invalidate_site_context)
    if rule.shared and (not created or rule.shared_on_create):
        on_commit(fragments.bump_shared)
        # Stored markup (articles/markup/) is superseded at once, which the change's own transaction then
        # sees, and again after the commit: a reader rendering from the old rows in between kept its
        # markup under the generation the first bump made.
        markup.bump()
        on_commit(markup.bump)
    if rule.story:
        on_commit(functools.partial(fragments.forget_story, _story_id(instance)))
        markup.forget(_story_id(instance))
        on_commit(functools.partial(markup.forget, _story_id(instance)))


def connect() -> None:
    # Invalidations made while the cache was down were lost: nothing stored before may come back.
    supersessions = (walgate.record, pagecache.invalidate, fragments.bump_shared, invalidate_site_context)
    for supersede in (*supersessions, mostread.bump):
        # (Stored markup is in the database, which the cache being down does not touch.)
        store.on_recovery(supersede)
    for model in TABLE:
        uid = f"invalidate-{model._meta.label}"
        post_save.connect(changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(changed, sender=model, dispatch_uid=f"{uid}-delete")
        if issubclass(model, Article):
            pre_save.connect(before_story_save, sender=model, dispatch_uid=f"{uid}-before")
