"""Embeds and story blocks: what a story body may hold beyond text, and how readers see it.

`providers.py` which URLs embed and their players; `embeds.py` the click-to-load placeholder
(`render_embed(url)` for any page that shows a provider URL); `oembed.py` titles asked for at save time;
`shortcodes.py` blocks as editors type them and as bodies store them; `forms.py` the story form's body;
`render.py` bodies for the story page, the feeds and the revision diffs.
"""

from .embeds import render_embed

__all__ = ["render_embed"]
