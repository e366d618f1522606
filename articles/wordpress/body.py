"""A WordPress post's content as a Newsroom body: classic-editor text (paragraphs by blank lines, as
WordPress's wpautop makes them) and block-editor markup both become clean HTML; pictures WordPress knew
(`[caption]`, `wp:image`, galleries, `<img class="wp-image-N">`) become the inline photo block; embeds
and bare URLs on their own line become links alone in a paragraph, which render as the project's embeds.
Shortcodes nobody here knows are kept as text and counted, never run or dropped. Everything passes the
one sanitiser last (sanitize.py), so hostile HTML in an export stays out."""

import html
import re
import secrets
from collections import Counter
from dataclasses import dataclass, field

from articles.sanitize import sanitize_html, strip_control

BLOCK_TAGS = (
    r"(?:p|div|figure|figcaption|blockquote|ul|ol|li|h[1-6]|pre|table|thead|tbody|tr|td|th|hr|aside"
    r"|section|dl|dd|dt|address|form)"
)
WP_IMAGE_ID = re.compile(r"""wp-image-(\d+)""")
CAPTION = re.compile(r"\[caption([^\]]*)\](.*?)\[/caption\]", re.S | re.I)
GALLERY = re.compile(r"\[gallery([^\]]*)\]", re.I)
EMBED = re.compile(r"\[embed[^\]]*\](.*?)\[/embed\]", re.S | re.I)
SHORTCODE = re.compile(r"\[/?([a-zA-Z][\w-]*)(?:\s[^\]]*)?\]")
BLOCK_COMMENT = re.compile(r"<!--\s*(/?)wp:([\w/-]+)(\s+\{.*?\})?\s*(/?)-->", re.S)
IMG = re.compile(r"<img\b[^>]*>", re.I)
ATTR = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
BARE_URL_LINE = re.compile(r"^[ \t]*(https?://[^\s<>\"]+)[ \t]*$", re.M)


@dataclass
class Converted:
    html: str
    photos: list[int] = field(default_factory=list)  # WordPress attachment ids, in order
    unknown_shortcodes: Counter = field(default_factory=Counter)
    missing_photos: list[int] = field(default_factory=list)


def _attrs(text: str) -> dict[str, str]:
    found = ATTR.finditer(text)
    return {m.group(1).lower(): html.unescape(m.group(2) or m.group(3) or m.group(4) or "") for m in found}


def _photo_block(photo_id: int, caption: str = "") -> str:
    caption = caption.strip()
    figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f'<figure data-block="photo" data-photo-id="{photo_id}">{figcaption}</figure>'


EMPTY_PARAGRAPH = re.compile(r"<p>(?:\s|<br>)*</p>")
EDGE_BREAKS = re.compile(r"(?<=<p>)(?:\s*<br>\s*)+|(?:\s*<br>\s*)+(?=</p>)")


class _Converter:
    def __init__(self, photo_for):
        self.photo_for = photo_for  # WordPress attachment id -> Newsroom photo id, or None
        self.out = Converted(html="")
        self.blocks_made: list[str] = []  # kept out of autop's way, put back after it
        self.token = f"NEWSROOMBLOCK{secrets.token_hex(6)}"  # no export can guess it

    def photo(self, attachment_id: int, caption: str = "") -> str:
        photo_id = self.photo_for(attachment_id)
        if photo_id is None:
            self.out.missing_photos.append(attachment_id)
            return f"\n\n<p>{caption}</p>\n\n" if caption.strip() else ""
        self.out.photos.append(attachment_id)
        self.blocks_made.append(_photo_block(photo_id, caption))
        return f"\n\n{self.token}x{len(self.blocks_made) - 1}\n\n"

    def image_tag(self, tag: str, caption: str = "") -> str:
        found = WP_IMAGE_ID.search(_attrs(tag).get("class", ""))
        if found:
            return self.photo(int(found.group(1)), caption)
        # A picture WordPress did not know (hot-linked): its words are kept, the picture is not.
        alt = _attrs(tag).get("alt", "")
        return f"\n\n<p>{caption or html.escape(alt)}</p>\n\n" if (caption or alt) else ""

    def caption(self, match) -> str:
        inner = match.group(2)
        tags = IMG.findall(inner)
        caption = _attrs(match.group(1)).get("caption", "")
        caption = caption or re.sub(r"<a\b[^>]*>|</a>|<img\b[^>]*>", "", inner)
        if not tags:
            return inner
        return self.image_tag(tags[0], caption.strip())

    def gallery(self, match) -> str:
        ids = [int(n) for n in re.findall(r"\d+", _attrs(match.group(1)).get("ids", ""))]
        return "".join(self.photo(n) for n in ids)

    def blocks(self, text: str) -> str:
        """Block-editor markup: each block's inner HTML, pictures and embeds turned into ours."""

        def image_block(match):
            inner = match.group(1)
            tags = IMG.findall(inner)
            caption = re.search(r"<figcaption[^>]*>(.*?)</figcaption>", inner, re.S)
            captions = [caption.group(1) if caption else ""] * len(tags)
            if "wp-block-gallery" in inner or len(tags) > 1:
                per_image = re.findall(r"<figure\b[^>]*>(.*?)</figure>", inner, re.S)
                captions = []
                for part in per_image or [inner]:
                    found = re.search(r"<figcaption[^>]*>(.*?)</figcaption>", part, re.S)
                    captions.append(found.group(1) if found else "")
            captions = (captions + [""] * len(tags))[: len(tags)]
            return "".join(self.image_tag(tag, cap) for tag, cap in zip(tags, captions, strict=True))

        def embed_block(match):
            attrs = match.group(1) or ""
            url = re.search(r'"url"\s*:\s*"([^"]+)"', attrs)
            if not url:
                url = re.search(r"(https?://[^\s<\"]+)", match.group(2))
            return f"\n\n<p>{html.escape(url.group(1).replace(chr(92) + '/', '/'))}</p>\n\n" if url else ""

        text = re.sub(
            r"<!--\s*wp:(?:core-)?embed(?:/[\w-]+)?(\s+\{.*?\})?\s*-->(.*?)"
            r"<!--\s*/wp:(?:core-)?embed(?:/[\w-]+)?\s*-->",
            embed_block,
            text,
            flags=re.S,
        )
        text = re.sub(
            r"<!--\s*wp:(?:image|gallery)\b[^>]*?-->(.*?)<!--\s*/wp:(?:image|gallery)\s*-->",
            image_block,
            text,
            flags=re.S,
        )
        return BLOCK_COMMENT.sub("\n\n", text)

    def convert(self, content: str) -> Converted:
        text = content.replace("\r\n", "\n").replace("\r", "\n")
        if "<!-- wp:" in text:
            text = self.blocks(text)
        text = CAPTION.sub(self.caption, text)
        text = GALLERY.sub(self.gallery, text)
        text = EMBED.sub(lambda m: f"\n\n{m.group(1).strip()}\n\n", text)
        text = IMG.sub(lambda m: self.image_tag(m.group(0)), text)
        for name in SHORTCODE.findall(text):
            self.out.unknown_shortcodes[name.lower()] += 1
        text = BARE_URL_LINE.sub(lambda m: f"\n\n<p>{m.group(1)}</p>\n\n", text)
        text = autop(text)
        text = re.sub(rf"<p>{self.token}x(\d+)</p>", lambda m: self.blocks_made[int(m.group(1))], text)
        # Headings: the story's headline is the page's h1; h5 and h6 are not kept by the sanitiser.
        text = re.sub(r"<(/?)h1\b", r"<\1h2", text)
        text = re.sub(r"<(/?)h[56]\b", r"<\1h4", text)
        text = EDGE_BREAKS.sub("", sanitize_html(text))
        self.out.html = EMPTY_PARAGRAPH.sub("", text).strip()
        return self.out


def autop(text: str) -> str:
    """WordPress's wpautop, in short: blank lines part paragraphs, a single newline inside one is a line
    break, and block elements are never wrapped in a paragraph."""
    pieces = []
    text = re.sub(rf"(<{BLOCK_TAGS}\b[^>]*>)", r"\n\n\1", text, flags=re.I)
    text = re.sub(rf"(</{BLOCK_TAGS}>)", r"\1\n\n", text, flags=re.I)
    for chunk in re.split(r"\n\s*\n", text):
        chunk = chunk.strip()
        if not chunk:
            continue
        if re.match(rf"</?{BLOCK_TAGS}\b", chunk, re.I):
            pieces.append(chunk)
        else:
            pieces.append("<p>" + re.sub(r"\s*\n\s*", "<br>\n", chunk) + "</p>")
    return "\n".join(pieces)


def convert(content: str, photo_for) -> Converted:
    """`content` as a body; `photo_for(attachment_id)` gives the Newsroom photo id of an imported one."""
    return _Converter(photo_for).convert(content)


def plain(text: str) -> str:
    """An excerpt or title as plain text: tags dropped, entities decoded, control characters (which
    PostgreSQL and feeds refuse) dropped, spaces collapsed."""
    text = re.sub(rf"</?(?:{BLOCK_TAGS}|br)\b[^>]*>", " ", text or "", flags=re.I)
    return " ".join(strip_control(html.unescape(re.sub(r"<[^>]+>", "", text))).split())
