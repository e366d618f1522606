"""A story's permanent name outside the site: the tag: URI (RFC 4151) its feed items, its ninjs `uri`
(the read API, webhooks) and a withdrawal notice all carry, so a partner sees one story whichever way it
came. Minted once, never reused: the year is the URI's, not the story's."""

from urllib.parse import urlsplit

from django.conf import settings

GUID_YEAR = 2026


def article_guid(article_id: int) -> str:
    return f"tag:{urlsplit(settings.SITE_URL).hostname},{GUID_YEAR}:article:{article_id}"
