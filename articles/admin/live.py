"""Live coverage on the story's change form: start and end it, post entries with a short form, and pin,
mark, correct, withdraw or approve them. Every write is one call to articles/live/services.py."""

from django import forms
from django.contrib import messages
from django.contrib.admin import site as admin_site
from django.contrib.admin.widgets import AdminTextareaWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django_prose_editor.fields import ProseEditorFormField

from articles.live import services
from articles.models import BODY_EDITOR_EXTENSIONS, LiveCoverage, LiveEntry, Photo
from articles.publishing import policy

from .common import AutocompleteSelect

RECENT = 30
DRAFT_KEY = "live-entry-draft"


class LiveEntryForm(forms.Form):
    title = forms.CharField(required=False, max_length=services.TITLE_MAX, strip=False,
                            widget=forms.TextInput(attrs={"size": 60}))  # fmt: skip
    # The story body's editor, with its formatting, links, lists and quotes; a photo and an embed have
    # fields of their own below. Ctrl+Enter (⌘+Enter) posts the entry (admin/js/live_entry.js).
    body = ProseEditorFormField(
        required=False,
        config={"extensions": BODY_EDITOR_EXTENSIONS},
        preset="configurable",
        widget=AdminTextareaWidget,
        help_text="Bold, links, lists and quotes from the toolbar; a photo or an embed in the fields below. "
        "Ctrl+Enter (⌘+Enter) posts the entry.",
    )
    photo = forms.ModelChoiceField(
        queryset=Photo.objects.all(),
        required=False,
        widget=AutocompleteSelect(LiveEntry._meta.get_field("photo"), admin_site),
        help_text="Optional: a photo from the library.",
    )
    embed_url = forms.URLField(label="Embed URL", required=False, max_length=500, assume_scheme="https",
                               help_text="Optional: a post or video (YouTube, X, Bluesky...).")  # fmt: skip
    key_event = forms.BooleanField(required=False, help_text="List it under Key events.")
    pinned = forms.BooleanField(required=False, label="Pin", help_text="Show it above the others.")

    class Media:
        js = ["admin/js/live_entry.js"]

    def __init__(self, *args, may_pin=True, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("id", f"id_live_{name}")
        if not may_pin:
            del self.fields["pinned"]


class LiveViews:
    """Mixed into the story admin."""

    def get_urls(self):
        view = self.admin_site.admin_view
        name = "articles_article_live_"
        return [
            path("<int:pk>/live/start/", view(self.live_start_view), name=f"{name}start"),
            path("<int:pk>/live/end/", view(self.live_end_view), name=f"{name}end"),
            path("<int:pk>/live/entries/", view(self.live_post_view), name=f"{name}post"),
            path(
                "<int:pk>/live/entries/<int:entry_id>/<slug:action>/",
                view(self.live_entry_view),
                name=f"{name}entry",
            ),  # fmt: skip
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            live = self.live_context(request, obj)
            context.update(live)
            if "live_form" in live:
                context["media"] = context["media"] + live["live_form"].media
        return super().render_change_form(request, context, add, change, form_url, obj)

    def live_context(self, request, article) -> dict:
        user = request.user
        coverage = LiveCoverage.objects.filter(article=article).first()
        runs = policy.can_run_live(user, article)
        context = {"live_coverage": coverage, "can_run_live": runs}
        if coverage is None:
            context["live_choices"] = LiveCoverage.ReporterEntries.choices
            return context
        if coverage.is_open and policy.can_post_live(user, article, coverage):
            draft = request.session.pop(DRAFT_KEY, None)
            data = draft["data"] if draft and draft.get("article") == article.pk else None
            form = LiveEntryForm(data, may_pin=runs)
            if data is not None:
                form.is_valid()
                for field, errors in draft.get("errors", {}).items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            context["live_form"] = form
            context["live_waits"] = policy.live_entry_waits(user, article, coverage)
        entries = LiveEntry.objects.filter(article=article).select_related("author", "photo")
        context["live_pending"] = list(entries.filter(status=LiveEntry.Status.PENDING).order_by("created_at"))
        context["live_entries"] = list(
            entries.exclude(status=LiveEntry.Status.PENDING).order_by("-published_at", "-id")[:RECENT]
        )
        return context

    # --- the writes ---------------------------------------------------------------------------------

    def _live_story(self, request, pk):
        # A story the user cannot see is a 404, as on its change form; the services ask the policy.
        return get_object_or_404(self.get_queryset(request), pk=pk)

    def _live_done(self, request, article, call, success: str, anchor="live"):
        try:
            call()
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        except PermissionDenied as exc:
            self.message_user(request, str(exc) or "You may not do that.", messages.ERROR)
        else:
            self.message_user(request, success, messages.SUCCESS)
        return redirect(reverse("admin:articles_article_change", args=[article.pk]) + f"#{anchor}")

    def live_start_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._live_story(request, pk)
        choice = request.POST.get("reporter_entries", "")
        call = lambda: services.start_coverage(article=article, user=request.user, reporter_entries=choice)  # noqa: E731
        return self._live_done(request, article, call, "Live coverage started: post the first entry.")

    def live_end_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._live_story(request, pk)
        call = lambda: services.end_coverage(article=article, user=request.user)  # noqa: E731
        return self._live_done(request, article, call, "Live coverage ended: readers see that it has.")

    def live_post_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._live_story(request, pk)
        form = LiveEntryForm(request.POST, may_pin=True)
        errors = {}
        if form.is_valid():
            data = form.cleaned_data
            try:
                entry = services.post_entry(
                    article=article, user=request.user, title=data["title"], body=data["body"],
                    photo=data["photo"], embed_url=data["embed_url"], key_event=data["key_event"],
                    pinned=data.get("pinned", False),
                )  # fmt: skip
            except ValidationError as exc:
                if not hasattr(exc, "error_dict"):  # about the story (not live, ended): said at the top
                    self.message_user(request, " ".join(exc.messages), messages.ERROR)
                errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            except PermissionDenied as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return redirect(reverse("admin:articles_article_change", args=[article.pk]))
            else:
                waits = entry.status == LiveEntry.Status.PENDING
                self.message_user(
                    request,
                    "Entry saved: it waits for an editor's approval."
                    if waits
                    else "Entry posted: readers see it now.",
                    messages.SUCCESS,
                )
                return redirect(reverse("admin:articles_article_change", args=[article.pk]) + "#live")
        else:
            errors = {field: list(messages_) for field, messages_ in form.errors.items()}
        # Back to the form with what was typed and why it was not posted.
        posted = {key: request.POST.get(key, "") for key in LiveEntryForm.base_fields}
        request.session[DRAFT_KEY] = {"article": article.pk, "data": posted, "errors": errors}
        self.message_user(request, "The entry was NOT posted: see the errors below.", messages.ERROR)
        return redirect(reverse("admin:articles_article_change", args=[article.pk]) + "#live")

    def live_entry_view(self, request, pk, entry_id, action):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._live_story(request, pk)
        entry = get_object_or_404(LiveEntry.objects.select_related("article"), pk=entry_id, article=article)
        user, post = request.user, request.POST
        flags = services.set_flags
        calls = {
            "pin": (lambda: flags(entry=entry, user=user, pinned=True), "Entry pinned."),
            "unpin": (lambda: flags(entry=entry, user=user, pinned=False), "Entry unpinned."),
            "key": (lambda: flags(entry=entry, user=user, key_event=True), "Marked as a key event."),
            "unkey": (lambda: flags(entry=entry, user=user, key_event=False), "No longer a key event."),
            "approve": (
                lambda: services.approve_entry(entry=entry, user=user),
                "Entry approved: readers see it now.",
            ),
            "withdraw": (
                lambda: services.withdraw_entry(entry=entry, user=user, note=post.get("note", "")),
                "Entry withdrawn: readers no longer see it.",
            ),
            "correct": (
                lambda: services.correct_entry(
                    entry=entry,
                    user=user,
                    title=post.get("title", ""),
                    body=post.get("body", ""),
                    note=post.get("note", ""),
                ),
                "Entry corrected: readers see the note on it.",
            ),
        }
        if action not in calls:
            return redirect(reverse("admin:articles_article_change", args=[article.pk]))
        call, success = calls[action]
        return self._live_done(request, article, call, success, anchor=f"live-entry-{entry.pk}")
