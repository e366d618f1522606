"""How an entry's embed URL is shown: the site's privacy-first placeholder where a provider embeds it
(articles/blocks/embeds.py, loaded on click by embeds.js), else a plain link."""

from urllib.parse import urlsplit

from django.utils.html import format_html

from articles.blocks.embeds import render_embed as placeholder


def render_embed(url: str) -> str:
    if not url:
        return ""
    if (embed := placeholder(url)) is not None:
        return embed
    host = urlsplit(url).hostname or url
    return format_html(
        '<p class="live-embed"><a href="{}" rel="noopener noreferrer">{}</a></p>',
        url,
        f"View the post on {host.removeprefix('www.')}",
    )
