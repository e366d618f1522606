"""The blocks as editors type them, and as the body stores them.

The admin's rich-text editor keeps only the elements it knows (paragraphs, lists, links...), so editors
write a block as a short code on a line of its own and the form turns it into the stored element when
the story is saved; the form shows stored blocks as short codes again when the story is reopened.

    [pull quote: The words said | Who said them]
        <figure data-block="pullquote"><blockquote><p>The words said</p></blockquote>
        <figcaption>Who said them</figcaption></figure>
    [photo: 12]  or  [photo: 12 | A caption for this story]
        <figure data-block="photo" data-photo-id="12"><figcaption>A caption…</figcaption></figure>
    [read more: 42]  (or the story's address; after | only a reminder of its headline)
        <aside data-block="readmore" data-story-id="42"></aside>
    [fact box: Title]  lines or a list  [end fact box]
        <aside data-block="factbox"><h2>Title</h2><ul>…</ul></aside>

The stored forms pass the sanitiser (sanitize.py allows exactly these elements and attributes), so a
revision, a restore or any other writer keeps them; rendering happens at read time (render.py).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from . import tree
from .embeds import embed_in

CODE = re.compile(
    r"\[\s*(pull ?quote|photo|read more|fact ?box|end fact ?box|/fact ?box)\s*(?::\s*(.*?))?\s*\]",
    re.IGNORECASE | re.DOTALL,
)

HELP = (
    "Blocks: put each on a line of its own. "
    "[pull quote: The words said | Who said them] · "
    "[photo: 12] or [photo: 12 | a caption for this story] (the number is the photo's, shown in Photos) · "
    "[read more: the address or number of another story] (readers see its current headline and photo) · "
    "[fact box: Title], then lines or a list, then [end fact box]. "
    "A link alone on its line to YouTube, Vimeo, X, Facebook, Instagram, TikTok, Bluesky, Mastodon, "
    "Spotify or Apple Podcasts becomes a player that readers load with a click."
)


@dataclass
class Expanded:
    html: str
    problems: list[str] = field(default_factory=list)


def _code(node) -> tuple[str, str, tree.Element] | None:
    """(name, argument text, paragraph) for a paragraph that is one short code and nothing else."""
    if not isinstance(node, tree.Element) or node.tag != "p":
        return None
    found = CODE.fullmatch(node.text().strip())
    if not found:
        return None
    name = re.sub(r"\s+", " ", found.group(1).lower()).replace("pullquote", "pull quote")
    name = name.replace("factbox", "fact box").replace("/fact box", "end fact box")
    return name, (found.group(2) or "").strip(), node


def _split(value: str) -> tuple[str, str]:
    head, bar, tail = value.rpartition("|")
    return (head.strip(), tail.strip()) if bar else (value.strip(), "")


def _pull_quote(paragraph: tree.Element, argument: str) -> tree.Element | None:
    inner = paragraph.inner_html().strip()
    # Keep the editor's emphasis inside the quote: cut the code's brackets from the markup itself.
    found = re.fullmatch(r"\[\s*pull ?quote\s*:\s*(.*?)\s*\]", inner, re.IGNORECASE | re.DOTALL)
    words_html, who = _split(found.group(1)) if found else (None, None)
    if words_html is None:
        words, who = _split(argument)
        words_html = tree.serialize([words])
    if not tree.Element("p", children=tree.parse(words_html)).text().strip():
        return None
    quote = tree.Element("blockquote", children=[tree.Element("p", children=tree.parse(words_html))])
    children = [quote]
    if who:
        children.append(tree.Element("figcaption", children=tree.parse(who)))
    return tree.Element("figure", {"data-block": "pullquote"}, children)


def _number(value: str) -> int | None:
    value = value.strip().lstrip("#").strip()
    return int(value) if value.isascii() and value.isdigit() and 0 < len(value) < 19 else None


def expand(html: str, *, story_id_for: Callable[[str], int | None]) -> Expanded:
    """Short codes in `html` turned into stored blocks, with what could not be understood.

    `story_id_for(reference)` finds the story a read-more names (a number, an address or a slug).
    """
    out, problems = [], []
    nodes = tree.parse(html)
    index = 0
    while index < len(nodes):
        node = nodes[index]
        index += 1
        found = _code(node)
        if found is None:
            out.append(node)
            continue
        name, argument, paragraph = found
        shown = paragraph.text().strip()[:80]
        if name == "pull quote":
            block = _pull_quote(paragraph, argument)
            if block is None:
                problems.append(f"“{shown}”: write the quote after the colon, then | and who said it.")
            out.append(block or node)
        elif name == "photo":
            number, caption = _split(" ".join(argument.split()))
            photo_id = _number(number)
            if photo_id is None:
                problems.append(f"“{shown}”: give the photo’s number, as shown in Photos, e.g. [photo: 12].")
                out.append(node)
                continue
            children = [tree.Element("figcaption", children=[caption])] if caption else []
            out.append(
                tree.Element("figure", {"data-block": "photo", "data-photo-id": str(photo_id)}, children)
            )
        elif name == "read more":
            reference, _reminder = _split(argument)
            story_id = story_id_for(reference) if reference else None
            if story_id is None:
                problems.append(
                    f"“{shown}”: no story has that number or address. Paste the story’s address, or its "
                    "number from the address of its page in the admin."
                )
                out.append(node)
                continue
            out.append(tree.Element("aside", {"data-block": "readmore", "data-story-id": str(story_id)}))
        elif name == "fact box":
            ends = (i for i in range(index, len(nodes)) if (c := _code(nodes[i])) and c[0] == "end fact box")
            end = next(ends, None)
            if end is None:
                problems.append(f"“{shown}” needs a line [end fact box] after the facts.")
                out.append(node)
                continue
            title = tree.Element("h2", children=[argument or "Key facts"])
            content = [n for n in nodes[index:end] if not (isinstance(n, str) and not n.strip())]
            out.append(tree.Element("aside", {"data-block": "factbox"}, [title, *content]))
            index = end + 1
        else:  # an end without a start
            problems.append("[end fact box] closes a fact box: start one with [fact box: Title] above it.")
            out.append(node)
    return Expanded(tree.serialize(out), problems)


def _block(node) -> str | None:
    if isinstance(node, tree.Element) and node.tag in ("figure", "aside"):
        return node.attrs.get("data-block")
    return None


def _figcaption(node: tree.Element) -> tree.Element | None:
    return next((child for child in node.elements() if child.tag == "figcaption"), None)


def collapse(html: str, *, headlines: dict[int, str] | None = None) -> str:
    """Stored blocks shown as short codes again, for the editor (`headlines` reminds which story a
    read-more is). Embeds lose their stored title here: the save finds it again for the same URL, so a
    link the editor changes never keeps another post's title."""
    out = []
    for node in tree.parse(html):
        kind = _block(node)
        if kind == "pullquote":
            quote = next((c for c in node.elements() if c.tag == "blockquote"), None)
            paragraphs = quote.elements() if quote else []
            words = " ".join(p.inner_html().strip() for p in paragraphs if p.tag == "p")
            caption = _figcaption(node)
            who = f" | {caption.inner_html().strip()}" if caption else ""
            out.append(f"<p>[pull quote: {words}{who}]</p>")
        elif kind == "photo":
            caption = _figcaption(node)
            text = f" | {caption.text().strip()}" if caption and caption.text().strip() else ""
            code = f"[photo: {node.attrs.get('data-photo-id', '')}{text}]"
            out.append(tree.serialize([tree.Element("p", children=[code])]))
        elif kind == "readmore":
            story_id = node.attrs.get("data-story-id", "")
            headline = (headlines or {}).get(int(story_id)) if story_id.isdigit() else None
            reminder = f" | {headline}" if headline else ""
            out.append(tree.serialize([tree.Element("p", children=[f"[read more: {story_id}{reminder}]"])]))
        elif kind == "factbox":
            children = node.elements()
            title = children[0].text().strip() if children and children[0].tag in ("h2", "h3", "h4") else ""
            content = children[1:] if title else children
            opening = tree.Element("p", children=[f"[fact box: {title}]" if title else "[fact box]"])
            out.append(tree.serialize([opening, *content, tree.Element("p", children=["[end fact box]"])]))
        else:
            if embed_in(node):
                for link in node.elements():
                    link.attrs.pop("title", None)
            out.append(tree.serialize([node]))
    return "".join(out)


def references(html: str) -> tuple[list[int], list[int]]:
    """The photo ids and story ids the body's blocks name, in order, without repeats."""
    photos, stories = {}, {}
    for node in tree.parse(html):
        kind = _block(node)
        if kind == "photo" and (value := node.attrs.get("data-photo-id", "")).isdigit():
            photos[int(value)] = None
        elif kind == "readmore" and (value := node.attrs.get("data-story-id", "")).isdigit():
            stories[int(value)] = None
    return list(photos), list(stories)
