"""A new tag's slug is an ASCII URL slug, whoever creates it (the story form, save_edit's callers, imports).

taggit keeps accents and other scripts in slugs ("zürich"), which the public /tag/<slug>/ route cannot
reverse: every page showing such a tag would fail. Django's slugify folds accents ("zurich").
"""

import re

from django.db.models.signals import pre_save
from django.utils.text import slugify
from taggit.models import Tag

URL_SLUG = re.compile(r"[-a-zA-Z0-9_]+")


def ascii_slug(sender, instance, **kwargs):
    if not instance._state.adding or URL_SLUG.fullmatch(instance.slug or ""):
        return
    longest = Tag._meta.get_field("slug").max_length
    # A name of symbols or of a script slugify cannot fold ("東京") still needs an address.
    base = slugify(instance.name)[: longest - 6] or "tag"
    taken = set(Tag.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    instance.slug = slug


def connect() -> None:
    pre_save.connect(ascii_slug, sender=Tag, dispatch_uid="tag-ascii-slug")
