"""The story list and form: every write goes through the publishing services."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import ActionLocation
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Prefetch
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext

from articles.models import (
    Article,
    ArticleAuthor,
    Correction,
    PendingVersion,
)
from articles.publishing import editing, pending, policy, preview, workflow
from articles.readership import stats as reads

from .comments import CommentViews
from .common import EstimatedCountPaginator, SafeAutocompleteMixin, short_datetime, thumbnail
from .filters import AuthorFilter, PublishedFilter, SectionFilter, StateFilter, TagFilter
from .inlines import ArticleAuthorInline, ArticleSourceInline, CorrectionInline, GalleryItemInline
from .live import LiveViews
from .pending import PendingViews
from .pending_form import PendingForm
from .revisions import RevisionViews


class ArticleChangeList(ChangeList):
    def get_results(self, request):
        # The list shows none of the long text: leave bodies and search documents in the database.
        self.queryset = self.queryset.defer("body", "search_vector", "lead_photo__caption")
        # Live stories whose edits wait for "Publish changes" say so, in the same query.
        waiting = PendingVersion.objects.filter(article=OuterRef("pk"))
        self.queryset = self.queryset.annotate(has_pending=Exists(waiting))
        super().get_results(request)


WORKFLOW_BUTTONS = {
    "_submit_review": "Submit for review",
    "_return_draft": "Send back to draft",
    "_publish": "Publish now",
    "_schedule": "Schedule",
    "_unpublish": "Unpublish",
}


@admin.register(Article)
class ArticleAdmin(
    SafeAutocompleteMixin, CommentViews, RevisionViews, LiveViews, PendingViews, admin.ModelAdmin
):
    form = PendingForm  # ArticleAdminForm, showing a live story's pending changes
    change_form_template = "admin/articles/article/change_form.html"
    list_display = ["headline", "section", "state", "publish_time", "byline", "thumb", "last_modified"]
    list_filter = [
        StateFilter,
        PublishedFilter,
        ("section", SectionFilter),
        AuthorFilter,
        TagFilter,
        "sources",
    ]
    list_select_related = ["section__parent", "lead_photo"]
    search_fields = ["headline", "standfirst", "slug"]
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["section", "lead_photo"]
    inlines = [ArticleAuthorInline, ArticleSourceInline, CorrectionInline, GalleryItemInline]
    # Twenty-five rows (WordPress shows twenty): rendering the rows is still a third of the page's cost.
    list_per_page = 25
    # Counting 100,000 rows on every view of the list costs more than the page itself.
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    # "Show counts" would count every choice of every filter over the archive: seconds per view.
    show_facets = admin.ShowFacets.NEVER
    actions = ["submit_selected", "publish_selected", "unpublish_selected", "trash_selected"]

    class Media:
        # Keeps a copy of unsaved changes on the server, and warns before leaving them (admin/pending.py).
        js = ["admin/js/autosave.js"]

    def get_fieldsets(self, request, obj=None):
        publishing = ["state_display", "published_at", "embargo_until"]
        if obj is not None:
            publishing += ["preview_link", "history"]
        return [
            (None, {"fields": ["headline", "slug", "standfirst", "body", "loaded_version"]}),
            ("Placement", {"fields": ["section", "tags", "lead_photo"]}),
            ("Publishing", {"fields": publishing}),
            ("Search and sharing", {"fields": ["seo_title", "meta_description"], "classes": ["collapse"]}),
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user  # a class made for this request by modelform_factory
        if obj is not None:
            obj.preview_made_by = request.user  # this request's instance: its preview link names them
        return form

    def get_readonly_fields(self, request, obj=None):
        readonly = ["state_display", "preview_link", "history"]
        if not policy.can_publish(request.user):
            readonly += ["published_at", "embargo_until"]
        return readonly

    def get_queryset(self, request):
        # The list, the change form and every object page read this: a story the policy hides is absent.
        stories = policy.viewable(request.user, super().get_queryset(request).live())
        return stories.prefetch_related(
            Prefetch("articleauthor_set", queryset=ArticleAuthor.objects.select_related("author"))
        )

    def get_changelist(self, request, **kwargs):
        return ArticleChangeList

    # --- permissions, enforced on every request whatever the page shows -------------------------

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or policy.can_view(request.user, obj))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or policy.can_edit(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or policy.can_edit(request.user, obj))

    def has_publish_permission(self, request):
        return policy.can_publish(request.user)

    # --- list columns ---------------------------------------------------------------------------

    def action_checkbox(self, obj):
        # The same markup as Django's, without rendering a form widget through templates for every row.
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(gettext("Select this object for an action - {}"), obj),
        )

    @admin.display(description="State", ordering="status")
    def state(self, obj):
        state = "Scheduled" if obj.is_scheduled else obj.get_status_display()
        return f"{state} · changes pending" if getattr(obj, "has_pending", False) else state

    @admin.display(description="State")
    def state_display(self, obj):
        if obj is None or obj.pk is None:
            return "Draft (new)"
        if obj.is_scheduled:
            return f"Scheduled for {timezone.localtime(obj.published_at):%d %b %Y, %H:%M}"
        return obj.get_status_display()

    @admin.display(description="Publish time", ordering="published_at")
    def publish_time(self, obj):
        return short_datetime(obj.published_at)

    @admin.display(description="Last modified", ordering="updated_at")
    def last_modified(self, obj):
        return short_datetime(obj.updated_at)

    @admin.display(description="Byline")
    def byline(self, obj):
        # Each name lists that byline's stories, as the byline filter does for the most prolific.
        names = ((a.author.slug, a.author.name) for a in obj.articleauthor_set.all())
        return format_html_join(", ", '<a href="?author={}">{}</a>', names)

    @admin.display(description="Photo")
    def thumb(self, obj):
        return thumbnail(obj.lead_photo, 64)

    @admin.display(description="Preview link")
    def preview_link(self, obj):
        if obj is None or obj.pk is None or (obj.is_live and pending.pending_for(obj) is None):
            return "—"
        url = reverse(
            "articles:preview",
            kwargs={"token": preview.preview_token(obj, made_by=getattr(obj, "preview_made_by", None))},
        )
        days = preview.PREVIEW_LINK_MAX_AGE.days
        return format_html(
            '<a href="{}">{}</a><br><span class="help">Read-only, works without an account and is never '
            "indexed. It expires in {} days, and stops working once the story is published, unpublished "
            "or trashed, or when its links are revoked.</span>",
            url,
            url,
            days,
        )

    # --- revoking preview links -----------------------------------------------------------------

    def get_urls(self):
        revoke = self.admin_site.admin_view(self.revoke_previews_view)
        return [
            path("<int:pk>/revoke-previews/", revoke, name="articles_article_revoke_previews"),
            *super().get_urls(),
        ]

    def revoke_previews_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        # A story the reporter cannot see is a 404 here as on its change form; the service asks can_edit.
        article = get_object_or_404(self.get_queryset(request), pk=pk)
        preview.revoke_preview_links(article=article, user=request.user)
        self.message_user(request, "Preview links revoked: every link sent so far no longer works.")
        return redirect("admin:articles_article_change", article.pk)

    @admin.display(description="History")
    def history(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        rows = format_html_join(
            "",
            '<li><time datetime="{}">{}</time>: {} → {} by {}{}</li>',
            (
                (
                    f"{timezone.localtime(t.at):%Y-%m-%dT%H:%M:%S%z}",
                    f"{timezone.localtime(t.at):%d %b %H:%M}",
                    t.from_status,
                    t.to_status,
                    t.user or "—",
                    format_html('<q class="workflow-note">{}</q>', t.note) if t.note else "",
                )
                for t in obj.transitions.select_related("user")[:10]
            ),
        )
        url = reverse("admin:articles_article_revisions", args=[obj.pk])
        return format_html('<ul class="workflow-history">{}</ul><a href="{}">All revisions</a>', rows, url)

    # --- saving ---------------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        """Nothing here: the story is saved with its inlines by save_related, in one service call."""

    def save_related(self, request, form, formsets, change):
        def write_parts(article):
            super(ArticleAdmin, self).save_related(request, form, formsets, change)

        # A live story's edit waits as its pending version, unless an editor chose "Save and publish".
        if not self.save_pending_from_form(request, form, formsets):
            editing.save_edit(
                article=form.instance,
                user=request.user,
                loaded_version=form.cleaned_data.get("loaded_version"),
                write_parts=write_parts,
            )
        self.forget_saved_form(request, form, change)
        self._run_workflow_button(request, form.instance, form)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Correction:
            return super().save_formset(request, form, formset, change)
        for note in formset.save(commit=False):
            if note.pk is None:
                editing.add_note(article=formset.instance, user=request.user, text=note.text, kind=note.kind)
            else:
                editing.edit_note(note=note, user=request.user, text=note.text, kind=note.kind)

    def _run_workflow_button(self, request, article, form):
        pressed = next((name for name in WORKFLOW_BUTTONS if name in request.POST), None)
        if pressed is None:
            return
        note = request.POST.get("workflow_note", "")
        try:
            match pressed:
                case "_submit_review":
                    workflow.submit_for_review(article=article, user=request.user, note=note)
                case "_return_draft":
                    workflow.return_to_draft(article=article, user=request.user, note=note)
                case "_publish":
                    workflow.publish(article=article, user=request.user)
                case "_schedule":
                    workflow.schedule(
                        article=article, user=request.user, at=form.cleaned_data.get("published_at")
                    )
                case "_unpublish":
                    workflow.unpublish(article=article, user=request.user)
        except ValidationError as exc:
            # The edit is kept; only the state change is refused, and the editor is told why.
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            request._workflow_failed = True
        else:
            self.message_user(request, f"{WORKFLOW_BUTTONS[pressed]}: done.", messages.SUCCESS)

    def response_change(self, request, obj):
        if getattr(request, "_workflow_failed", False):
            return redirect(request.path)
        return super().response_change(request, obj)

    def response_add(self, request, obj, post_url_continue=None):
        if getattr(request, "_workflow_failed", False):
            return redirect(reverse("admin:articles_article_change", args=[obj.pk]))
        return super().response_add(request, obj, post_url_continue)

    def delete_model(self, request, obj):
        workflow.trash(article=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for article in queryset:
            workflow.trash(article=article, user=request.user)

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        actions.pop("delete_selected", None)
        return actions

    # --- the change form ------------------------------------------------------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = extra_context or {}
        if object_id and request.method == "GET":
            article = self.get_object(request, object_id)
            if article is not None and self.has_change_permission(request, article):
                extra_context["others_editing"] = editing.open_for_editing(article=article, user=request.user)
        if object_id:
            article = self.get_object(request, object_id)
            if article is not None:
                extra_context["workflow_buttons"] = self._buttons_for(request, article)
                extra_context.update(self.comments_context(request, article))
                if article.published_at is not None:  # two queries (articles/readership/stats.py)
                    extra_context["story_reads"] = reads.story_reads(article.pk)
        else:
            extra_context["workflow_buttons"] = self._buttons_for(request, None)
        offered = {name for name, _ in extra_context.get("workflow_buttons", [])}
        extra_context["workflow_note"] = bool(offered & {"_submit_review", "_return_draft"})
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _buttons_for(self, request, article):
        user = request.user
        status = article.status if article else Article.Status.DRAFT
        if article is not None and not policy.can_edit(user, article):
            return []
        buttons = []
        if status in (Article.Status.DRAFT, Article.Status.UNPUBLISHED):
            buttons.append("_submit_review")
        if policy.can_publish(user):
            if status == Article.Status.REVIEW:
                buttons.append("_return_draft")
            if status != Article.Status.PUBLISHED or (article and article.is_scheduled):
                buttons += ["_publish", "_schedule"]
            if status == Article.Status.PUBLISHED:
                buttons.append("_unpublish")
        return [(name, WORKFLOW_BUTTONS[name]) for name in buttons]

    # --- bulk actions ---------------------------------------------------------------------------

    def _bulk(self, request, queryset, func, done):
        ok, failed = 0, []
        for article in queryset:
            try:
                func(article=article, user=request.user)
                ok += 1
            except (ValidationError, PermissionDenied) as exc:
                reasons = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                failed.append(f"“{article.headline}”: {' '.join(reasons)}")
        if ok:
            self.message_user(request, f"{ok} stor{'y' if ok == 1 else 'ies'} {done}.", messages.SUCCESS)
        for line in failed:
            self.message_user(request, line, messages.ERROR)

    @admin.action(description="Submit selected stories for review", permissions=["change"])
    def submit_selected(self, request, queryset):
        self._bulk(request, queryset, workflow.submit_for_review, "submitted for review")

    @admin.action(description="Publish selected stories now", permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._bulk(request, queryset, workflow.publish, "published")

    @admin.action(description="Unpublish selected stories", permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        self._bulk(request, queryset, workflow.unpublish, "unpublished")

    @admin.action(description="Move selected stories to the trash", permissions=["delete"])
    def trash_selected(self, request, queryset):
        self._bulk(request, queryset, workflow.trash, "moved to the trash")
