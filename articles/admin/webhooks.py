"""Webhook subscriptions (administrators) and the log of every delivery and attempt. The secret is
write-only: generated or typed in, shown once in a message after saving, never in a list or form."""

import secrets

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from articles import outbound
from articles.models import WebhookDelivery, WebhookSubscription
from articles.models.webhooks import Event

from .common import short_datetime


class WebhookSubscriptionForm(forms.ModelForm):
    events = forms.MultipleChoiceField(choices=Event.choices, widget=forms.CheckboxSelectMultiple)
    new_secret = forms.CharField(
        label="Secret",
        required=False,
        strip=True,
        min_length=16,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Signs every body (HMAC-SHA256). Write-only. Leave empty: a new subscription gets a random "
        "one, shown once after saving; an existing one keeps its own.",
    )

    class Meta:
        model = WebhookSubscription
        fields = ["name", "url", "events", "active"]

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            outbound.check_url(url)
        except outbound.OutboundError as exc:
            raise ValidationError(f"Webhooks cannot be sent to this URL: {exc}.") from exc
        return url


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    form = WebhookSubscriptionForm
    list_display = ["name", "url", "event_list", "active", "created"]
    list_filter = ["active"]
    search_fields = ["name", "url"]

    @admin.display(description="events")
    def event_list(self, subscription):
        return ", ".join(subscription.events)

    @admin.display(description="created", ordering="created_at")
    def created(self, subscription):
        return short_datetime(subscription.created_at)

    def save_model(self, request, obj, form, change):
        typed = form.cleaned_data.get("new_secret")
        if typed:
            obj.secret = typed
        elif not obj.secret:
            obj.secret = secrets.token_urlsafe(32)
            # The one time it is shown: the subscriber needs it to check signatures.
            self.message_user(request, f"The new subscription's secret: {obj.secret}", messages.WARNING)
        super().save_model(request, obj, form, change)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "created",
        "event",
        "subscription",
        "article",
        "state",
        "attempts",
        "last_status",
        "last_error",
    ]
    list_filter = ["state", "event", "subscription"]
    list_select_related = ["subscription", "article"]
    date_hierarchy = "created_at"
    fields = [
        "id", "subscription", "event", "article", "state", "publish_time", "attempts", "last_status",
        "last_error", "created_at", "last_attempt_at", "delivered_at", "attempt_log", "body",
    ]  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="created", ordering="created_at")
    def created(self, delivery):
        return short_datetime(delivery.created_at)

    @admin.display(description="attempts")
    def attempt_log(self, delivery):
        rows = format_html_join(
            "", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} ms</td></tr>",
            ((e["at"], e["status"] or "—", e["error"] or "OK", e["ms"]) for e in delivery.log),
        )  # fmt: skip
        head = mark_safe("<tr><th>Time</th><th>Status</th><th>Error</th><th>Took</th></tr>")
        return format_html("<table><thead>{}</thead><tbody>{}</tbody></table>", head, rows)
