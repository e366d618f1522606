"""The archived view: a story's page as readers saw it at a moment, for staff (publishing/asof.py)."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from articles.caching.site import site_context
from articles.models import Article
from articles.public import render as rendering
from articles.publishing import asof as archive
from articles.publishing import policy


class MomentForm(forms.Form):
    at = forms.DateTimeField(
        label="As readers saw it at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "step": "1"}, format="%Y-%m-%dT%H:%M:%S"),
        help_text="Your local time (%(tz)s). Seconds are optional.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["at"].help_text %= {"tz": timezone.get_current_timezone_name()}

    def clean_at(self):
        at = self.cleaned_data["at"]
        if at > timezone.now():
            raise forms.ValidationError("Choose a moment in the past: this page shows what readers saw.")
        return at


def moment_words(at) -> str:
    """The moment in words, as "14:03 on 7 December 2026" (with its seconds when they are not zero)."""
    local = timezone.localtime(at)
    clock = "%H:%M:%S" if local.second or local.microsecond else "%H:%M"
    return f"{local:{clock}} on {local:%-d %B %Y}"


class AsOfViews:
    """Mixed into the story admin: its archived view, linked from the revisions and the change form."""

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/as-of/", wrap(self.as_of_view), name="articles_article_as_of"),
            *super().get_urls(),
        ]

    def as_of_view(self, request, pk):
        # As on the revisions screen: a story the policy hides is a 404, its existence not confirmed.
        article = get_object_or_404(
            policy.viewable(request.user, Article.objects.live().select_related("section")), pk=pk
        )
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        form = MomentForm(request.GET if "at" in request.GET else None, initial={"at": timezone.now()})
        context = {
            "article": article,
            "form": form,
            "revisions_url": reverse("admin:articles_article_revisions", args=[pk]),
            "change_url": reverse("admin:articles_article_change", args=[pk]),
            "site": site_context(),
        }
        status = 200
        if form.is_bound and not form.is_valid():
            status = 400
        elif form.is_bound:
            at = form.cleaned_data["at"]
            # Shown again in the picker as local time, whatever form the address gave it in.
            context["form"] = MomentForm(initial={"at": at.replace(microsecond=0)})
            context["moment"] = moment_words(at)
            found = archive.as_readers_saw_it(article, at)
            context["asof"] = found
            if found is None:
                first = archive.first_record(article)
                context["first_record"] = first and moment_words(first)
            elif found.visible:
                story = rendering.as_it_was(article.pk, found)
                context.update(
                    article=story, parts=rendering.story_parts(story, context["site"]), live=None, related=[]
                )
                context["current_section"] = context["parts"]["current_section"]
        response = TemplateResponse(request, "articles/archived.html", context, status=status)
        # Staff only and never a reader's page: not indexed, not kept by any cache.
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Cache-Control"] = "private, no-store"
        return response
