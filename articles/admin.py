from django.contrib import admin, messages
from django.db.models import Prefetch
from django.utils.html import format_html, format_html_join

from . import images, services
from .forms import ArticleAdminForm, PhotoForm
from .models import (
    Article,
    ArticleAuthor,
    ArticleSource,
    Author,
    Correction,
    Photo,
    Section,
    SiteSettings,
    SocialLink,
    Source,
)


def thumbnail(photo, width=96):
    if not photo or not photo.width:
        return "—"
    small = images.srcset(photo, "original")[0]
    return format_html(
        '<img src="{}" width="{}" height="{}" alt="" style="height:auto;max-width:{}px">',
        small.url,
        small.width,
        small.height,
        width,
    )


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
class SectionAdmin(admin.ModelAdmin):
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
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "is_agency", "user"]
    list_filter = ["is_agency"]
    list_select_related = ["user"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    form = PhotoForm
    list_display = [
        "thumb",
        "caption_short",
        "credit_display",
        "rights",
        "uploaded_at",
        "uploaded_by",
    ]
    list_display_links = ["thumb", "caption_short"]
    list_filter = ["credit_source", "rights", "uploaded_at"]
    list_select_related = ["credit_source", "uploaded_by"]
    search_fields = ["caption", "alt_text", "credit_text", "credit_source__name", "copyright"]
    autocomplete_fields = ["credit_source"]
    date_hierarchy = "uploaded_at"
    readonly_fields = ["preview", "width", "height", "uploaded_by", "uploaded_at"]
    fieldsets = [
        (None, {"fields": ["image", "preview", "alt_text", "caption"]}),
        ("Credit and rights", {"fields": ["credit_source", "credit_text", "copyright", "rights",
                                          "may_redistribute"]}),
        ("Crops", {"fields": ["focal_x", "focal_y"],
                   "description": "Set the point that every crop keeps in frame."}),
        ("File", {"fields": ["width", "height", "uploaded_by", "uploaded_at"]}),
    ]  # fmt: skip

    @admin.display(description="Photo")
    def thumb(self, obj):
        return thumbnail(obj)

    @admin.display(description="Preview")
    def preview(self, obj):
        return thumbnail(obj, 480) if obj and obj.pk else "—"

    @admin.display(description="Caption", ordering="caption")
    def caption_short(self, obj):
        return str(obj)

    @admin.display(description="Credit", ordering="credit_source__name")
    def credit_display(self, obj):
        return obj.credit or "— no credit —"

    def save_model(self, request, obj, form, change):
        replaced = form.initial.get("image") if change and "image" in form.changed_data else None
        services.save_photo(photo=obj, user=request.user, replaced_name=getattr(replaced, "name", None))


class ArticleAuthorInline(admin.TabularInline):
    model = ArticleAuthor
    autocomplete_fields = ["author"]
    extra = 1
    verbose_name = "byline"
    verbose_name_plural = "byline (in order)"


class ArticleSourceInline(admin.TabularInline):
    model = ArticleSource
    autocomplete_fields = ["source"]
    extra = 1
    verbose_name = "attributed source"
    verbose_name_plural = "attributed sources (“…, Al Jazeera reported”)"


class CorrectionInline(admin.StackedInline):
    model = Correction
    extra = 0
    fields = ["kind", "text", "created_at"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = [
        "headline", "section", "state", "published_at", "byline", "thumb", "updated_at",
    ]  # fmt: skip
    list_filter = ["status", "section", "sources", ("tags", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["section", "lead_photo"]
    search_fields = ["headline", "standfirst", "slug"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["section", "lead_photo"]
    inlines = [ArticleAuthorInline, ArticleSourceInline, CorrectionInline]
    list_per_page = 50
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["headline", "slug", "standfirst", "body"]}),
        ("Placement", {"fields": ["section", "tags", "lead_photo"]}),
        ("Publishing", {"fields": ["status", "published_at", "embargo_until"]}),
        ("Search and sharing", {"fields": ["seo_title", "meta_description"],
                                "classes": ["collapse"]}),
    ]  # fmt: skip

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .live()
            .prefetch_related(
                Prefetch("articleauthor_set", queryset=ArticleAuthor.objects.select_related("author"))
            )
        )

    @admin.display(description="State", ordering="status")
    def state(self, obj):
        return "Scheduled" if obj.is_scheduled else obj.get_status_display()

    @admin.display(description="Byline")
    def byline(self, obj):
        return format_html_join(", ", "{}", ((a.author.name,) for a in obj.articleauthor_set.all()))

    @admin.display(description="Photo")
    def thumb(self, obj):
        return thumbnail(obj.lead_photo, 64)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description="Publish selected articles now", permissions=["change"])
    def publish(self, request, queryset):
        from django.utils import timezone

        count = 0
        for article in queryset:
            article.status = Article.Status.PUBLISHED
            article.published_at = article.published_at or timezone.now()
            article.updated_by = request.user
            article.save()
            count += 1
        self.message_user(request, f"{count} article(s) published.", messages.SUCCESS)

    actions = ["publish"]
