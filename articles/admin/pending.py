"""The story admin's part in pending changes and autosaves: showing a live story's pending version,
saving an edit as pending, and the pages and endpoints for previewing, publishing and discarding it, and
for keeping, restoring and discarding autosaves. The form and inlines are in pending_form.py; the rules in
publishing/pending.py and publishing/autosave.py."""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseNotAllowed, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone

from articles.models import Article, Correction
from articles.public.views import render_pending
from articles.publishing import autosave, pending, policy
from articles.publishing.diffs import LABELS

from .pending_form import PENDING_ROWS, pending_rows, pending_rows_formset, quiet_formset

SAVE_AND_PUBLISH = "_save_publish"


class PendingViews:
    """Mixed into the story admin: pending versions and autosaves."""

    # --- the form ---------------------------------------------------------------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "GET" and request.GET.get("restore") == "autosave":
            # The restored form is checked as a submitted one is, and its conflict check locks the row.
            with transaction.atomic():
                return super().changeform_view(request, object_id, form_url, extra_context)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.restore = self._restored(request, obj)[1]
        return form

    def _restored(self, request, obj):
        """(the autosave, its fields) the form is reopened with (?restore=autosave), else (None, None)."""
        if not hasattr(request, "_restored_autosave"):
            kept = None
            if request.method == "GET" and request.GET.get("restore") == "autosave":
                kept = autosave.autosave_to_offer(user=request.user, article=obj)
            fields = None
            if kept is not None:
                fields = QueryDict(mutable=True)
                for name, value in kept.data.items():
                    fields.setlist(name, value if isinstance(value, list) else [value])
            request._restored_autosave = (kept, fields)
        return request._restored_autosave

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        restored = self._restored(request, obj)[1]
        if restored is not None and f"{prefix}-TOTAL_FORMS" in restored:
            kwargs |= {"data": restored.copy(), "files": {}}
        return kwargs

    def get_formsets_with_inlines(self, request, obj=None):
        restoring = self._restored(request, obj)[1] is not None
        shown = pending.pending_for(obj) if request.method == "GET" and not restoring else None
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            if restoring:
                formset = quiet_formset(formset)
            elif shown is not None and formset.model in PENDING_ROWS:
                formset = pending_rows_formset(formset, pending.rebased(shown, obj)[0])
            yield formset, inline

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context.update(self._pending_context(request, obj, context["adminform"].form))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _pending_context(self, request, obj, form) -> dict:
        user, story = request.user, obj if obj is not None and obj.pk else None
        may_edit = self.has_change_permission(request, story) if story else self.has_add_permission(request)
        shown = pending.pending_for(story)
        kept, restored = self._restored(request, story)
        context = {
            "pending": shown,
            "pending_outdated": bool(shown and story and shown.based_on_version != story.version),
            "pending_both_changed": [
                LABELS.get(key, key) for key in (pending.rebased(shown, story)[1] if shown else [])
            ],
            "can_publish_pending": bool(shown and story.is_live and policy.can_publish(user)),
            "can_discard_pending": bool(shown and may_edit),
            "save_and_publish": bool(
                may_edit
                and story
                and story.is_live
                and not pending.goes_pending(stored=story, user=user, publish_now=True)
            ),
            "autosave_restored": kept,
            "form_dirty": form.is_bound,
        }
        if may_edit:
            args = [story.pk] if story else []
            prefix = "admin:articles_article_" if story else "admin:articles_article_add_"
            context["autosave_url"] = reverse(f"{prefix}autosave", args=args)
            context["autosave_discard_url"] = reverse(f"{prefix}autosave_discard", args=args)
            if not form.is_bound:
                saved_at = max([story.updated_at, *([shown.updated_at] if shown else [])]) if story else None
                context["autosave_offer"] = autosave.autosave_to_offer(
                    user=user, article=story, saved_at=saved_at
                )
        return context

    # --- saving -----------------------------------------------------------------------------------

    def save_pending_from_form(self, request, form, formsets) -> bool:
        """Keep a live story's edit as its pending version (corrections stay immediate); False when the
        edit is not one that waits, so the caller saves it to the story."""
        stored = getattr(form, "stored", None)
        if not pending.goes_pending(
            stored=stored, user=request.user, publish_now=SAVE_AND_PUBLISH in request.POST
        ):
            return False
        request._saved_pending = True
        cleaned, by_model = form.cleaned_data, {formset.model: formset for formset in formsets}
        rows = {
            data_key: pending_rows(by_model[model], key, extra_fields)
            for model, (key, data_key, extra_fields) in PENDING_ROWS.items()
            if model in by_model
        }
        # A free-tags field gives names, a choice of tags Tag rows.
        tags = [getattr(tag, "name", tag) for tag in cleaned.get("tags") or []]
        data = pending.content_of(
            form.instance,
            tags=tags,
            authors=rows.get("authors", []),
            sources=rows.get("sources", []),
            gallery=rows.get("gallery", []),
        )
        # What the form does not carry keeps its live value.
        for missing in {"authors", "sources", "gallery"} - set(rows) | ({"tags"} - set(form.fields)):
            del data[missing]
        try:
            kept = pending.save_pending(
                article=form.instance,
                user=request.user,
                data=data,
                loaded_version=cleaned.get("loaded_version"),
                loaded_pending=cleaned.get("loaded_pending") or "",
            )
        except ValidationError as exc:
            # Only a save that raced another since the form was checked: the autosave keeps the text.
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            request._workflow_failed = request._save_failed = True
            return True
        if Correction in by_model:
            self.save_formset(request, form, by_model[Correction], True)
        if kept is None:
            self.message_user(request, "The story is as it is live: no changes are pending.", messages.INFO)
        else:
            self.message_user(
                request,
                "Your changes are pending: readers see the live story until an editor presses “Publish "
                "changes”.",
                messages.WARNING,
            )
        return True

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        # After a pending save Django would still say the story "was changed successfully" (under its new
        # headline): readers see no change yet, so only the pending notice is said.
        if getattr(request, "_saved_pending", False) and "was changed successfully" in str(message):
            return
        super().message_user(request, message, level, *args, **kwargs)

    def construct_change_message(self, request, form, formsets, add=False):
        # A pending save writes only the notes' inline: the others have no saved rows to name.
        saved = [formset for formset in formsets if hasattr(formset, "new_objects")]
        return super().construct_change_message(request, form, saved, add)

    def forget_saved_form(self, request, form, change) -> None:
        """After a save, what the form kept is superseded: its autosave, and a pending version it showed
        when it was saved straight to the story."""
        if getattr(request, "_save_failed", False):
            return
        autosave.forget_autosave(user=request.user, article=form.instance)
        if not change:
            autosave.forget_autosave(user=request.user, article=None)
        if not getattr(request, "_saved_pending", False) and form.cleaned_data.get("loaded_pending"):
            pending.discard_pending(article=form.instance, user=request.user)

    # --- pages and endpoints ----------------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        name = "articles_article_"
        return [
            path("<int:pk>/pending/preview/", wrap(self.pending_preview_view), name=f"{name}pending_preview"),
            path("<int:pk>/pending/publish/", wrap(self.pending_publish_view), name=f"{name}pending_publish"),
            path("<int:pk>/pending/discard/", wrap(self.pending_discard_view), name=f"{name}pending_discard"),
            path("<int:pk>/autosave/", wrap(self.autosave_view), name=f"{name}autosave"),
            path("add/autosave/", wrap(self.autosave_view), name=f"{name}add_autosave"),
            path(
                "<int:pk>/autosave/discard/", wrap(self.autosave_discard_view), name=f"{name}autosave_discard"
            ),
            path(
                "add/autosave/discard/", wrap(self.autosave_discard_view), name=f"{name}add_autosave_discard"
            ),
            *super().get_urls(),
        ]

    def _story(self, request, pk, *, edit=False) -> Article:
        # A story the policy hides is a 404, as on its change form: its existence is not confirmed.
        article = get_object_or_404(policy.viewable(request.user, Article.objects.live()), pk=pk)
        allowed = self.has_change_permission if edit else self.has_view_permission
        if not allowed(request, article):
            raise PermissionDenied
        return article

    def _back_to_form(self, article):
        if article is None:
            return redirect("admin:articles_article_add")
        return redirect("admin:articles_article_change", article.pk)

    def pending_preview_view(self, request, pk):
        article = self._story(request, pk)
        shown = pending.pending_for(article)
        if shown is None:
            self.message_user(request, "This story has no pending changes.", messages.INFO)
            return self._back_to_form(article)
        return render_pending(request, article, shown)

    def pending_publish_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._story(request, pk)
        try:
            pending.publish_pending(article=article, user=request.user)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        else:
            self.message_user(
                request, "The pending changes are published: readers see them now.", messages.SUCCESS
            )
        return self._back_to_form(article)

    def pending_discard_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._story(request, pk, edit=True)
        pending.discard_pending(article=article, user=request.user)
        self.message_user(
            request, "Pending changes discarded: the form shows the live story.", messages.SUCCESS
        )
        return self._back_to_form(article)

    def autosave_view(self, request, pk=None):
        """Keep the form's unsaved fields (a JSON object posted by static/admin/js/autosave.js)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if pk is not None:
            article = self._story(request, pk, edit=True)
        elif self.has_add_permission(request):
            article = None
        else:
            raise PermissionDenied
        if int(request.META.get("CONTENT_LENGTH") or 0) > autosave.MAX_BYTES:
            return JsonResponse({"error": "This form is too large to autosave (over 1 MB)."}, status=400)
        try:
            data = json.loads(request.body)
        except (ValueError, UnicodeDecodeError):
            return JsonResponse({"error": "An autosave is a JSON object of the form's fields."}, status=400)
        try:
            kept = autosave.keep_autosave(user=request.user, article=article, data=data)
        except ValidationError as exc:
            return JsonResponse({"error": " ".join(exc.messages)}, status=400)
        return JsonResponse({"saved_at": f"{timezone.localtime(kept.updated_at):%H:%M:%S}"})

    def autosave_discard_view(self, request, pk=None):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._story(request, pk) if pk is not None else None
        autosave.forget_autosave(user=request.user, article=article)
        self.message_user(request, "The unsaved changes kept for you were discarded.", messages.SUCCESS)
        return self._back_to_form(article)
