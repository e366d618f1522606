"""Control characters are stripped from every text field on its way into the database.

Forms, the admin, imports, commands and services all end in Model.save(): one receiver there covers
them all. Bulk writes (update(), bulk_create) pass their own values through sanitize.strip_control.
"""

from django.db import models
from django.db.models.signals import pre_save

from .sanitize import strip_control

APPS = {"articles", "accounts", "ops", "taggit", "auth"}


def strip_text_fields(sender, instance, raw=False, **kwargs):
    if sender._meta.app_label not in APPS:
        return
    for field in sender._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField):
            value = getattr(instance, field.attname)
            if isinstance(value, str):
                setattr(instance, field.attname, strip_control(value))


def connect() -> None:
    pre_save.connect(strip_text_fields, dispatch_uid="strip-control-characters")
