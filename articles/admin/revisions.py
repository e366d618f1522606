"""A story's revisions: the list, a diff between two, and restoring one."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path

from articles.models import (
    Article,
    Revision,
)
from articles.publishing import pending, policy
from articles.publishing.diffs import field_diffs

from .asof import AsOfViews


class RevisionViews(AsOfViews):
    """Mixed into the story admin: its revision pages (and, below them, the archived view)."""

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
        # A story the policy hides is a 404, as on its change form: its existence is not confirmed.
        article = get_object_or_404(policy.viewable(request.user, Article.objects.live()), pk=pk)
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
        try:
            new = pending.restore_revision(article=article, revision=revision, user=request.user)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return redirect("admin:articles_article_revisions", pk=pk)
        # A live story's restore waits for an editor to publish it, like any edit of it.
        if isinstance(new, Revision):
            done = f"Version {version} restored as version {new.version}."
        elif new is None:
            done = f"Version {version} is what readers see already: nothing is pending."
        else:
            done = (
                f"Version {version} restored as pending changes: readers see the live story until published."
            )
        self.message_user(request, done, messages.SUCCESS)
        return redirect("admin:articles_article_change", article.pk)
