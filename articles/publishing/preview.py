"""Preview links: signed, expiring, read-only links to an unpublished story."""

from datetime import timedelta

from django.core.signing import BadSignature, SignatureExpired, TimestampSigner

from articles.models import Article

PREVIEW_LINK_MAX_AGE = timedelta(days=2)
_preview_signer = TimestampSigner(salt="articles.preview")


def preview_token(article: Article) -> str:
    return _preview_signer.sign_object({"a": article.pk})


class PreviewLinkExpired(Exception):
    pass


def article_for_preview_token(token: str) -> Article | None:
    """The article a preview link points to; None for a forged link, PreviewLinkExpired for an old one."""
    try:
        data = _preview_signer.unsign_object(token, max_age=PREVIEW_LINK_MAX_AGE)
    except SignatureExpired as exc:
        raise PreviewLinkExpired from exc
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("a"), int):
        return None
    return Article.objects.live().filter(pk=data["a"]).first()
