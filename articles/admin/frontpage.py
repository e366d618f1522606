"""Arranging the front pages, and the breaking news banner: editors only (policy.can_arrange_front).

A layout is the home page's (or a section's) lead and top stories in order, and for the home page the
sections that follow; saving it puts it live, or it waits for its time. Every write is a service call
(frontpage/services.py); the forms show the same rules as errors first.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import construct_change_message
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Case, Count, OuterRef, Subquery, When
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from articles.frontpage import selectors, services
from articles.models import BreakingBanner, FrontLayout, FrontSection, FrontStory
from articles.models.frontpage import HOME_STORIES
from articles.publishing import policy

from .common import short_datetime
from .frontpage_forms import (
    FrontLayoutForm,
    SectionFormSet,
    StoryAutocomplete,
    StoryAutocompleteSelect,
    StoryFormSet,
)


def bare(field):
    """A list row's select without the edit/add/view buttons beside it: a front picks, it does not edit."""
    if isinstance(getattr(field, "widget", None), RelatedFieldWidgetWrapper):
        field.widget.can_add_related = field.widget.can_change_related = False
        field.widget.can_view_related = field.widget.can_delete_related = False
    return field


def position_field(field):
    """An optional small number: rows left without one keep their order on screen, after numbered rows."""
    field.required, field.initial, field.help_text = False, None, ""
    field.widget.attrs.update({"min": 1, "max": 99, "style": "width:4em"})
    return field


class EditorsOnly:
    """Every permission of these screens is the one rule, whatever model permissions a role holds."""

    def _allowed(self, request):
        return policy.can_arrange_front(request.user)

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request, *args):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request)


class PageFilter(admin.SimpleListFilter):
    title = "page"
    parameter_name = "page"

    def lookups(self, request, model_admin):
        pages = FrontLayout.objects.filter(section__isnull=False).values_list("section", "section__name")
        return [("home", "Home page"), *sorted(set(pages), key=lambda page: page[1])]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "home":
            return queryset.filter(section__isnull=True)
        if value and value.isdigit() and len(value) < 19:
            return queryset.filter(section_id=int(value))
        return queryset


class FrontStoryInline(EditorsOnly, admin.TabularInline):
    model = FrontStory
    formset = StoryFormSet
    fields = ["position", "article", "readers_see"]
    readonly_fields = ["readers_see"]
    extra = 3
    verbose_name = "story"
    verbose_name_plural = "stories, in order (1 is the lead; empty places fill with the newest stories)"

    class Media:
        # "Move up" / "Move down" on each row.
        js = ["admin/js/front_order.js"]
        css = {"all": ["admin/css/front_order.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("layout", "article", "article__section")

    def get_max_num(self, request, obj=None, **kwargs):
        return obj.capacity if obj is not None else HOME_STORIES

    def get_extra(self, request, obj=None, **kwargs):
        # A new layout offers every place of the home page; an existing one, two more rows.
        return HOME_STORIES if obj is None else 2

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "article":
            # Wide enough for a headline: select2 takes the select's width.
            wide = {"style": "width: 34em"}
            kwargs["widget"] = StoryAutocompleteSelect(db_field, self.admin_site, attrs=wide)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = bare(super().formfield_for_dbfield(db_field, request, **kwargs))
        return position_field(field) if db_field.name == "position" else field

    @admin.display(description="Readers see it")
    def readers_see(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        reason = services.why_not_shown(obj.article, services.when_shown(obj.layout))
        if reason:
            return format_html('<strong style="color: var(--error-fg)">Not shown: it {}.</strong>', reason)
        return format_html(
            "{} · published {}", obj.article.section.name, short_datetime(obj.article.published_at)
        )


class FrontSectionInline(EditorsOnly, admin.TabularInline):
    model = FrontSection
    formset = SectionFormSet
    fields = ["position", "section"]
    extra = 2
    verbose_name = "section block"
    verbose_name_plural = (
        "home page only: sections that follow, in order (none: every section in the navigation)"
    )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = bare(super().formfield_for_dbfield(db_field, request, **kwargs))
        return position_field(field) if db_field.name == "position" else field


@admin.register(FrontLayout)
class FrontLayoutAdmin(EditorsOnly, admin.ModelAdmin):
    form = FrontLayoutForm
    inlines = [FrontStoryInline, FrontSectionInline]
    list_display = ["page", "in_force_from", "status", "lead", "story_count", "note", "updated_by"]
    list_filter = [PageFilter]
    list_select_related = ["section", "updated_by"]
    show_facets = admin.ShowFacets.NEVER
    # "Save as new" copies a layout and its stories: the way to prepare tomorrow's 6:00 front.
    save_as = True
    save_on_top = True

    def get_inlines(self, request, obj):
        # Section blocks are the home page's alone.
        return [FrontStoryInline] if obj is not None and obj.section_id else self.inlines

    def get_fields(self, request, obj=None):
        fields = ["section", "live_from", "note"]
        return ["state", *fields, "what_readers_see"] if obj is not None else fields

    def get_readonly_fields(self, request, obj=None):
        return ["state", "what_readers_see"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return bare(super().formfield_for_dbfield(db_field, request, **kwargs))

    def get_queryset(self, request):
        lead = FrontStory.objects.filter(layout=OuterRef("pk")).order_by("position", "id")
        # Which layout each page shows now, for the status column, in the list's one query.
        home_now = selectors.layout_in_force()
        section_now = selectors.layout_in_force(OuterRef("section"))
        return (
            super()
            .get_queryset(request)
            .annotate(
                stories_count=Count("stories"),
                lead_headline=Subquery(lead.values("article__headline")[:1]),
                in_force_pk=Case(
                    When(section__isnull=True, then=Subquery(home_now)), default=Subquery(section_now)
                ),
            )
        )

    def get_urls(self):
        stories = self.admin_site.admin_view(StoryAutocomplete.as_view(admin_site=self.admin_site))
        return [path("stories/", stories, name="articles_frontlayout_stories"), *super().get_urls()]

    # --- list columns ---------------------------------------------------------------------------

    @admin.display(description="Page", ordering="section__name")
    def page(self, obj):
        return obj.page_name

    @admin.display(description="In force from", ordering="live_from")
    def in_force_from(self, obj):
        return short_datetime(obj.live_from)

    @admin.display(description="Status")
    def status(self, obj):
        if obj.live_from > timezone.now():
            return "Scheduled"
        return "On the page now" if obj.in_force_pk == obj.pk else "Replaced"

    @admin.display(description="Lead")
    def lead(self, obj):
        return obj.lead_headline or "— (the newest story)"

    @admin.display(description="Stories", ordering="stories_count")
    def story_count(self, obj):
        return obj.stories_count

    @admin.display(description="State")
    def state(self, obj):
        if obj.live_from > timezone.now():
            when = timezone.localtime(obj.live_from).strftime("%d %b %Y at %H:%M")
            return f"Scheduled: readers see it from {when}, when it replaces the layout in force."
        if obj.in_force_pk == obj.pk:  # annotated by get_queryset
            return f"Readers see this layout now: saving it changes the {obj.page_name.lower()} at once."
        return "Replaced by a later layout: readers no longer see it."

    @admin.display(description="What readers see")
    def what_readers_see(self, obj):
        """The front as this layout shows it at its time: the chosen stories, then the newest filling."""
        if obj is None or obj.pk is None:
            return "—"
        at = services.when_shown(obj)
        chosen = {a.pk for a in selectors.chosen_stories(obj.section, at=at, layout=obj)}
        stories = selectors.front_stories(obj.section, count=obj.capacity, at=at, layout=obj)
        rows = format_html_join(
            "",
            "<li>{}{} <span class='quiet'>({})</span></li>",
            (
                (
                    "Lead: " if i == 0 else "",
                    a.headline,
                    "chosen" if a.pk in chosen else "newest, filled in",
                )
                for i, a in enumerate(stories)
            ),
        )
        if not stories:
            return "No published stories yet."
        return format_html('<ol class="front-preview">{}</ol>', rows)

    # --- saving: one service call with the page, the time, the stories and the sections --------

    def save_model(self, request, obj, form, change):
        """Nothing here: the layout is saved with its lists by save_related, in one service call."""

    def save_related(self, request, form, formsets, change):
        by_model = {formset.model: formset for formset in formsets}
        services.save_layout(
            layout=form.instance,
            user=request.user,
            stories=by_model[FrontStory].chosen() if FrontStory in by_model else [],
            sections=by_model[FrontSection].chosen() if FrontSection in by_model else [],
        )
        hidden = services.hidden_stories(form.instance)
        for article, reason in hidden:
            message = f"“{article.headline}” {reason}: it is not shown until it is published."
            self.message_user(request, message, messages.WARNING)

    def construct_change_message(self, request, form, formsets, add=False):
        # The lists are saved whole by the service (no per-row objects to name): say what changed.
        message = construct_change_message(form, [], add)
        lists = [f.model._meta.verbose_name_plural for f in formsets if f.has_changed()]
        if lists and not add:
            message.append({"changed": {"fields": lists}})
        return message

    def delete_model(self, request, obj):
        services.delete_layout(layout=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for layout in queryset:
            services.delete_layout(layout=layout, user=request.user)


@admin.register(BreakingBanner)
class BreakingBannerAdmin(EditorsOnly, admin.ModelAdmin):
    list_display = ["text", "state_label", "expires", "link", "created", "created_by", "cleared_by"]
    list_select_related = ["created_by", "cleared_by"]
    fields = ["text", "link", "expires_at"]
    wide = {"class": "vTextField", "style": "width: min(100%, 40em)"}
    formfield_overrides = {models.CharField: {"widget": forms.TextInput(attrs=wide)}}
    change_form_template = "admin/articles/breakingbanner/change_form.html"
    actions = ["clear_selected"]

    def has_delete_permission(self, request, obj=None):
        return False  # kept as the record of what readers were told; clearing takes one down

    def get_urls(self):
        clear = self.admin_site.admin_view(self.clear_view)
        return [path("<int:pk>/clear/", clear, name="articles_breakingbanner_clear"), *super().get_urls()]

    @admin.display(description="State")
    def state_label(self, obj):
        return obj.state

    @admin.display(description="Expires", ordering="expires_at")
    def expires(self, obj):
        return short_datetime(obj.expires_at) if obj.expires_at else "When cleared"

    @admin.display(description="Put up", ordering="created_at")
    def created(self, obj):
        return short_datetime(obj.created_at)

    def save_model(self, request, obj, form, change):
        if change:
            services.edit_banner(banner=obj, user=request.user)
        else:
            services.put_banner(banner=obj, user=request.user)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = extra_context or {}
        banner = self.get_object(request, object_id) if object_id else None
        if banner is not None:
            extra_context["can_clear"] = banner.state == "Showing"
            extra_context["banner_state"] = self._state_line(banner)
        return super().changeform_view(request, object_id, form_url, extra_context)

    @staticmethod
    def _state_line(banner) -> str:
        def at(when):
            return timezone.localtime(when).strftime("%d %b %Y, %H:%M")

        if banner.state == "Cleared":
            who = banner.cleared_by or "someone"
            return f"Cleared {at(banner.cleared_at)} by {who}: readers do not see it."
        if banner.state == "Expired":
            return f"Expired {at(banner.expires_at)}: readers do not see it. A later expiry puts it back."
        until = f"until {at(banner.expires_at)}" if banner.expires_at else "until an editor clears it"
        return f"Readers see it on every page {until}."

    def clear_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not policy.can_arrange_front(request.user):
            raise PermissionDenied
        banner = get_object_or_404(BreakingBanner, pk=pk)
        services.clear_banner(banner=banner, user=request.user)
        self.message_user(request, f"The banner “{banner.text}” is down on every page.", messages.SUCCESS)
        return redirect(reverse("admin:articles_breakingbanner_changelist"))

    @admin.action(description="Clear the selected banners now")
    def clear_selected(self, request, queryset):
        for banner in queryset:
            services.clear_banner(banner=banner, user=request.user)
        self.message_user(request, "Cleared: readers no longer see them.", messages.SUCCESS)
