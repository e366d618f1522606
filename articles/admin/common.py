"""Pieces every admin screen shares: small thumbnails, compact dates, estimated counts, autocomplete."""

import json

from django import forms
from django.contrib.admin import widgets
from django.core.exceptions import EmptyResultSet, ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html

from articles.images import renditions
from articles.sanitize import strip_control


def thumbnail(photo, width=96):
    small = renditions.rendition_for_width(photo, width) if photo else None
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


class _RedrawsOnlyValidValues:
    """Redraws only the posted values the related field can hold.

    Django's redraw filters the related table by whatever was posted, so "abc" or "1.5" for an id raised
    (a 500) instead of showing the form error the field already reports.
    """

    def optgroups(self, name, value, attr=None):
        opts = self.field.remote_field.model._meta
        target = opts.get_field(getattr(self.field.remote_field, "field_name", None) or opts.pk.name)
        return super().optgroups(name, [v for v in value if holds(target, v)], attr)


def holds(field, value) -> bool:
    """Whether `value` (as posted) is a value `field` can hold."""
    try:
        # The validators too: an integer past the column's range is no id either.
        field.run_validators(field.to_python(value))
    except ValidationError:
        return False
    return True


class AutocompleteSelect(_RedrawsOnlyValidValues, widgets.AutocompleteSelect):
    pass


class AutocompleteSelectMultiple(_RedrawsOnlyValidValues, widgets.AutocompleteSelectMultiple):
    pass


class FreeTagsSelectMultiple(AutocompleteSelectMultiple):
    """Existing tags by autocomplete, and new names typed in (static/admin/js/tags.js, for `allow_new`).

    A posted value is an existing tag's id or a name; names are redrawn as typed, so a form error loses
    none of them.
    """

    allow_new = True

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        if self.allow_new:
            attrs["data-free-tags"] = "true"
        return attrs

    def optgroups(self, name, value, attr=None):
        groups = super().optgroups(name, value, attr)
        options = groups[0][1]
        shown = {str(option["value"]) for option in options}
        for typed in dict.fromkeys(str(v) for v in value):
            label = tag_name(typed)
            if typed not in shown and label and label not in shown:
                options.append(self.create_option(name, label, label, True, len(options)))
                shown.add(label)
        return groups

    @property
    def media(self):
        # Named with the scripts it needs, so that the merged page media puts it after them.
        after = ["admin/js/jquery.init.js", "admin/js/autocomplete.js", "admin/js/tags.js"]
        return super().media + forms.Media(js=after)


def tag_name(value: str) -> str:
    """A typed tag name as taggit stores it: control characters dropped, whitespace collapsed."""
    return " ".join(strip_control(str(value)).split())


class SafeAutocompleteMixin:
    """For every ModelAdmin and inline: its autocomplete_fields use the widgets above."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            using = kwargs.get("using")
            kwargs["widget"] = AutocompleteSelectMultiple(db_field, self.admin_site, using=using)
        return super().formfield_for_manytomany(db_field, request, **kwargs)
