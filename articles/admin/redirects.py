"""Redirects and the 404s readers hit: editors add, edit and delete redirects (or a CSV of them), see
which are used, and make a redirect from any 404 in one click."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from articles.models import NotFound, Redirect
from articles.redirects import csvfile, services

from .common import EstimatedCountPaginator, short_datetime


class CsvUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file", help_text="Columns: old_path,new_path,status,note (a header row)."
    )


@admin.register(Redirect)
class RedirectAdmin(admin.ModelAdmin):
    list_display = ["old_path", "goes_to", "kind", "hits", "last_hit", "origin"]
    list_filter = ["permanent", "origin"]
    search_fields = ["old_path", "to_url", "note", "article__headline"]
    autocomplete_fields = ["article"]
    fields = ["old_path", "article", "to_url", "permanent", "note", "origin", "hits", "last_hit_at"]
    readonly_fields = ["origin", "hits", "last_hit_at"]
    list_select_related = ["article__section"]
    actions = ["export_selected"]
    # No COUNT over a big imported table on every page.
    show_full_result_count = False
    paginator = EstimatedCountPaginator

    @admin.display(description="goes to")
    def goes_to(self, obj):
        return obj.target()

    @admin.display(description="type", ordering="permanent")
    def kind(self, obj):
        return "301" if obj.permanent else "302"

    @admin.display(description="last hit", ordering="last_hit_at")
    def last_hit(self, obj):
        return short_datetime(obj.last_hit_at) if obj.last_hit_at else "never"

    def save_model(self, request, obj, form, change):
        services.save(obj)

    def delete_model(self, request, obj):
        services.delete([obj])

    def delete_queryset(self, request, queryset):
        services.delete(list(queryset))

    @admin.action(description="Export the selected redirects as CSV", permissions=["view"])
    def export_selected(self, request, queryset):
        return self._csv(queryset)

    def _csv(self, queryset):
        response = HttpResponse(
            csvfile.write(queryset.select_related("article__section")), content_type="text/csv; charset=utf-8"
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="redirects-{stamp}.csv"'
        return response

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name="articles_redirect_import"),
            path("export/", view(self.export_view), name="articles_redirect_export"),
            *super().get_urls(),
        ]

    def export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return self._csv(Redirect.objects.all())

    def import_view(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            messages.error(request, "You may not import redirects.")
            return redirect("admin:articles_redirect_changelist")
        form = CsvUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                found = csvfile.read(form.cleaned_data["file"].read())
            except ValidationError as exc:
                for message in exc.messages[:50]:
                    form.add_error("file", message)
            else:
                created, updated = csvfile.save(found)
                messages.success(request, f"Imported {created} new redirects and updated {updated}.")
                return redirect("admin:articles_redirect_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": "Import redirects from CSV",
        }
        return TemplateResponse(request, "admin/articles/redirect/import.html", context)


@admin.register(NotFound)
class NotFoundAdmin(admin.ModelAdmin):
    list_display = ["path", "hits", "seen", "referrer", "make_redirect"]
    search_fields = ["path", "referrer"]
    ordering = ["-hits"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="last seen", ordering="last_seen")
    def seen(self, obj):
        return short_datetime(obj.last_seen)

    @admin.display(description="")
    def make_redirect(self, obj):
        url = reverse("admin:articles_redirect_add")
        return format_html('<a href="{}?old_path={}">Make a redirect</a>', url, obj.path)
