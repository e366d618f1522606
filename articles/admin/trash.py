"""Stories in the trash: editors restore them; only administrators delete for good."""

from django.contrib import admin, messages

from articles.models import (
    TrashedArticle,
)
from articles.publishing import policy, workflow


@admin.register(TrashedArticle)
class TrashAdmin(admin.ModelAdmin):
    """Stories moved to the trash: editors restore them; only administrators delete for good."""

    list_display = ["headline", "section", "status", "deleted_at", "updated_by"]
    list_select_related = ["section", "updated_by"]
    search_fields = ["headline"]
    actions = ["restore_selected", "delete_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(deleted_at__isnull=False)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return policy.can_restore_from_trash(request.user)

    def has_delete_permission(self, request, obj=None):
        return policy.can_purge(request.user)

    def has_restore_permission(self, request):
        return policy.can_restore_from_trash(request.user)

    def delete_queryset(self, request, queryset):
        for article in queryset:
            workflow.purge(article=article, user=request.user)

    def delete_model(self, request, obj):
        workflow.purge(article=obj, user=request.user)

    @admin.action(description="Restore selected stories", permissions=["restore"])
    def restore_selected(self, request, queryset):
        for article in queryset:
            workflow.restore_from_trash(article=article, user=request.user)
        self.message_user(request, f"{queryset.count()} restored.", messages.SUCCESS)
