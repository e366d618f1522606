"""WordPress's export format (WXR 1.0, 1.1, 1.2) read as a stream: one channel entry at a time, each
dropped once read, so a 2 GB export runs in bounded memory. The parser refuses DTDs and entities (no
XXE, no entity bombs). Real exports name the wp namespace over http:// or https://, so elements are
matched by the namespace's meaning, not its exact URI."""

import hashlib
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

WP_NS = re.compile(r"^https?://wordpress\.org/export/1\.[0-2]/$")
PREFIXES = [
    (re.compile(r"^https?://wordpress\.org/export/1\.[0-2]/excerpt/$"), "excerpt"),
    (WP_NS, "wp"),
    (re.compile(r"^http://purl\.org/rss/1\.0/modules/content/$"), "content"),
    (re.compile(r"^http://purl\.org/dc/elements/1\.1/$"), "dc"),
]


class WxrError(Exception):
    """The file is not a readable WordPress export: the message says where and why, in one line."""


@dataclass
class Author:
    login: str
    display_name: str = ""
    email: str = ""
    first_name: str = ""
    last_name: str = ""


@dataclass
class Term:
    taxonomy: str  # category, post_tag, or another (Co-Authors Plus: author)
    slug: str
    name: str
    parent: str = ""
    description: str = ""


@dataclass
class Comment:
    wp_id: int
    author: str
    date_gmt: datetime | None
    text: str
    approved: bool


@dataclass
class Item:
    post_id: int
    post_type: str
    title: str = ""
    link: str = ""
    guid: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    status: str = ""
    post_name: str = ""
    date_gmt: datetime | None = None
    modified_gmt: datetime | None = None
    parent: int = 0
    sticky: bool = False
    attachment_url: str = ""
    terms: list[tuple[str, str, str]] = field(default_factory=list)  # (domain, nicename, name)
    meta: dict[str, str] = field(default_factory=dict)
    comments: list[Comment] = field(default_factory=list)

    def digest(self) -> str:
        """Of what the import reads: a newer export with a different one is an update."""
        parts = [
            self.post_type, self.title, self.content, self.excerpt, self.status, self.post_name,
            str(self.date_gmt), str(self.modified_gmt), str(self.parent), str(self.sticky),
            self.attachment_url, repr(sorted(self.terms)), repr(sorted(self.meta.items())), self.creator,
        ]  # fmt: skip
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


@dataclass
class Channel:
    title: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    version: str = ""


def _name(tag: str) -> str:
    """`{uri}local` as `prefix:local` for the namespaces the format uses; plain RSS names stay plain."""
    if tag.startswith("{"):
        uri, local = tag[1:].split("}", 1)
        for pattern, prefix in PREFIXES:
            if pattern.match(uri):
                return f"{prefix}:{local}"
        return f"?:{local}"
    return tag


def _text(element) -> str:
    return (element.text or "").strip() if element is not None else ""


def _children(element) -> dict[str, str]:
    return {_name(child.tag): (child.text or "") for child in element}


def parse_gmt(value: str) -> datetime | None:
    value = (value or "").strip()
    if not value or value.startswith("0000"):
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def _int(value: str, what: str) -> int:
    try:
        return int((value or "0").strip() or 0)
    except ValueError as exc:
        raise WxrError(f"{what} is not a number: {value.strip()[:40]!r}") from exc


def _item(element) -> Item:
    values, terms, meta, comments = {}, [], {}, []
    for child in element:
        name = _name(child.tag)
        if name == "category":
            domain, nicename = child.get("domain", ""), child.get("nicename", "")
            terms.append((domain, nicename, html.unescape((child.text or "").strip())))
        elif name == "wp:postmeta":
            kv = _children(child)
            meta[kv.get("wp:meta_key", "").strip()] = kv.get("wp:meta_value", "")
        elif name == "wp:comment":
            kv = _children(child)
            if kv.get("wp:comment_type", "").strip() in ("", "comment"):
                comments.append(
                    Comment(
                        wp_id=_int(kv.get("wp:comment_id", ""), "A comment id"),
                        author=kv.get("wp:comment_author", "").strip(),
                        date_gmt=parse_gmt(kv.get("wp:comment_date_gmt", "")),
                        text=kv.get("wp:comment_content", ""),
                        approved=kv.get("wp:comment_approved", "").strip() == "1",
                    )
                )
        else:
            values[name] = child.text or ""
    return Item(
        post_id=_int(values.get("wp:post_id", ""), "A post id"),
        post_type=values.get("wp:post_type", "post").strip(),
        title=values.get("title", "").strip(),
        link=values.get("link", "").strip(),
        guid=values.get("guid", "").strip(),
        creator=values.get("dc:creator", "").strip(),
        content=values.get("content:encoded", ""),
        excerpt=values.get("excerpt:encoded", ""),
        status=values.get("wp:status", "").strip(),
        post_name=values.get("wp:post_name", "").strip(),
        date_gmt=parse_gmt(values.get("wp:post_date_gmt", "")),
        modified_gmt=parse_gmt(values.get("wp:post_modified_gmt", "")),
        parent=_int(values.get("wp:post_parent", ""), "A post parent"),
        sticky=values.get("wp:is_sticky", "0").strip() == "1",
        attachment_url=values.get("wp:attachment_url", "").strip(),
        terms=terms,
        meta=meta,
        comments=comments,
    )


def _term(element, kind: str) -> Term:
    # WordPress keeps term names HTML-escaped ("Planning &amp; Housing").
    kv = {k: html.unescape(v.strip()) for k, v in _children(element).items()}
    if kind == "wp:category":
        return Term("category", kv.get("wp:category_nicename", ""), kv.get("wp:cat_name", ""),
                    kv.get("wp:category_parent", ""), kv.get("wp:category_description", ""))  # fmt: skip
    if kind == "wp:tag":
        return Term("post_tag", kv.get("wp:tag_slug", ""), kv.get("wp:tag_name", ""),
                    description=kv.get("wp:tag_description", ""))  # fmt: skip
    return Term(kv.get("wp:term_taxonomy", ""), kv.get("wp:term_slug", ""), kv.get("wp:term_name", ""),
                kv.get("wp:term_parent", ""), kv.get("wp:term_description", ""))  # fmt: skip


def read(source) -> Iterator[Channel | Author | Term | Item]:
    """Each thing in the export, in file order: the Channel first (once its head is read), then authors,
    terms and items. Raises WxrError for a file that is not a well-formed WordPress export."""
    channel_element, channel, told = None, Channel(), False
    depth = 0
    try:
        for event, element in iterparse(source, events=("start", "end"), forbid_dtd=True):
            if event == "start":
                depth += 1
                if depth == 2 and element.tag == "channel":
                    channel_element = element
                continue
            depth -= 1
            if depth != 2 or channel_element is None:
                if depth == 0 and not told:
                    raise WxrError("this is not a WordPress export (it has no wp:wxr_version)")
                continue
            name = _name(element.tag)
            if name == "title" and not channel.title:
                channel.title = _text(element)
            elif name == "wp:wxr_version":
                channel.version = _text(element)
            elif name == "wp:base_site_url":
                channel.base_site_url = _text(element).rstrip("/")
            elif name == "wp:base_blog_url":
                channel.base_blog_url = _text(element).rstrip("/")
            elif name in ("wp:author", "wp:category", "wp:tag", "wp:term", "item"):
                if not told:
                    if not channel.version:
                        raise WxrError("this is not a WordPress export (it has no wp:wxr_version)")
                    told = True
                    yield channel
                if name == "wp:author":
                    kv = {k: v.strip() for k, v in _children(element).items()}
                    yield Author(
                        login=kv.get("wp:author_login", ""),
                        display_name=kv.get("wp:author_display_name", ""),
                        email=kv.get("wp:author_email", ""),
                        first_name=kv.get("wp:author_first_name", ""),
                        last_name=kv.get("wp:author_last_name", ""),
                    )
                elif name == "item":
                    yield _item(element)
                else:
                    yield _term(element, name)
            # What was read is dropped: memory stays that of one entry, whatever the file's size.
            channel_element.clear()
        if not told:
            if not channel.version:
                raise WxrError("this is not a WordPress export (it has no wp:wxr_version)")
            yield channel
    except ParseError as exc:
        line, column = exc.position
        hint = ""
        if "no element found" in str(exc) or "unclosed token" in str(exc):
            hint = " (the file ends too soon: was it cut short?)"
        elif "invalid token" in str(exc) or "encoding" in str(exc):
            hint = " (a character the file's encoding does not allow: is it really UTF-8?)"
        raise WxrError(f"the XML is broken at line {line}, column {column}: {exc.msg}{hint}") from exc
    except DefusedXmlException as exc:
        raise WxrError(f"the file declares a DTD or entities, which no export has: refused ({exc})") from exc
