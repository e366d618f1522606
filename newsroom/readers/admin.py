"""Editors' screens: newsletters, issues (build, edit, preview, test, schedule, send, progress), readers,
suppressions, and a list's import and export (imports.py)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_POST

from articles.caching import pagecache

from . import imports, issues, sending
from .models import Delivery, Issue, IssueItem, Newsletter, Reader, Subscription, Suppression
from .views import NEWSLETTERS_KEY

# The preview shows the email exactly as sent: inline styles and remote pictures, no script at all.
PREVIEW_CSP = {"default-src": ["'none'"], "style-src": ["'unsafe-inline'"], "img-src": ["*", "data:"]}


def _newsletter_pages_changed():
    transaction.on_commit(lambda: pagecache.invalidate_keys([NEWSLETTERS_KEY]))


class ImportForm(forms.Form):
    file = forms.FileField(help_text="A CSV exported from Mailchimp (audience export) or Substack.")


@admin.register(Newsletter)
class NewsletterAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "section", "schedule", "subscribers", "offered_site_wide", "is_active"]
    list_select_related = ["section"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["build_issue"]
    change_form_template = "admin/readers/newsletter/change_form.html"

    def get_queryset(self, request):
        confirmed = Count("subscriptions", filter=Q(subscriptions__status=Subscription.Status.CONFIRMED))
        return super().get_queryset(request).annotate(n_confirmed=confirmed)

    @admin.display(description="Confirmed subscribers", ordering="n_confirmed")
    def subscribers(self, obj):
        return obj.n_confirmed

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _newsletter_pages_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        _newsletter_pages_changed()

    @admin.action(description="Build an issue from its front page", permissions=["add_issue"])
    def build_issue(self, request, queryset):
        built = [issues.build(newsletter=newsletter) for newsletter in queryset]
        if len(built) == 1:
            return HttpResponseRedirect(reverse("admin:readers_issue_change", args=[built[0].pk]))
        self.message_user(request, f"{len(built)} draft issues built.", messages.SUCCESS)
        return None

    def has_add_issue_permission(self, request):
        return request.user.has_perm("readers.add_issue")

    def get_urls(self):
        own = [
            path(
                "<int:pk>/import/",
                self.admin_site.admin_view(self.import_view),
                name="readers_newsletter_import",
            ),
            path(
                "<int:pk>/export/",
                self.admin_site.admin_view(self.export_view),
                name="readers_newsletter_export",
            ),
        ]
        return own + super().get_urls()

    def import_view(self, request, pk):
        newsletter = get_object_or_404(Newsletter, pk=pk)
        if not self.has_change_permission(request, newsletter):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                # Strictly: a file in another encoding would otherwise import mangled addresses.
                text = request.FILES["file"].read().decode("utf-8-sig")
                result = imports.import_csv(text, newsletter=newsletter)
            except UnicodeDecodeError:
                form.add_error(
                    "file", "Nothing was imported: this file is not UTF-8 text. Export it again as CSV."
                )
            except imports.BadCSV as error:
                form.add_error("file", str(error))
            else:
                self.message_user(request, result.summary(), messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:readers_newsletter_change", args=[pk]))
        context = {**self.admin_site.each_context(request), "form": form, "newsletter": newsletter}
        context["title"] = f"Import subscribers to {newsletter}"
        return render(request, "admin/readers/newsletter/import.html", context)

    def export_view(self, request, pk):
        newsletter = get_object_or_404(Newsletter, pk=pk)
        if not self.has_view_permission(request, newsletter) or not request.user.has_perm(
            "readers.view_reader"
        ):
            raise PermissionDenied
        response = HttpResponse(imports.export_csv(newsletter), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{newsletter.slug}-subscribers.csv"'
        return response


class IssueItemForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        # Every picture in an email needs its alt text (the help text says so; the model allows blank).
        if cleaned.get("image_url") and not cleaned.get("image_alt"):
            self.add_error("image_alt", "A picture needs its alt text: say what it shows, or remove it.")
        return cleaned


class IssueItemInline(admin.StackedInline):
    model = IssueItem
    form = IssueItemForm
    extra = 0
    fields = [("position", "kicker"), "headline", "standfirst", "url", ("image_url", "image_alt")]
    ordering = ["position", "id"]


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    list_display = ["subject", "newsletter", "status", "scheduled_for", "created_at"]
    list_filter = ["status", "newsletter"]
    list_select_related = ["newsletter"]
    fields = ["newsletter", "subject", "intro", "scheduled_for", "status"]
    readonly_fields = ["status"]
    inlines = [IssueItemInline]
    change_form_template = "admin/readers/issue/change_form.html"

    def has_change_permission(self, request, obj=None):
        # What was sent stays as it was sent.
        if obj is not None and obj.status in (Issue.Status.SENDING, Issue.Status.SENT):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status != Issue.Status.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        issue = self.get_object(request, object_id)
        extra = {"progress": sending.progress(issue) if issue else None, "issue": issue}
        if issue is not None:
            extra["too_large"] = issues.too_large(issues.render(issue))
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **extra})

    def get_urls(self):
        wrap = self.admin_site.admin_view
        own = [
            path("<int:pk>/preview/", wrap(self.preview_view), name="readers_issue_preview"),
            path("<int:pk>/send-test/", wrap(self.send_test_view), name="readers_issue_send_test"),
            path("<int:pk>/send/", wrap(self.send_view), name="readers_issue_send"),
        ]
        return own + super().get_urls()

    def _issue(self, request, pk, *, change=True) -> Issue:
        issue = get_object_or_404(Issue.objects.select_related("newsletter"), pk=pk)
        allowed = (
            self.has_change_permission(request, issue) if change else self.has_view_permission(request, issue)
        )
        if not allowed:
            raise PermissionDenied
        return issue

    @method_decorator(xframe_options_sameorigin)
    @method_decorator(csp_override(PREVIEW_CSP))
    def preview_view(self, request, pk):
        rendered = issues.render(self._issue(request, pk, change=False))
        response = HttpResponse(rendered.html)
        response["Cache-Control"] = "private, no-store"
        return response

    @method_decorator(require_POST)
    def send_test_view(self, request, pk):
        issue = self._issue(request, pk, change=False)
        if not request.user.email:
            self.message_user(
                request, "Your account has no email address to send the test to.", messages.ERROR
            )
        else:
            sending.send_test(issue=issue, to=request.user.email)
            self.message_user(request, f"A test was sent to {request.user.email}.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:readers_issue_change", args=[pk]))

    @method_decorator(require_POST)
    def send_view(self, request, pk):
        issue = self._issue(request, pk)
        if request.POST.get("when") == "schedule":
            at = issue.scheduled_for
            if at is None or at <= timezone.now():
                self.message_user(
                    request, "Set a time in the future under “Scheduled for” first.", messages.ERROR
                )
            else:
                sending.schedule(issue=issue, at=at)
                self.message_user(request, f"Scheduled for {timezone.localtime(at):%d %B %Y, %H:%M}.")
        else:
            queued = sending.send_now(issue=issue)
            self.message_user(request, f"Sending to {queued} subscribers.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:readers_issue_change", args=[pk]))


class SubscriptionInline(admin.TabularInline):
    model = Subscription
    extra = 0
    fields = ["newsletter", "status", "consent_at", "consent_source", "confirmed_at", "unsubscribed_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Reader)
class ReaderAdmin(admin.ModelAdmin):
    list_display = ["email", "created_at", "last_sign_in_at"]
    search_fields = ["email"]
    readonly_fields = ["email", "created_at", "last_sign_in_at"]
    inlines = [SubscriptionInline]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin):
    list_display = ["email", "reason", "at", "note"]
    list_filter = ["reason"]
    search_fields = ["email"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["issue", "email", "status", "attempts", "sent_at"]
    list_filter = ["status"]
    list_select_related = ["issue"]
    search_fields = ["email"]
    raw_id_fields = ["issue", "subscription"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
