"""Side effects that must follow a row wherever it is saved or deleted from."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import images
from .cache import invalidate_site_context
from .models import Photo, Section, SiteSettings, SocialLink


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
