"""Side effects that must follow a row wherever it is saved or deleted from."""

import functools

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from . import fragments, images, pagecache, search
from .cache import invalidate_site_context
from .models import (
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
)


@receiver(post_delete, sender=Photo)
def remove_photo_files(sender, instance, **kwargs):
    name = instance.image.name
    # Only once the delete is committed: a rolled-back delete must keep its files.
    transaction.on_commit(lambda: images.delete_photo_files(instance, name))


@receiver([post_save, post_delete], sender=SiteSettings)
@receiver([post_save, post_delete], sender=SocialLink)
@receiver([post_save, post_delete], sender=Section)
def site_context_changed(sender, **kwargs):
    transaction.on_commit(invalidate_site_context)


# Everything a public page can show: a change to any of these supersedes every cached page.
PAGE_CONTENT_MODELS = [
    Article, ArticleAuthor, ArticleSource, Author, Correction, GalleryItem, Photo, Section,
    SiteSettings, SocialLink, Source, Tag, TaggedItem,
]  # fmt: skip


def page_content_changed(sender, **kwargs):
    transaction.on_commit(pagecache.invalidate)


for _model in PAGE_CONTENT_MODELS:
    post_save.connect(page_content_changed, sender=_model, dispatch_uid=f"pagecache-save-{_model.__name__}")
    post_delete.connect(page_content_changed, sender=_model, dispatch_uid=f"pagecache-del-{_model.__name__}")


# --- Stored fragments (fragments.py) ------------------------------------------------------------------

# Shown by many stories: an edit or a delete supersedes every stored fragment. A new row is shown by no
# story yet, except a social link, which the publisher block of every story's JSON-LD lists.
SHARED_FRAGMENT_MODELS = [Author, Photo, Section, Source, Tag, SiteSettings, SocialLink]


def shared_content_changed(sender, instance=None, created=False, **kwargs):
    if created and sender not in (SiteSettings, SocialLink):
        return
    transaction.on_commit(fragments.bump_shared)


for _model in SHARED_FRAGMENT_MODELS:
    post_save.connect(shared_content_changed, sender=_model, dispatch_uid=f"frag-save-{_model.__name__}")
    post_delete.connect(shared_content_changed, sender=_model, dispatch_uid=f"frag-del-{_model.__name__}")


@receiver(post_save)
def prerender_story(sender, instance, **kwargs):
    # No sender filter: proxies of Article (the trash) send their own class. The admin saves the story
    # with its inlines in one transaction, so its markup is rendered once, from what was committed.
    if isinstance(instance, Article):
        transaction.on_commit(functools.partial(fragments.prerender, instance.pk))


@receiver([post_save, post_delete], sender=ArticleAuthor)
@receiver([post_save, post_delete], sender=ArticleSource)
@receiver([post_save, post_delete], sender=Correction)
@receiver([post_save, post_delete], sender=GalleryItem)
@receiver([post_save, post_delete], sender=TaggedItem)
def story_part_changed(sender, instance, **kwargs):
    """A story's own rows are part of its markup: touching the story gives its fragments a new stamp."""
    if sender is TaggedItem:
        if instance.content_type_id != search.article_content_type_id():
            return
        article_id = instance.object_id
    else:
        article_id = instance.article_id
    Article.objects.filter(pk=article_id).update(updated_at=timezone.now())


# --- The stored search document: rebuilt whenever one of its inputs changes ----------------------


@receiver(post_save)
def article_saved(sender, instance, **kwargs):
    # No sender filter: proxies of Article (the trash) send their own class.
    if isinstance(instance, Article):
        search.update_search_vectors([instance.pk])


@receiver([post_save, post_delete], sender=TaggedItem)
def article_tags_changed(sender, instance, **kwargs):
    if instance.content_type_id == search.article_content_type_id():
        search.update_search_vectors([instance.object_id])


@receiver(pre_save, sender=Section)
@receiver(pre_save, sender=Tag)
def remember_name(sender, instance, **kwargs):
    # Reordering sections saves them all: only a new name is worth rewriting their stories' documents.
    instance._saved_name = (
        sender.objects.filter(pk=instance.pk).values_list("name", flat=True).first() if instance.pk else None
    )


@receiver(post_save, sender=Section)
def section_renamed(sender, instance, created, **kwargs):
    if not created and getattr(instance, "_saved_name", None) != instance.name:
        search.update_for_section(instance)


@receiver(post_save, sender=Tag)
def tag_renamed(sender, instance, created, **kwargs):
    if not created and getattr(instance, "_saved_name", None) != instance.name:
        search.update_for_tag(instance)
