import json
from datetime import date, datetime, time, timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import ActionLocation, IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection, models
from django.db.models import Count, Max, Min, Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from taggit.models import Tag

from . import images, services, workflow
from .diffs import field_diffs
from .forms import ArticleAdminForm, PhotoForm
from .models import (
    Article,
    ArticleAuthor,
    ArticleSource,
    Author,
    Correction,
    GalleryItem,
    Photo,
    Revision,
    Section,
    SiteSettings,
    SocialLink,
    Source,
    TrashedArticle,
)


def thumbnail(photo, width=96):
    small = images.rendition_for_width(photo, width) if photo else None
    if small is None:
        return "—"
    return format_html(
        '<img src="{}" width="{}" height="{}" alt="" style="height:auto;max-width:{}px">',
        small.url,
        small.width,
        small.height,
        width,
    )


def short_datetime(value):
    """Day and time, which a narrow column may put on two lines; "—" for none.

    A fixed format: Django's localized one costs several times more, and a list shows two dates a row.
    """
    if value is None:
        return "—"
    local = timezone.localtime(value)
    day, hour = f"{local:%d %b %Y},", f"{local:%H:%M}"
    return format_html('<span class="nowrap">{}</span> <span class="nowrap">{}</span>', day, hour)


class SocialLinkInline(admin.TabularInline):
    model = SocialLink
    extra = 1


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    inlines = [SocialLinkInline]

    def has_add_permission(self, request):
        return not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "parent", "order", "show_in_nav"]
    list_editable = ["order", "show_in_nav"]
    list_select_related = ["parent"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "url"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "is_agency", "user"]
    list_filter = ["is_agency"]
    list_select_related = ["user"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    form = PhotoForm
    list_display = [
        "thumb",
        "caption_short",
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
    readonly_fields = ["preview", "width", "height", "uploaded_by", "uploaded_at"]
    fieldsets = [
        (None, {"fields": ["image", "preview", "alt_text", "caption"]}),
        ("Credit and rights", {"fields": ["credit_source", "credit_text", "copyright", "rights",
                                          "may_redistribute"]}),
        ("Crops", {"fields": ["focal_x", "focal_y"],
                   "description": "Set the point that every crop keeps in frame."}),
        ("File", {"fields": ["width", "height", "uploaded_by", "uploaded_at"]}),
    ]  # fmt: skip

    @admin.display(description="Photo")
    def thumb(self, obj):
        return thumbnail(obj)

    class Media:
        # Click-to-set focal point on the preview; a static file because the CSP allows no inline script.
        js = ["admin/js/focal_point.js"]

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

    def save_model(self, request, obj, form, change):
        replaced = form.initial.get("image") if change and "image" in form.changed_data else None
        services.save_photo(photo=obj, user=request.user, replaced_name=getattr(replaced, "name", None))

    def get_deleted_objects(self, objs, request):
        # Used by the delete page and the "delete selected" action alike: a photo in use is refused
        # there, and the list says which articles use it and how, not which rows lie in between.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if protected:
            protected = [self._use(*use) for use in images.photo_uses(objs)] or protected
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


class GalleryItemInline(admin.TabularInline):
    model = GalleryItem
    autocomplete_fields = ["photo"]
    fields = ["photo", "thumb", "caption", "order"]
    readonly_fields = ["thumb"]
    extra = 0
    verbose_name = "gallery photo"
    verbose_name_plural = "gallery (shown below the story, in order)"
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})}}

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("photo")

    @admin.display(description="Preview")
    def thumb(self, obj):
        return thumbnail(obj.photo, 64) if obj and obj.photo_id else "—"


class ArticleAuthorInline(admin.TabularInline):
    model = ArticleAuthor
    autocomplete_fields = ["author"]
    extra = 1
    verbose_name = "byline"
    verbose_name_plural = "byline (in order)"


class ArticleSourceInline(admin.TabularInline):
    model = ArticleSource
    autocomplete_fields = ["source"]
    extra = 1
    verbose_name = "attributed source"
    verbose_name_plural = "attributed sources (“…, Al Jazeera reported”)"


class CorrectionInline(admin.StackedInline):
    model = Correction
    extra = 0
    fields = ["kind", "text", "created_at"]
    readonly_fields = ["created_at"]
    # Notes are never deleted; an edited note keeps its first wording (original_text and revisions).
    can_delete = False
    verbose_name = "correction or update note"
    verbose_name_plural = "corrections and updates (shown to readers at the foot of the story)"


class EstimatedCountPaginator(Paginator):
    """Exact counts for small lists; the planner's estimate past ESTIMATE_ABOVE rows.

    Counting 100,000 stories on every view of the admin list costs more than the rest of the page, and
    "about 100,000" serves an editor as well as the exact figure.
    """

    ESTIMATE_ABOVE = 10_000

    @cached_property
    def count(self):
        try:
            sql, params = self.object_list.query.sql_with_params()
        except EmptyResultSet:
            # A filter that can match nothing (an unknown tag): no query to estimate.
            return 0
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        estimate = int(plan[0]["Plan"]["Plan Rows"])
        return estimate if estimate > self.ESTIMATE_ABOVE else super().count


class StateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [*Article.Status.choices[:2], ("scheduled", "Scheduled"), *Article.Status.choices[2:]]

    def queryset(self, request, queryset):
        now = timezone.now()
        match self.value():
            case None:
                return queryset
            case "scheduled":
                return queryset.filter(status=Article.Status.PUBLISHED, published_at__gt=now)
            case Article.Status.PUBLISHED:
                return queryset.filter(status=Article.Status.PUBLISHED, published_at__lte=now)
            case value:
                return queryset.filter(status=value)


class TopChoicesFilter(admin.SimpleListFilter):
    """The most used tags or bylines (listing thousands would bury the filter); any other one by its slug.

    Counting uses over the archive takes up to 150 ms, so the top list is kept in the cache for a few
    minutes: a tag that becomes common shows up a little late, and any tag works in the URL at once.
    """

    model = None
    counted = ""  # the relation counted to rank them
    relation = ""  # the Article field filtered on
    top_size = 25
    cache_seconds = 600

    def _top(self):
        """[(pk, slug, name)], most used first."""
        key = f"admin:top:{self.parameter_name}"
        top = cache.get(key)
        if top is None:
            top = list(
                self.model.objects.annotate(uses=Count(self.counted))
                .order_by("-uses", "name")
                .values_list("pk", "slug", "name")[: self.top_size]
            )
            cache.set(key, top, self.cache_seconds)
        return top

    @cached_property
    def chosen(self):
        """(pk, slug, name) of the value in the URL, or None for one that does not exist."""
        rows = [row for row in self._top() if row[1] == self.value()]
        if not rows:
            rows = self.model.objects.filter(slug=self.value()).values_list("pk", "slug", "name")
        return next(iter(rows), None)

    def lookups(self, request, model_admin):
        choices = [(slug, name) for _, slug, name in self._top()]
        if self.value() and self.chosen and self.value() not in dict(choices):
            choices.append(self.chosen[1:])
        return choices

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        # By id, not by a join on the slug: the planner then knows how many stories carry it and walks
        # the newest first instead of sorting all 36,000 stories of a common tag.
        return queryset.filter(**{self.relation: self.chosen[0]}) if self.chosen else queryset.none()


class TagFilter(TopChoicesFilter):
    title = "tag"
    parameter_name = "tag"
    model = Tag
    counted = "taggit_taggeditem_items"
    relation = "tags"


class AuthorFilter(TopChoicesFilter):
    title = "byline"
    parameter_name = "author"
    model = Author
    counted = "articles"
    relation = "authors"
    top_size = 15


class SectionFilter(admin.RelatedFieldListFilter):
    """The sections with their parents' names in one query (the default reads each parent on its own)."""

    def field_choices(self, field, request, model_admin):
        return [(section.pk, str(section)) for section in Section.objects.select_related("parent")]


class PublishedFilter(admin.SimpleListFilter):
    """Year, then month, of the publish time: the date drill-down without reading the whole archive.

    The years run from the oldest publish time to the newest, two reads of the publish-time index per
    request (the date hierarchy's DISTINCT over every story cost more than the rest of the page), so a
    story published or scheduled in a new year brings that year with it at once.
    """

    title = "publish time"
    parameter_name = "published"

    def lookups(self, request, model_admin):
        span = Article.objects.live().aggregate(first=Min("published_at"), last=Max("published_at"))
        if span["first"] is None:
            return []
        first, last = (timezone.localtime(span[end]) for end in ("first", "last"))
        chosen_year = period[0].year if (period := self._period()) else None
        choices = []
        for year in range(last.year, first.year - 1, -1):
            choices.append((str(year), str(year)))
            if year == chosen_year:
                newest = last.month if year == last.year else 12
                oldest = first.month if year == first.year else 1
                choices += [
                    (f"{year}-{m:02d}", f"{date(year, m, 1):%B} {year}")
                    for m in range(newest, oldest - 1, -1)
                ]
        return choices

    def _period(self):
        """(first day, day after) of the year or month chosen, or None."""
        if not self.value():
            return None
        try:
            parts = [int(part) for part in self.value().split("-")]
            if len(parts) == 1:
                return date(parts[0], 1, 1), date(parts[0] + 1, 1, 1)
            if len(parts) == 2:
                start = date(parts[0], parts[1], 1)
                return start, (start + timedelta(days=31)).replace(day=1)
        except (ValueError, OverflowError) as exc:
            raise IncorrectLookupParameters(exc) from exc
        raise IncorrectLookupParameters(f"Not a year or a month: {self.value()}")

    def queryset(self, request, queryset):
        if (period := self._period()) is None:
            return queryset
        start, end = (timezone.make_aware(datetime.combine(day, time.min)) for day in period)
        # A range on the indexed column rather than __year/__month, which PostgreSQL cannot read an index for.
        return queryset.filter(published_at__gte=start, published_at__lt=end)


class ArticleChangeList(ChangeList):
    def get_results(self, request):
        # The list shows none of the long text: leave bodies and search documents in the database.
        self.queryset = self.queryset.defer("body", "search_vector", "lead_photo__caption")
        super().get_results(request)


WORKFLOW_BUTTONS = {
    "_submit_review": "Submit for review",
    "_return_draft": "Send back to draft",
    "_publish": "Publish now",
    "_schedule": "Schedule",
    "_unpublish": "Unpublish",
}


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
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

    def get_readonly_fields(self, request, obj=None):
        readonly = ["state_display", "preview_link", "history"]
        if not workflow.can_publish(request.user):
            readonly += ["published_at", "embargo_until"]
        return readonly

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .live()
            .prefetch_related(
                Prefetch("articleauthor_set", queryset=ArticleAuthor.objects.select_related("author"))
            )
        )

    def get_changelist(self, request, **kwargs):
        return ArticleChangeList

    # --- permissions, enforced on every request whatever the page shows -------------------------

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or workflow.can_edit(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or workflow.can_edit(request.user, obj))

    def has_publish_permission(self, request):
        return workflow.can_publish(request.user)

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
        return "Scheduled" if obj.is_scheduled else obj.get_status_display()

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
        if obj is None or obj.pk is None or obj.is_live:
            return "—"
        url = reverse("articles:preview", kwargs={"token": workflow.preview_token(obj)})
        days = workflow.PREVIEW_LINK_MAX_AGE.days
        return format_html(
            '<a href="{}">{}</a><br><span class="help">Read-only, works without an account, expires in '
            "{} days and is never indexed.</span>",
            url,
            url,
            days,
        )

    @admin.display(description="History")
    def history(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        rows = format_html_join(
            "",
            "<li>{}: {} → {} by {}</li>",
            (
                (f"{timezone.localtime(t.at):%d %b %H:%M}", t.from_status, t.to_status, t.user or "—")
                for t in obj.transitions.select_related("user")[:10]
            ),
        )
        url = reverse("admin:articles_article_revisions", args=[obj.pk])
        return format_html('<ul class="workflow-history">{}</ul><a href="{}">All revisions</a>', rows, url)

    # --- saving ---------------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        else:
            obj.version += 1
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is Correction:
            self._save_corrections(request, formset)
        else:
            super().save_formset(request, form, formset, change)

    def _save_corrections(self, request, formset):
        notes = formset.save(commit=False)
        originals = dict(
            Correction.objects.filter(pk__in=[n.pk for n in notes if n.pk]).values_list("pk", "text")
        )
        for note in notes:
            if note.pk is None:
                note.created_by = request.user
                note.created_at = timezone.now()
                formset.instance.revised_at = note.created_at
            elif not note.original_text and originals.get(note.pk) != note.text:
                note.original_text = originals.get(note.pk, "")
            note.save()
        if formset.instance.revised_at and any(n for n in notes):
            Article.objects.filter(pk=formset.instance.pk).update(revised_at=formset.instance.revised_at)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        workflow.record_revision(article=article, user=request.user, note="Edited" if change else "Created")
        workflow.close_for_editing(article=article, user=request.user)
        self._run_workflow_button(request, article, form)

    def _run_workflow_button(self, request, article, form):
        pressed = next((name for name in WORKFLOW_BUTTONS if name in request.POST), None)
        if pressed is None:
            return
        try:
            match pressed:
                case "_submit_review":
                    workflow.submit_for_review(article=article, user=request.user)
                case "_return_draft":
                    workflow.return_to_draft(article=article, user=request.user)
                case "_publish":
                    workflow.publish(article=article, user=request.user)
                case "_schedule":
                    at = form.cleaned_data.get("published_at")
                    if not at or at <= timezone.now():
                        raise ValidationError("Set a publish time in the future to schedule the story.")
                    workflow.publish(article=article, user=request.user, at=at)
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
                extra_context["others_editing"] = workflow.open_for_editing(
                    article=article, user=request.user
                )
        if object_id:
            article = self.get_object(request, object_id)
            if article is not None:
                extra_context["workflow_buttons"] = self._buttons_for(request, article)
        else:
            extra_context["workflow_buttons"] = self._buttons_for(request, None)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _buttons_for(self, request, article):
        user = request.user
        status = article.status if article else Article.Status.DRAFT
        if article is not None and not workflow.can_edit(user, article):
            return []
        buttons = []
        if status in (Article.Status.DRAFT, Article.Status.UNPUBLISHED):
            buttons.append("_submit_review")
        if workflow.can_publish(user):
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

    # --- revisions ------------------------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/revisions/", wrap(self.revisions_view), name="articles_article_revisions"),
            path(
                "<int:pk>/revisions/<int:old>/<int:new>/",
                wrap(self.revision_diff_view),
                name="articles_article_revision_diff",
            ),
            path(
                "<int:pk>/revisions/<int:version>/restore/",
                wrap(self.revision_restore_view),
                name="articles_article_revision_restore",
            ),
            *super().get_urls(),
        ]

    def _article_for(self, request, pk, *, edit=False):
        article = get_object_or_404(Article.objects.live(), pk=pk)
        allowed = (
            self.has_change_permission(request, article)
            if edit
            else self.has_view_permission(request, article)
        )
        if not allowed:
            raise PermissionDenied
        return article

    def revisions_view(self, request, pk):
        article = self._article_for(request, pk)
        revisions = list(article.revisions.select_related("user"))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Revisions of “{article}”",
            "article": article,
            "rows": list(zip(revisions, [*revisions[1:], None], strict=True)),
            "current": revisions[0] if revisions else None,
            "opts": self.opts,
            "can_restore": self.has_change_permission(request, article),
        }
        return TemplateResponse(request, "admin/articles/article/revisions.html", context)

    def revision_diff_view(self, request, pk, old, new):
        article = self._article_for(request, pk)
        older = get_object_or_404(Revision, article=article, version=old)
        newer = get_object_or_404(Revision, article=article, version=new)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Changes from version {old} to {new}",
            "article": article,
            "older": older,
            "newer": newer,
            "changes": field_diffs(older.data, newer.data),
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/articles/article/revision_diff.html", context)

    def revision_restore_view(self, request, pk, version):
        article = self._article_for(request, pk, edit=True)
        revision = get_object_or_404(Revision, article=article, version=version)
        if request.method != "POST":
            return redirect("admin:articles_article_revisions", pk=pk)
        new = workflow.restore_revision(article=article, revision=revision, user=request.user)
        self.message_user(request, f"Version {version} restored as version {new.version}.", messages.SUCCESS)
        return redirect("admin:articles_article_change", article.pk)


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
        return request.user.has_perm("articles.delete_article")

    def has_delete_permission(self, request, obj=None):
        return workflow.can_purge(request.user)

    def has_restore_permission(self, request):
        return request.user.has_perm("articles.delete_article")

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


admin.site.unregister(User)


@admin.register(User)
class NewsroomUserAdmin(UserAdmin):
    """Administrators manage accounts and roles; only a superuser can grant superuser or raw permissions."""

    list_display = ["username", "email", "first_name", "last_name", "is_active", "is_staff", "roles"]
    list_filter = ["is_active", "is_staff", "groups"]

    @admin.display(description="Roles")
    def roles(self, obj):
        return ", ".join(g.name for g in obj.groups.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "user_permissions"]
        return readonly

    def has_change_permission(self, request, obj=None):
        # A superuser's account is out of reach of anyone who is not one.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)
