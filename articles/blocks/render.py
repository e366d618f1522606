"""Stored blocks and embeds made into what readers see: the story page, the feeds, the revision diffs.

Every photo and every story a body names is read in one query each, however many blocks it has. A
read-more shows the other story as it is now (its headline, its photo, whether it is published at all),
so the story page keeps it out of the story's stored markup: the markup holds a marker, and
`resolve_read_more` fills the markers on each render of the page (pages themselves are cached, and every
change to a story supersedes them).
"""

import re

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles.caching import keys
from articles.images import renditions
from articles.models import Article, Photo

from . import tree
from .embeds import embed_in, placeholder
from .shortcodes import references

PHOTO_SIZES = "(min-width: 48em) 46rem, 100vw"
READ_MORE = re.compile(r"<!--read-more:(\d{1,18})-->")  # sanitised bodies carry no comments


def _photos(ids) -> dict[int, Photo]:
    if not ids:
        return {}
    return Photo.objects.select_related("credit_source").in_bulk(ids)


# What a read-more shows: the story's address, headline and photo.
STORY_FIELDS = ["headline", "slug", "section__slug", "lead_photo__image", "lead_photo__width",
                "lead_photo__height", "lead_photo__focal_x", "lead_photo__focal_y"]  # fmt: skip


def _stories(ids) -> dict[int, Article]:
    if not ids:
        return {}
    return (
        Article.objects.published().select_related("section", "lead_photo").only(*STORY_FIELDS).in_bulk(ids)
    )


def _kind(node) -> str | None:
    if isinstance(node, tree.Element) and node.tag in ("figure", "aside"):
        return node.attrs.get("data-block")
    return None


def _caption(node: tree.Element) -> str:
    found = next((child for child in node.elements() if child.tag == "figcaption"), None)
    return found.text().strip() if found else ""


def _pull_quote(node: tree.Element) -> str:
    quote = next((c for c in node.elements() if c.tag == "blockquote"), None)
    if quote is None:
        return ""
    caption = next((c for c in node.elements() if c.tag == "figcaption"), None)
    who = format_html("<figcaption>{}</figcaption>", mark_safe(caption.inner_html())) if caption else ""
    return format_html(
        '<figure class="pull-quote"><blockquote>{}</blockquote>{}</figure>',
        mark_safe(quote.inner_html()),
        who,
    )


def _fact_box(node: tree.Element, number: int) -> str:
    children = node.elements()
    has_title = bool(children) and children[0].tag in ("h2", "h3", "h4")
    title = children[0].text().strip() if has_title else "Key facts"
    body = tree.serialize(node.children[1:] if has_title else node.children)
    return format_html(
        '<aside class="fact-box" aria-labelledby="fact-box-{n}"><h2 id="fact-box-{n}">{}</h2>{}</aside>',
        title,
        mark_safe(body),
        n=number,
    )


def _photo(node: tree.Element, photos: dict) -> str:
    value = node.attrs.get("data-photo-id", "")
    photo = photos.get(int(value)) if value.isdigit() else None
    if photo is None or not photo.width:
        return ""  # deleted since: the story reads on without it
    context = {"photo": photo, "sizes": PHOTO_SIZES, "lazy": True, "caption": _caption(node)}
    return render_to_string("includes/figure.html", context)


def render_body(html: str) -> str:
    """The body as the story page shows it, read-mores left as markers for resolve_read_more."""
    nodes = tree.parse(html)
    photo_ids, _ = references(html)
    photos = _photos(photo_ids)
    out, fact_boxes = [], 0
    for node in nodes:
        kind = _kind(node)
        if kind == "pullquote":
            out.append(_pull_quote(node))
        elif kind == "photo":
            out.append(_photo(node, photos))
        elif kind == "readmore":
            value = node.attrs.get("data-story-id", "")
            out.append(f"<!--read-more:{value}-->" if value.isdigit() else "")
        elif kind == "factbox":
            fact_boxes += 1
            out.append(_fact_box(node, fact_boxes))
        elif found := embed_in(node):
            out.append(placeholder(*found))
        elif isinstance(node, tree.Element) and node.tag in ("figure", "aside"):
            out.append(node.inner_html())  # not a block we know: its content only
        else:
            out.append(tree.serialize([node]))
    return "".join(out)


def _thumbnail(photo) -> str:
    if photo is None or not photo.width:
        return ""
    jpeg = renditions.srcset(photo, "1x1", "jpg")
    if not jpeg:
        return ""
    small = jpeg[0]
    return format_html(
        '<img class="read-more-photo" src="{}" srcset="{}" sizes="6rem" width="{}" height="{}" alt="" '
        'loading="lazy" decoding="async">',
        small.url,
        ", ".join(f"{r.url} {r.width}w" for r in jpeg[:2]),
        small.width,
        small.height,
    )


def resolve_read_more(html: str) -> str:
    """The story page's read-more markers filled with the stories as they are now (one query); a story
    that is not published (any more, or yet) leaves nothing."""
    ids = {int(value) for value in READ_MORE.findall(html)}
    if not ids:
        return html
    # Shown as they are now: a change to one (or its publication) supersedes this page too.
    keys.add_stories(ids)
    stories = _stories(ids)

    def link(found):
        story = stories.get(int(found.group(1)))
        if story is None:
            return ""
        return format_html(
            '<p class="read-more"><a href="{}">{}<span class="read-more-text"><span class="read-more-label">'
            'Read more</span> <span class="read-more-headline">{}</span></span></a></p>',
            story.get_absolute_url(),
            mark_safe(_thumbnail(story.lead_photo)),
            story.headline,
        )

    return READ_MORE.sub(link, html)


# --- Feeds --------------------------------------------------------------------------------------------


def _absolute(url: str) -> str:
    return url if url.startswith(("http://", "https://")) else f"{settings.SITE_URL}{url}"


def _feed_photo(node, photos) -> str:
    value = node.attrs.get("data-photo-id", "")
    photo = photos.get(int(value)) if value.isdigit() else None
    if photo is None or not photo.width:
        return ""
    image = renditions.rendition_for_width(photo, 960)
    caption = _caption(node) or photo.caption
    credit = f" (Photo: {photo.credit})" if photo.credit else ""
    text = f"{caption}{credit}".strip()
    return format_html(
        '<figure><img src="{}" width="{}" height="{}" alt="{}">{}</figure>',
        _absolute(image.url),
        image.width,
        image.height,
        photo.alt_text,
        format_html("<figcaption>{}</figcaption>", text) if text else "",
    )


def feed_bodies(bodies: dict[int, str]) -> dict[int, str]:
    """Each story's body for a feed reader, which runs no script and knows no blocks: a pull quote as a
    quotation, a photo as an image, a read-more as a link, a fact box as a heading and its text, an
    embed as a link. `bodies` is {story id: stored body}; every photo and story is read in one query."""
    photo_ids, story_ids = set(), set()
    for html in bodies.values():
        photos, stories = references(html)
        photo_ids.update(photos)
        story_ids.update(stories)
    photos, stories = _photos(photo_ids), _stories(story_ids)
    return {pk: _feed_body(html, photos, stories) for pk, html in bodies.items()}


def _feed_body(html: str, photos: dict, stories: dict) -> str:
    out = []
    for node in tree.parse(html):
        kind = _kind(node)
        if kind == "pullquote":
            quote = next((c for c in node.elements() if c.tag == "blockquote"), None)
            who = _caption(node)
            cite = format_html("<p>— {}</p>", who) if who else ""
            words = mark_safe(quote.inner_html() if quote else "")
            out.append(format_html("<blockquote>{}{}</blockquote>", words, cite))
        elif kind == "photo":
            out.append(_feed_photo(node, photos))
        elif kind == "readmore":
            value = node.attrs.get("data-story-id", "")
            story = stories.get(int(value)) if value.isdigit() else None
            if story is not None:
                url = _absolute(story.get_absolute_url())
                out.append(format_html('<p>Read more: <a href="{}">{}</a></p>', url, story.headline))
        elif kind == "factbox":
            children = node.elements()
            has_title = bool(children) and children[0].tag in ("h2", "h3", "h4")
            title = children[0].text().strip() if has_title else "Key facts"
            rest = tree.serialize(node.children[1:] if has_title else node.children)
            out.append(format_html("<h3>{}</h3>{}", title, mark_safe(rest)))
        elif found := embed_in(node):
            embed, title = found
            label = f"{embed.provider.name}: {title}" if title else embed.url
            out.append(format_html('<p><a href="{}">{}</a></p>', embed.url, label))
        elif isinstance(node, tree.Element) and node.tag in ("figure", "aside"):
            out.append(node.inner_html())
        else:
            out.append(tree.serialize([node]))
    return "".join(out)


# --- Revision diffs -----------------------------------------------------------------------------------


def body_text(html: str) -> str:
    """The body as plain lines for a word-level diff: one paragraph a line, each block named."""
    photo_ids, story_ids = references(html)
    photos = _photos(photo_ids)
    stories = Article.objects.in_bulk(story_ids) if story_ids else {}
    lines = []
    for node in tree.parse(html):
        kind = _kind(node)
        if kind == "pullquote":
            who = _caption(node)
            quote = node.text()[: len(node.text()) - len(who)] if who else node.text()
            lines.append(f"[Pull quote] “{quote.strip()}”" + (f" — {who}" if who else ""))
        elif kind == "photo":
            value = node.attrs.get("data-photo-id", "")
            photo = photos.get(int(value)) if value.isdigit() else None
            name = f"“{photo}”" if photo else "a deleted photo"
            caption = _caption(node)
            lines.append(f"[Photo #{value}: {name}]" + (f" {caption}" if caption else ""))
        elif kind == "readmore":
            value = node.attrs.get("data-story-id", "")
            story = stories.get(int(value)) if value.isdigit() else None
            lines.append(f"[Read more #{value}: " + (f"“{story.headline}”]" if story else "a deleted story]"))
        elif kind == "factbox":
            parts = [line.strip() for child in node.elements() for line in _lines(child).split("\n")]
            lines.append("[Fact box] " + " / ".join(part for part in parts if part))
        elif isinstance(node, tree.Element):
            for line in re.split(r"\n+", _lines(node)):
                if line.strip():
                    lines.append(line.strip())
        elif node.strip():
            lines.append(node.strip())
    return "\n".join(lines)


def _lines(node: tree.Element) -> str:
    """Text with a line break after each paragraph-like element, as the diff showed bodies before."""
    out = []
    for child in node.children:
        if isinstance(child, str):
            out.append(child)
        else:
            out.append(_lines(child))
            if child.tag in ("p", "li", "h2", "h3", "h4", "blockquote"):
                out.append("\n")
    return "".join(out) + ("\n" if node.tag in ("p", "li", "h2", "h3", "h4", "blockquote") else "")
