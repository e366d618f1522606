"""The story form and its inlines for a story with pending changes, or reopened from an autosave: what
they show, and what a submitted form holds as pending content (articles/admin/pending.py uses them)."""

from django import forms
from django.utils.dateparse import parse_datetime
from taggit.models import Tag

from articles.models import ArticleAuthor, ArticleSource, GalleryItem
from articles.publishing import pending

from .forms import ArticleAdminForm

# The inlines a pending version holds: the row's key field, the data's key, and what else it keeps.
PENDING_ROWS = {
    ArticleAuthor: ("author", "authors", ()),
    ArticleSource: ("source", "sources", ()),
    GalleryItem: ("photo", "gallery", ("caption",)),
}


def _pk(value):
    return getattr(value, "pk", value)


class PendingForm(ArticleAdminForm):
    """The story form; for a story with a pending version, that version's content."""

    # Which pending version the form was opened on: saving over a newer one is a conflict.
    loaded_pending = forms.CharField(widget=forms.HiddenInput, required=False)
    restore = None  # set by the admin per request: an autosave's fields to show instead (a QueryDict)

    def __init__(self, *args, **kwargs):
        self.restoring = self.restore is not None and not args and "data" not in kwargs
        if self.restoring:
            # Reopened with "Restore them": the form as it was being typed, as if just submitted.
            kwargs["data"] = self.restore.copy()
        super().__init__(*args, **kwargs)
        self.pending = pending.pending_for(self.instance)
        self.fields["loaded_pending"].initial = pending.stamp(self.pending)
        if self.pending is not None and not self.is_bound:
            content, _ = pending.rebased(self.pending, self.instance)
            self.initial.update({k: v for k, v in _initial(content).items() if k in self.fields})

    def full_clean(self):
        super().full_clean()
        if self.restoring and not self.conflict:
            # A half-written form's problems are for when it is saved; someone's save since is for now.
            self._errors.clear()

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            loaded = cleaned.get("loaded_pending") or ""
            if conflict := pending.find_pending_conflict(article=self.instance, loaded_pending=loaded):
                current = conflict.current
                self.conflict = {"by": current and current.user, "at": current and current.updated_at,
                                 "changes": conflict.changes}  # fmt: skip
                # Saving again after reading the conflict is a deliberate choice to replace their changes.
                self.data = self.data.copy()
                self.data[self.add_prefix("loaded_pending")] = pending.stamp(current)
                raise conflict
        return cleaned


def _initial(data: dict) -> dict:
    """The story form's initial values for snapshot-shaped content."""
    initial = {name: data[name] for name in ("headline", "slug", "standfirst", "body", "seo_title")}
    initial |= {
        "meta_description": data["meta_description"],
        "section": data["section_id"],
        "lead_photo": data["lead_photo_id"],
        "tags": list(Tag.objects.filter(name__in=data["tags"])),
    }
    for name in ("published_at", "embargo_until"):
        initial[name] = parse_datetime(data[name]) if data[name] else None
    return initial


def pending_rows_formset(formset_class, data: dict):
    """`formset_class` showing the pending version's rows of its inline, in order, over the stored rows.

    A stored row keeps its own key (a byline stays on its author: changing keys between rows would trip
    the unique constraints); a stored row the pending version drops is shown marked for deletion, and a
    new one as an extra form.
    """
    key, data_key, extra_fields = PENDING_ROWS[formset_class.model]
    wanted = [row if isinstance(row, dict) else {key: row} for row in data.get(data_key, [])]
    position = {row[key]: order for order, row in enumerate(wanted)}

    class PendingRows(formset_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            stored = {getattr(row, f"{key}_id") for row in self.get_queryset()}
            new = [(order, row) for order, row in enumerate(wanted) if row[key] not in stored]
            # Forms are built on first use: the new rows become extra forms, before the usual blank ones.
            self.initial_extra = [{key: row[key], "order": order, **_extra(row)} for order, row in new]
            self.extra = len(new) + formset_class.extra

        def get_queryset(self):
            if not hasattr(self, "_pending_rows"):
                rows = list(super().get_queryset())
                for row in rows:
                    order = position.get(getattr(row, f"{key}_id"))
                    if order is not None:
                        row.order = order
                        for name, value in _extra(wanted[order]).items():
                            setattr(row, name, value)
                self._dropped = {row.pk for row in rows if getattr(row, f"{key}_id") not in position}
                self._pending_rows = sorted(rows, key=lambda row: (row.pk in self._dropped, row.order))
            return self._pending_rows

        def _construct_form(self, i, **kwargs):
            form = super()._construct_form(i, **kwargs)
            if form.instance.pk in self._dropped:
                form.initial["DELETE"] = True
            return form

    def _extra(row):
        return {name: row.get(name, "") for name in extra_fields}

    return PendingRows


def quiet_formset(formset_class):
    """`formset_class` bound to a restored autosave: its half-written rows' problems wait for the save."""

    class Restored(formset_class):
        def full_clean(self):
            super().full_clean()
            self._non_form_errors = self.error_class(error_class="nonform", renderer=self.renderer)
            for form in self.forms:
                form.errors.clear()

    return Restored


def pending_rows(formset, key: str, extra_fields=()) -> list:
    """A submitted inline's rows, in their order: the key's id, or (id, *extra values)."""
    rows = []
    for index, form in enumerate(formset.forms):
        cleaned = getattr(form, "cleaned_data", None) or {}
        if cleaned.get(key) is None or cleaned.get("DELETE"):
            continue
        value = (_pk(cleaned[key]), *(cleaned.get(name) or "" for name in extra_fields))
        rows.append((cleaned.get("order") or 0, index, value if extra_fields else value[0]))
    return [value for _, _, value in sorted(rows, key=lambda row: row[:2])]
