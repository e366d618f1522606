"""Side effects that must follow a row wherever it is saved or deleted from."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from taggit.models import Tag, TaggedItem

from . import images, pagecache, search
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
