"""Embeds: a provider's URL on a line of its own becomes a placeholder that loads the player on a click.

Readers see the provider, the title (when it was found at save time, oembed.py) and a real link to the
post; static/js/embeds.js offers a button that swaps the placeholder for the provider's iframe. Nothing
is fetched from the provider until then, and rendering asks nobody anything: the markup comes from the
URL (and its stored title) alone.
"""

from django.utils.html import format_html
from django.utils.safestring import SafeString

from . import tree
from .providers import Embed, match

# What the button does, by what the embed is.
ACTIONS = {"video": "Play video", "reel": "Play reel", "post": "Show post", "episode": "Play episode",
           "podcast": "Show podcast"}  # fmt: skip
TITLE_LENGTH = 200


def clean_title(title: str | None) -> str:
    return " ".join((title or "").replace("\x00", "").split())[:TITLE_LENGTH]


def placeholder(embed: Embed, title: str = "") -> SafeString:
    title = clean_title(title)
    provider = embed.provider.name
    label = f"{provider} {embed.kind}" + (f": {title}" if title else "")
    return format_html(
        '<figure class="embed embed-{shape}" data-embed-src="{src}" data-embed-title="{label}">'
        '<div class="embed-placeholder"><p class="embed-provider">{provider}</p>{title}'
        '<div class="embed-consent" hidden>'
        '<button type="button" class="embed-load" aria-label="{action}: {name}">{action}</button>'
        '<p class="embed-note">This loads it from {provider}, which may set cookies.</p></div></div>'
        '<figcaption><a href="{url}" rel="noopener noreferrer">{verb}</a></figcaption></figure>',
        shape=embed.shape,
        src=embed.src,
        label=label,
        provider=provider,
        title=format_html('<p class="embed-title">{}</p>', title) if title else "",
        action=ACTIONS[embed.kind],
        name=title or f"{provider} {embed.kind}",
        url=embed.url,
        verb=embed.provider.verb,
    )


def render_embed(url: str, title: str | None = None) -> SafeString | None:
    """The privacy-first placeholder for `url`, or None when no provider embeds it (show a link)."""
    embed = match(url or "")
    return placeholder(embed, title or "") if embed else None


def embed_in(node) -> tuple[Embed, str] | None:
    """(embed, stored title) when a top-level body node is a paragraph holding one provider URL alone.

    A paragraph whose whole text is the URL, bare or as a link to itself; a URL among other words, or a
    link whose text says something else, is a link the writer meant and stays one.
    """
    if not isinstance(node, tree.Element) or node.tag != "p":
        return None
    text = node.text().strip()
    if not text.startswith(("http://", "https://")):
        return None
    links = [child for child in node.elements() if child.tag == "a"]
    if len(node.elements()) != len(links) or len(links) > 1:
        return None
    title = ""
    if links:
        if links[0].attrs.get("href", "").strip() != text:
            return None
        title = links[0].attrs.get("title", "")
    embed = match(text)
    return (embed, title) if embed else None
