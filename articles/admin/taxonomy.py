"""Sections, sources, authors and the site's settings."""

from django.contrib import admin

from articles.models import (
    Author,
    Section,
    SiteSettings,
    SocialLink,
    Source,
)

from .common import SafeAutocompleteMixin


class SocialLinkInline(admin.TabularInline):
    model = SocialLink
    extra = 1


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    inlines = [SocialLinkInline]

    def has_add_permission(self, request):
        return not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Section)
class SectionAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "parent", "order", "show_in_nav"]
    list_editable = ["order", "show_in_nav"]
    list_select_related = ["parent"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "url"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Author)
class AuthorAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "is_agency", "user"]
    list_filter = ["is_agency"]
    list_select_related = ["user"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]
