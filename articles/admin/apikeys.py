"""API keys for the read API's partners: administrators issue them (the key is shown once, then only its
hash is kept), see when each was last used, and revoke them (refused from the next request on)."""

from django.contrib import admin, messages
from django.template.response import TemplateResponse

from articles.api import keys
from articles.models import ApiKey

from .common import short_datetime

DETAILS = list(keys.EDITABLE)


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "prefix", "created", "last_used", "state", "rate_limit"]
    list_filter = ["revoked"]
    search_fields = ["name", "owner", "contact_email", "prefix"]
    actions = ["revoke_selected"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return DETAILS
        return [*DETAILS, "prefix", "created_by", "created_at", "last_used_at", "revoked", "revoked_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        fixed = ["prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
        # A revoked key stays revoked: a new one is issued instead.
        return [*fixed, "revoked"] if obj.revoked else fixed

    @admin.display(description="created", ordering="created_at")
    def created(self, obj):
        return short_datetime(obj.created_at)

    @admin.display(description="last used", ordering="last_used_at")
    def last_used(self, obj):
        return short_datetime(obj.last_used_at)

    @admin.display(description="state", ordering="revoked")
    def state(self, obj):
        return "Revoked" if obj.revoked else "Active"

    def save_model(self, request, obj, form, change):
        if not change:
            key, raw = keys.issue_key(
                user=request.user, **{name: form.cleaned_data[name] for name in DETAILS}
            )
            obj.pk, obj.prefix, obj.created_at = key.pk, key.prefix, key.created_at
            obj._state.adding = False
            request._issued_api_key = raw
            return
        changes = {name: form.cleaned_data[name] for name in form.changed_data if name in DETAILS}
        keys.update_key(user=request.user, key=obj, **changes)
        if "revoked" in form.changed_data and obj.revoked:
            keys.revoke_key(user=request.user, key=obj)

    def response_add(self, request, obj, post_url_continue=None):
        # The only time the key is ever shown: rendered here, never put in a message or the session.
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "key": obj,
            "raw_key": request._issued_api_key,
            "title": "API key issued",
        }
        response = TemplateResponse(request, "admin/articles/apikey/issued.html", context)
        response["Cache-Control"] = "private, no-store"
        return response

    @admin.action(description="Revoke selected API keys", permissions=["change"])
    def revoke_selected(self, request, queryset):
        for key in queryset:
            keys.revoke_key(user=request.user, key=key)
        self.message_user(
            request, f"{len(queryset)} revoked: refused from their next request on.", messages.SUCCESS
        )
