"""Internal comments on a story: staff talking to staff about it. Readers never see them."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from articles.models import Article, StoryComment

from .policy import can_comment, require

# Room for a paragraph or two; a longer text is a story of its own.
MAX_LENGTH = 5000


@transaction.atomic
def add_comment(*, article: Article, user, text: str) -> StoryComment:
    """Add `user`'s comment to the story's thread; whoever may see the story in the admin may comment."""
    require(can_comment(user, article), "You may not comment on this story.")
    text = (text or "").strip()
    if not text:
        raise ValidationError("Write something before adding the comment.", code="empty")
    if len(text) > MAX_LENGTH:
        raise ValidationError(
            f"Keep a comment to {MAX_LENGTH} characters (it has {len(text)}).", code="too_long"
        )
    return StoryComment.objects.create(article=article, user=user, text=text, created_at=timezone.now())


def thread(article: Article) -> list[StoryComment]:
    """The story's comments, oldest first (the newest last, above the box to add one)."""
    return list(article.comments.select_related("user"))
