"""The JSON a webhook posts: an envelope with the story as the read API gives it (IPTC ninjs 2.2,
articles/ninjs.py), so a partner sees one item, with one `uri`, whether it was pushed or fetched."""

from articles import story_query
from articles.guids import article_guid
from articles.models import Article
from articles.ninjs import story_to_ninjs


def _time(value) -> str | None:
    return value.isoformat() if value else None


def story_ninjs(article: Article) -> dict:
    """The story as readers see it: read with its relations in one query (as of this transaction)."""
    return story_to_ninjs(story_query.load(article.pk) or article)


def withdrawn_ninjs(article_id: int, version: int) -> dict:
    """What is said of a story readers can no longer see: only that."""
    return {"uri": article_guid(article_id), "type": "text", "version": str(version), "pubstatus": "canceled"}


def envelope(*, delivery_id, event: str, occurred_at, story: dict) -> dict:
    return {"id": str(delivery_id), "event": event, "occurred_at": _time(occurred_at), "story": story}
