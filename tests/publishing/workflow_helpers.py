"""What the workflow tests share: a story's change-form URL and its POST."""

from django.urls import reverse
from django.utils import timezone

from tests.helpers import article_post


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def edit_post(article, **overrides):
    """A change-form POST carrying the article's current content."""
    data = article_post(
        article.section,
        headline=article.headline,
        slug=article.slug,
        standfirst=article.standfirst,
        body=article.body,
        loaded_version=str(article.version),
    )
    if article.published_at:
        at = timezone.localtime(article.published_at)
        data |= {"published_at_0": at.strftime("%Y-%m-%d"), "published_at_1": at.strftime("%H:%M:%S.%f")}
    data.update(overrides)
    return data
