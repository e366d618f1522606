"""The front layout form and its two ordered lists, showing the services' rules as form errors."""

from django import forms
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils import timezone

from articles.frontpage import services
from articles.models import Article, FrontLayout, FrontStory
from articles.publishing import policy

from .common import AutocompleteSelect


class StoryAutocomplete(AutocompleteJsonView):
    """Stories an editor can put on a front: published or scheduled, newest first, each with its section
    and time so two similar headlines are told apart."""

    def has_perm(self, request, obj=None):
        return policy.can_arrange_front(request.user) and super().has_perm(request, obj)

    def get_queryset(self):
        readable = Article.objects.published() | Article.objects.scheduled()
        return (super().get_queryset() & readable).select_related("section")

    def serialize_result(self, obj, to_field_name):
        when = timezone.localtime(obj.published_at).strftime("%d %b %H:%M")
        scheduled = " (scheduled)" if obj.is_scheduled else ""
        return {"id": str(obj.pk), "text": f"{obj.headline} · {obj.section.name}, {when}{scheduled}"}


class StoryAutocompleteSelect(AutocompleteSelect):
    def get_url(self):
        return reverse("admin:articles_frontlayout_stories")


class FrontLayoutForm(forms.ModelForm):
    class Meta:
        model = FrontLayout
        fields = ["section", "live_from", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "section" in self.fields:
            self.fields["section"].empty_label = "Home page"

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None and not self.errors:
            # The page and the time (the stories are judged by their own list, StoryFormSet).
            section = cleaned.get("section") if "section" in self.fields else self.instance.section
            edited = FrontLayout(pk=self.instance.pk, section=section, live_from=cleaned.get("live_from"))
            for field, messages in services.timing_problems(layout=edited).items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        return cleaned


def ordered_forms(formset) -> list:
    """The filled, not deleted rows in the order the editor gave them: by position, rows without one after
    the numbered ones; of two with the same number, the one just given it first (typing 1 on a story makes
    it the lead), then the order on screen."""
    rows = []
    for index, form in enumerate(formset.forms):
        data = getattr(form, "cleaned_data", None) or {}
        if not data or data.get("DELETE") or not data.get(formset.target_field):
            continue
        position = data.get("position")
        moved = "position" in form.changed_data
        rows.append(((position is None, position or 0, not moved, index), form))
    return [form for _, form in sorted(rows, key=lambda row: row[0])]


class OrderedFormSet(BaseInlineFormSet):
    target_field = ""

    def chosen(self) -> list:
        return [form.cleaned_data[self.target_field] for form in ordered_forms(self)]


class StoryFormSet(OrderedFormSet):
    target_field = "article"

    def clean(self):
        if any(self.errors):
            return
        rows = ordered_forms(self)
        stories = [form.cleaned_data["article"] for form in rows]
        kept = set()
        if self.instance.pk is not None:
            kept = set(FrontStory.objects.filter(layout=self.instance).values_list("article_id", flat=True))
        for index, message in services.story_problems(layout=self.instance, stories=stories, kept=kept):
            if index is None:
                raise forms.ValidationError(message)
            rows[index].add_error("article", message)

    def validate_unique(self):
        """Done by clean() with the story's name (a story twice); the rows are renumbered on save."""


class SectionFormSet(OrderedFormSet):
    target_field = "section"

    def clean(self):
        if any(self.errors):
            return
        sections = self.chosen()
        messages = services.section_problems(layout=self.instance, sections=sections)
        if messages:
            raise forms.ValidationError(messages)

    def validate_unique(self):
        """Done by clean(), in words."""
