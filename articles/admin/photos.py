"""The photo library."""

import logging

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed, JsonResponse
from django.urls import path, reverse
from django.utils.html import format_html

from articles.images import validation
from articles.images.storage import StorageUnavailable
from articles.models import (
    Photo,
)
from articles.photos import held, services
from articles.photos.services import photo_uses
from articles.publishing import policy

from .common import SafeAutocompleteMixin, thumbnail
from .forms import PhotoForm, metadata_prefill

log = logging.getLogger(__name__)


@admin.register(Photo)
class PhotoAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    form = PhotoForm
    list_display = [
        "thumb",
        "caption_short",
        "body_code",
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
    list_per_page = 50
    # One COUNT(*) per page view instead of two: the library grows without end.
    show_full_result_count = False
    readonly_fields = ["preview", "body_code", "width", "height", "uploaded_by", "uploaded_at"]
    fieldsets = [
        (None, {"fields": ["image", "held_upload", "preview", "body_code", "alt_text", "caption"]}),
        ("Credit and rights", {"fields": ["credit_source", "credit_text", "copyright", "rights",
                                          "may_redistribute"]}),
        ("Crops", {"fields": ["focal_x", "focal_y"],
                   "description": "Set the point that every crop keeps in frame."}),
        ("File", {"fields": ["width", "height", "uploaded_by", "uploaded_at"]}),
    ]  # fmt: skip

    @admin.display(description="Photo")
    def thumb(self, obj):
        return thumbnail(obj)

    @admin.display(description="In a story's body")
    def body_code(self, obj):
        # What an editor types on a line of its own in a story's body to show the photo there.
        return f"[photo: {obj.pk}]" if obj.pk else "Once saved, the short code to place it in a story."

    class Media:
        # Click-to-set focal point on the preview, and the caption and credit read from a chosen file
        # before saving: static files because the CSP allows no inline script.
        js = ["admin/js/focal_point.js", "admin/js/photo_metadata.js"]

    def get_urls(self):
        metadata = self.admin_site.admin_view(self.metadata_view)
        return [path("metadata/", metadata, name="articles_photo_metadata"), *super().get_urls()]

    def metadata_view(self, request):
        """The caption, credit and copyright in a chosen file, as the form fills them on save (JSON)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            return JsonResponse({"error": "You may not add or change photos."}, status=403)
        image = request.FILES.get("image")
        if image is None:
            return JsonResponse({"error": "Choose a photo file."}, status=400)
        try:
            # Judged exactly as an upload is: the same message then as on saving.
            validation.validate_image_file(image)
        except ValidationError as exc:
            return JsonResponse({"error": " ".join(exc.messages)}, status=400)
        found = metadata_prefill(image)
        source = found["credit_source"]
        return JsonResponse(found | {"credit_source": source.pk if source else None})

    @admin.display(description="Preview")
    def preview(self, obj):
        if not (obj and obj.pk and obj.width):
            return "—"
        return format_html(
            '<span data-focal-picker style="position:relative;display:inline-block;line-height:0;'
            'cursor:crosshair">{}<span class="focal-marker" aria-hidden="true" style="position:absolute;'
            "left:{}%;top:{}%;width:18px;height:18px;margin:-9px 0 0 -9px;box-sizing:border-box;"
            'border:2px solid #fff;border-radius:50%;box-shadow:0 0 0 2px #000;pointer-events:none">'
            '</span></span><br><span class="help">Click the picture to set the focal point below.</span>',
            thumbnail(obj, 480),
            round(obj.focal_x * 100, 1),
            round(obj.focal_y * 100, 1),
        )

    @admin.display(description="Caption", ordering="caption")
    def caption_short(self, obj):
        return str(obj)

    @admin.display(description="Credit", ordering="credit_source__name")
    def credit_display(self, obj):
        return obj.credit or "— no credit —"

    def has_change_permission(self, request, obj=None):
        # A photo a published story shows opens read-only for reporters, and a POST is a 403.
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or policy.can_change_photo(request.user, obj))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        error = getattr(request, "photo_storage_error", "")
        return type(form.__name__, (form,), {"user": request.user, "storage_error": error})

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        # Not in one transaction as Django's admin does it: save_photo is atomic on its own, and when
        # storage fails, the retried clean-up it enqueues must not roll back with the failed save.
        try:
            return self._changeform_view(request, object_id, form_url, extra_context)
        except StorageUnavailable as exc:
            log.warning("photo not saved: %s", exc.__cause__ or exc)
            # The same form again, refused with the reason, the chosen file kept for the next try.
            request.photo_storage_error = str(exc)
            return self._changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        new_file = form.held is not None or "image" in form.changed_data
        if new_file:
            obj.image = form.cleaned_data["image"]
        replaced = form.initial.get("image") if change and new_file else None
        services.save_photo(photo=obj, user=request.user, replaced_name=getattr(replaced, "name", None))
        held.release(form.data.get("held_upload", ""), user=request.user)

    def get_deleted_objects(self, objs, request):
        # Used by the delete page and the "delete selected" action alike: a photo in use is refused
        # there, and the list says which articles use it and how, not which rows lie in between.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if protected:
            protected = [self._use(*use) for use in photo_uses(objs)] or protected
            # Django also asks whether the user could delete each protecting article, and would show
            # "no permission to delete article" instead of why the photo is refused.
            perms_needed = set()
        return deleted, counts, perms_needed, protected

    @staticmethod
    def _use(article, photo, how):
        if article.deleted_at:
            title = format_html("“{}” (in the trash)", article.headline)
        else:
            url = reverse("admin:articles_article_change", args=[article.pk])
            title = format_html('“<a href="{}">{}</a>”', url, article.headline)
        return format_html("Article {} uses the photo “{}” {}.", title, photo, how)
