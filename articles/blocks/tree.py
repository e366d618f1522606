"""A small element tree for story bodies: parse, walk, serialise.

Bodies have passed the sanitiser (sanitize.py) and so are well-formed, allowlisted HTML; the standard
library's parser is enough, and a tree is easier to get right than regular expressions over markup.
"""

from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser

VOID = {"br", "hr", "img", "source", "wbr", "input"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list = field(default_factory=list)  # Element or str (text, unescaped)

    def elements(self) -> list["Element"]:
        return [child for child in self.children if isinstance(child, Element)]

    def text(self) -> str:
        return "".join(child if isinstance(child, str) else child.text() for child in self.children)

    def inner_html(self) -> str:
        return serialize(self.children)


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#root")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Element(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag):
        # Close up to the matching open element; a stray end tag (never in sanitised input) is ignored.
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(html: str) -> list:
    """The top-level nodes of `html`: Elements and text."""
    builder = _Builder()
    builder.feed(html or "")
    builder.close()
    return builder.root.children


def serialize(nodes) -> str:
    out = []
    for node in nodes:
        if isinstance(node, str):
            out.append(escape(node, quote=False))
            continue
        attrs = "".join(f' {name}="{escape(value)}"' for name, value in node.attrs.items())
        out.append(f"<{node.tag}{attrs}>")
        if node.tag not in VOID:
            out.append(serialize(node.children))
            out.append(f"</{node.tag}>")
    return "".join(out)
