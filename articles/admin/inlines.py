"""The story form's inlines: byline, sources, notes, gallery."""

from django import forms
from django.contrib import admin
from django.db import models

from articles.models import (
    ArticleAuthor,
    ArticleSource,
    Correction,
    GalleryItem,
)

from .common import SafeAutocompleteMixin, thumbnail
from .forms import GalleryFormSet


class GalleryItemInline(SafeAutocompleteMixin, admin.TabularInline):
    model = GalleryItem
    formset = GalleryFormSet
    autocomplete_fields = ["photo"]
    fields = ["photo", "thumb", "caption", "order"]
    readonly_fields = ["thumb"]
    extra = 0
    verbose_name = "gallery photo"
    verbose_name_plural = "gallery (shown below the story, in order)"
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})}}

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("photo")

    @admin.display(description="Preview")
    def thumb(self, obj):
        return thumbnail(obj.photo, 64) if obj and obj.photo_id else "—"


class ArticleAuthorInline(SafeAutocompleteMixin, admin.TabularInline):
    model = ArticleAuthor
    autocomplete_fields = ["author"]
    extra = 1
    verbose_name = "byline"
    verbose_name_plural = "byline (in order)"


class ArticleSourceInline(SafeAutocompleteMixin, admin.TabularInline):
    model = ArticleSource
    autocomplete_fields = ["source"]
    extra = 1
    verbose_name = "attributed source"
    verbose_name_plural = "attributed sources (“…, Al Jazeera reported”)"


class CorrectionInline(admin.StackedInline):
    model = Correction
    extra = 0
    fields = ["kind", "text", "created_at"]
    readonly_fields = ["created_at"]
    # Notes are never deleted; an edited note keeps its first wording (original_text and revisions).
    can_delete = False
    verbose_name = "correction or update note"
    verbose_name_plural = "corrections and updates (shown to readers at the foot of the story)"
