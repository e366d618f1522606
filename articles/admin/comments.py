"""A story's internal comments on its change form: the thread, and the small form that adds to it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse

from articles.publishing import comments, policy


class CommentViews:
    """Mixed into the story admin: `<pk>/comments/add/`, and the thread for the change form."""

    def get_urls(self):
        add = self.admin_site.admin_view(self.add_comment_view)
        return [path("<int:pk>/comments/add/", add, name="articles_article_add_comment"), *super().get_urls()]

    def comments_context(self, request, article) -> dict:
        if not policy.can_comment(request.user, article):
            return {}
        return {
            "story_comments": comments.thread(article),
            "add_comment_url": reverse("admin:articles_article_add_comment", args=[article.pk]),
        }

    def add_comment_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        # A story the user cannot see is a 404, as on its change form; the service asks can_comment.
        article = get_object_or_404(self.get_queryset(request), pk=pk)
        try:
            comments.add_comment(article=article, user=request.user, text=request.POST.get("text", ""))
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        else:
            self.message_user(request, "Comment added.", messages.SUCCESS)
        return redirect(reverse("admin:articles_article_change", args=[article.pk]) + "#comments")
