"""The JSON a webhook posts: an envelope with the story in IPTC ninjs 2.x. One place, so the read API's
ninjs serializer can take over `story_ninjs` when both exist."""

from django.conf import settings

from articles.models import Article
from articles.photos.renditions import srcset


def story_uri(article_id: int) -> str:
    return f"urn:newsroom:story:{article_id}"


def _time(value) -> str | None:
    return value.isoformat() if value else None


def _picture(photo) -> dict:
    return {
        "name": "featureimage",
        "type": "picture",
        "uri": f"urn:newsroom:photo:{photo.pk}",
        "descriptions": [{"role": "caption", "value": photo.caption, "contenttype": "text/plain"}],
        "creditline": photo.credit,
        "renditions": [
            {
                "name": f"w{r.width}",
                "href": settings.SITE_URL + r.url,
                "width": r.width,
                "height": r.height,
                "contenttype": "image/jpeg",
            }
            for r in srcset(photo)
        ],  # fmt: skip
    }


def story_ninjs(article: Article) -> dict:
    """The story as readers see it, in ninjs 2.x."""
    article = (
        Article.objects.select_related("lead_photo__credit_source")
        .prefetch_related("authors", "tags", "corrections")
        .get(pk=article.pk)
    )
    story = {
        "uri": story_uri(article.pk),
        "type": "text",
        "version": str(article.version),
        "firstcreated": _time(article.published_at),
        "versioncreated": _time(article.revised_at or article.updated_at),
        "pubstatus": "usable",
        "language": settings.LANGUAGE_CODE,
        "headlines": [{"role": "main", "value": article.headline}],
        "descriptions": [{"role": "summary", "value": article.standfirst, "contenttype": "text/plain"}],
        "bodies": [{"role": "main", "value": article.body, "contenttype": "text/html"}],
        "bylines": [{"byline": author.name} for author in article.authors.all()],
        "subjects": [{"name": tag.name} for tag in article.tags.all()],
        "links": [{"rel": "canonical", "href": settings.SITE_URL + article.get_absolute_url()}],
        "corrections": [
            {"kind": note.kind, "value": note.text, "created": _time(note.created_at)}
            for note in article.corrections.all()
        ],
    }
    if article.lead_photo_id:
        story["associations"] = [_picture(article.lead_photo)]
    return story


def withdrawn_ninjs(article_id: int, version: int) -> dict:
    """What is said of a story readers can no longer see: only that."""
    return {"uri": story_uri(article_id), "type": "text", "version": str(version), "pubstatus": "canceled"}


def envelope(*, delivery_id, event: str, occurred_at, story: dict) -> dict:
    return {"id": str(delivery_id), "event": event, "occurred_at": _time(occurred_at), "story": story}
