"""Keeps each story's stored search document (search.py) in step with everything it is built from."""

from django.db.models.signals import post_delete, post_save, pre_save
from taggit.models import Tag, TaggedItem

from . import search
from .models import Article, Section, TrashedArticle


def article_saved(sender, instance, **kwargs):
    search.update_search_vectors([instance.pk])


def article_tags_changed(sender, instance, **kwargs):
    if instance.content_type_id == search.article_content_type_id():
        search.update_search_vectors([instance.object_id])


def remember_name(sender, instance, **kwargs):
    # Reordering sections saves them all: only a new name is worth rewriting their stories' documents.
    instance._saved_name = (
        sender.objects.filter(pk=instance.pk).values_list("name", flat=True).first() if instance.pk else None
    )


def section_saved(sender, instance, created, **kwargs):
    if not created and getattr(instance, "_saved_name", None) != instance.name:
        search.update_for_section(instance)


def tag_saved(sender, instance, created, **kwargs):
    if not created and getattr(instance, "_saved_name", None) != instance.name:
        search.update_for_tag(instance)


def connect() -> None:
    for model in (Article, TrashedArticle):
        post_save.connect(article_saved, sender=model, dispatch_uid=f"search-{model.__name__}")
    for signal in (post_save, post_delete):
        signal.connect(article_tags_changed, sender=TaggedItem, dispatch_uid=f"search-tags-{signal}")
    for model, receiver in ((Section, section_saved), (Tag, tag_saved)):
        pre_save.connect(remember_name, sender=model, dispatch_uid=f"search-name-{model.__name__}")
        post_save.connect(receiver, sender=model, dispatch_uid=f"search-rename-{model.__name__}")
