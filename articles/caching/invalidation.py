"""The one invalidation table: which model's changes supersede which cached things.

Every cache layer is invalidated from here and nowhere else. Receivers are connected explicitly, for the
senders the table names (Article's proxy, the trash, included), after the commit: a rolled-back write
supersedes nothing, and a cache outage never fails the write (caching/store.py).

- pages: every page in the readers' page cache (pagecache.py); anything a public page can show.
- shared: every stored story fragment (fragments.py); things many stories show. A new row of these is
  shown by no story yet, so only edits and deletes count, except for the site's own settings and links,
  which every story's JSON-LD shows.
- site: the header, footer and navigation (site.py).
- story: the stored fragments of the one story the row belongs to (its bylines, tags, notes...).
"""

import functools
from dataclasses import dataclass

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from taggit.models import Tag, TaggedItem

from articles.models import (
    Article,
    ArticleAuthor,
    ArticleSource,
    Author,
    Correction,
    GalleryItem,
    Photo,
    Section,
    SiteSettings,
    SocialLink,
    Source,
    TrashedArticle,
)
from articles.public.render import prerender
from articles.search import article_content_type_id

from . import fragments, pagecache, store
from .site import invalidate_site_context


@dataclass(frozen=True)
class Supersedes:
    pages: bool = True
    shared: bool = False
    shared_on_create: bool = False
    site: bool = False
    story: bool = False


STORY_PART = Supersedes(story=True)
SHOWN_BY_MANY = Supersedes(shared=True)
CHROME = Supersedes(shared=True, shared_on_create=True, site=True)

TABLE = {
    Article: Supersedes(),
    TrashedArticle: Supersedes(),
    ArticleAuthor: STORY_PART,
    ArticleSource: STORY_PART,
    Correction: STORY_PART,
    GalleryItem: STORY_PART,
    TaggedItem: STORY_PART,
    Author: SHOWN_BY_MANY,
    Photo: SHOWN_BY_MANY,
    Source: SHOWN_BY_MANY,
    Tag: SHOWN_BY_MANY,
    Section: Supersedes(shared=True, site=True),
    SiteSettings: CHROME,
    SocialLink: CHROME,
}


def _story_id(instance) -> int | None:
    if isinstance(instance, Article):
        return instance.pk
    if isinstance(instance, TaggedItem):
        return instance.object_id if instance.content_type_id == article_content_type_id() else None
    return instance.article_id


def changed(sender, instance, signal, created=False, **kwargs):
    rule = TABLE[sender]
    if isinstance(instance, TaggedItem) and _story_id(instance) is None:
        return  # a tag on something that is not a story
    on_commit = transaction.on_commit
    if rule.pages:
        on_commit(pagecache.invalidate)
    if rule.site:
        on_commit(invalidate_site_context)
    if rule.shared and (not created or rule.shared_on_create):
        on_commit(fragments.bump_shared)
    if rule.story:
        on_commit(functools.partial(fragments.forget_story, _story_id(instance)))
    if isinstance(instance, Article) and signal is post_save:
        # The admin saves a story with its inlines in one transaction: its markup is rendered once,
        # from what was committed, before its first readers arrive together.
        on_commit(functools.partial(prerender, instance.pk))


def connect() -> None:
    # Invalidations made while the cache was down were lost: nothing stored before may come back.
    for supersede in (pagecache.invalidate, fragments.bump_shared, invalidate_site_context):
        store.on_recovery(supersede)
    for model in TABLE:
        uid = f"invalidate-{model._meta.label}"
        post_save.connect(changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(changed, sender=model, dispatch_uid=f"{uid}-delete")
