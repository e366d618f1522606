"""Wire feeds (editors), the incoming-wire items, "Use this", and what an agency changed in an item used in a
story. Feed credentials are write-only: typed in, stored, never shown again (not in the list, the form, the
history or a log)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from articles import outbound
from articles.models import WireFeed, WireItem
from articles.publishing import policy
from articles.publishing.diffs import field_diffs
from articles.wire import polling, use

from .common import SafeAutocompleteMixin, short_datetime


class WireFeedForm(forms.ModelForm):
    secret = forms.CharField(
        label="Token or password",
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Write-only: stored for polling, never shown again. Leave empty to keep the one stored.",
    )
    clear_secret = forms.BooleanField(label="Remove the stored token or password", required=False)

    class Meta:
        model = WireFeed
        fields = [
            "name", "source", "section", "url", "format", "poll_minutes", "active",
            "auth", "auth_header", "auth_username",
        ]  # fmt: skip

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            outbound.check_url(url)
        except outbound.OutboundError as exc:
            raise ValidationError(f"This URL cannot be polled: {exc}.") from exc
        return url

    def clean(self):
        data = super().clean()
        auth = data.get("auth")
        if auth == WireFeed.Auth.HEADER and not data.get("auth_header"):
            self.add_error("auth_header", "Name the header the token goes in.")
        if auth == WireFeed.Auth.BASIC and not data.get("auth_username"):
            self.add_error("auth_username", "Give the user name.")
        return data

    def save(self, commit=True):
        feed = super().save(commit=False)
        if self.cleaned_data.get("clear_secret"):
            feed.auth_secret = ""
        elif self.cleaned_data.get("secret"):
            feed.auth_secret = self.cleaned_data["secret"]
        if commit:
            feed.save()
        return feed


@admin.register(WireFeed)
class WireFeedAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    form = WireFeedForm
    list_display = ["name", "source", "kind", "active", "every", "status", "last_success", "item_count"]
    list_filter = ["active", "format", "source"]
    list_select_related = ["source"]
    search_fields = ["name", "url"]
    autocomplete_fields = ["source", "section"]
    actions = ["poll_now"]
    readonly_fields = [
        "status",
        "last_polled_at",
        "last_success_at",
        "next_poll_at",
        "failures",
        "stored_secret",
    ]
    fieldsets = [
        (None, {"fields": ["name", "source", "section", "url", "format", "poll_minutes", "active"]}),
        (
            "Credentials",
            {"fields": ["auth", "auth_header", "auth_username", "secret", "stored_secret", "clear_secret"]},
        ),
        ("Status", {"fields": ["status", "last_polled_at", "last_success_at", "next_poll_at", "failures"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_items=Count("items"))

    @admin.display(description="format", ordering="format")
    def kind(self, feed):
        return feed.format.upper() if feed.format != WireFeed.Format.ATOM else "Atom"

    @admin.display(description="every", ordering="poll_minutes")
    def every(self, feed):
        return f"{feed.poll_minutes} min"

    @admin.display(description="status")
    def status(self, feed):
        if feed.last_error:
            return format_html('<span class="wire-error">Failing: {}</span>', feed.last_error[:200])
        return "OK" if feed.last_success_at else "Not polled yet"

    @admin.display(description="last success", ordering="last_success_at")
    def last_success(self, feed):
        return short_datetime(feed.last_success_at)

    @admin.display(description="items", ordering="n_items")
    def item_count(self, feed):
        return getattr(feed, "n_items", 0)

    @admin.display(description="token or password stored")
    def stored_secret(self, feed):
        return "Yes (hidden)" if feed.auth_secret else "No"

    @admin.action(description="Poll the selected feeds now")
    def poll_now(self, request, queryset):
        count = 0
        for feed in queryset.filter(active=True):
            polling.poll_feed.enqueue(feed.pk)
            count += 1
        self.message_user(request, f"{count} feed(s) queued for polling.", messages.SUCCESS)


class UsedFilter(admin.SimpleListFilter):
    title = "use"
    parameter_name = "use"

    def lookups(self, request, model_admin):
        return [("unused", "Not used yet"), ("used", "Used in a story"), ("updated", "Updated since used")]

    def queryset(self, request, queryset):
        if self.value() == "unused":
            return queryset.filter(article__isnull=True)
        if self.value() == "used":
            return queryset.filter(article__isnull=False)
        if self.value() == "updated":
            return queryset.filter(article__isnull=False, version__gt=F("used_version"))
        return queryset


@admin.register(WireItem)
class WireItemAdmin(admin.ModelAdmin):
    list_display = ["headline", "source", "received", "version", "story"]
    list_filter = [UsedFilter, "source", "feed"]
    list_select_related = ["source", "article"]
    search_fields = ["headline", "guid"]
    date_hierarchy = "received_at"
    readonly_fields = [f.name for f in WireItem._meta.fields if f.name not in ("id", "used_content")]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="received", ordering="received_at")
    def received(self, item):
        return short_datetime(item.received_at)

    @admin.display(description="story")
    def story(self, item):
        if not item.article_id:
            return "—"
        url = reverse("admin:articles_article_change", args=[item.article_id])
        flag = " (wire updated)" if item.updated_since_use else ""
        return format_html('<a href="{}">{}</a>{}', url, item.article.headline, flag)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/use/", view(self.use_view), name="articles_wireitem_use"),
            path("<int:pk>/changes/", view(self.changes_view), name="articles_wireitem_changes"),
            *super().get_urls(),
        ]

    def use_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not policy.can_use_wire(request.user):
            raise PermissionDenied
        item = get_object_or_404(WireItem, pk=pk)
        try:
            article, warnings = use.use_item(item=item, user=request.user)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return redirect("admin:index")
        self.message_user(request, f"Draft made from the wire: “{article.headline}”.", messages.SUCCESS)
        for warning in warnings:
            self.message_user(request, warning, messages.WARNING)
        return redirect("admin:articles_article_change", article.pk)

    def changes_view(self, request, pk):
        if not policy.can_use_wire(request.user):
            raise PermissionDenied
        item = get_object_or_404(WireItem.objects.select_related("source", "article"), pk=pk)
        if item.article_id is None or item.used_content is None:
            raise Http404("This item has not been used in a story.")
        if request.method == "POST":
            use.acknowledge_update(item=item, user=request.user)
            self.message_user(request, "Marked as seen: the story is no longer flagged.", messages.SUCCESS)
            return redirect("admin:articles_article_change", item.article_id)
        as_story = lambda c: {"headline": c["headline"], "standfirst": c["summary"], "body": c["body"]}  # noqa: E731
        context = {
            **self.admin_site.each_context(request),
            "title": f"What {item.source} changed",
            "item": item,
            "changes": field_diffs(as_story(item.used_content), as_story(item.content())),
            "now": timezone.now(),
        }
        return TemplateResponse(request, "admin/articles/wireitem/changes.html", context)
