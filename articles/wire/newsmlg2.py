"""IPTC NewsML-G2 to wire items: a newsMessage (its itemSet), a single newsItem or a packageItem.

Text items (itemClass ninat:text) become items; their body is the NITF or XHTML of an inlineXML, or the
plain text of an inlineData, made into HTML here and sanitised by the ingest like every feed's. A
picture item is not an item of its own: a package that groups it with a text item gives that item its
picture (the largest remote rendition with an absolute address), caption and credit. Canceled and
withheld items are left out; an embargo and the note to editors come with the item. Parsed with
defusedxml: a DTD or an entity is refused (no XXE, no bombs).
"""

import re

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from django.utils.dateparse import parse_datetime
from django.utils.html import escape

from .parsing import Incoming, ParseError, _text_to_html, _when

NAR = "{http://iptc.org/std/nar/2006-10-01/}"
ITEMS = {f"{NAR}newsItem", f"{NAR}packageItem"}
SPACE = re.compile(r"\s+")
# NITF and XHTML elements kept as the HTML that the sanitiser then checks; the rest are unwrapped.
TAGS = {
    "p": "p", "hl2": "h2", "h2": "h2", "h3": "h3", "h4": "h4", "bq": "blockquote", "blockquote": "blockquote",
    "ul": "ul", "ol": "ol", "li": "li", "a": "a", "em": "em", "i": "em", "strong": "strong", "b": "strong",
    "q": "q", "br": "br", "table": "table", "tr": "tr", "td": "td", "th": "th", "tbody": "tbody",
}  # fmt: skip
DROPPED = {"media", "img", "script", "style", "object", "iframe", "body.head", "body.end", "head", "note"}


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _text(element) -> str:
    return SPACE.sub(" ", "".join(element.itertext())).strip() if element is not None else ""


def _code(element, attribute: str = "qcode") -> str:
    """A QCode or URI's last part: "ninat:text" and "http://cv.iptc.org/newscodes/ninat/text" are "text"."""
    value = (element.get(attribute) or element.get("uri") or "") if element is not None else ""
    return re.split(r"[:/]", value.rstrip("/"))[-1]


def _html(element) -> str:
    """An NITF or XHTML element's content as HTML: known elements kept, others unwrapped, text escaped."""
    out = [escape(SPACE.sub(" ", element.text or ""))]
    for child in element:
        name = _local(child.tag)
        if name not in DROPPED:
            tag = TAGS.get(name)
            inner = _html(child)
            if tag == "br":
                out.append("<br>")
            elif tag == "a":
                href = child.get("href", "")
                out.append(f'<a href="{escape(href)}">{inner}</a>' if href else inner)
            elif tag:
                out.append(f"<{tag}>{inner.strip()}</{tag}>")
            else:
                out.append(inner)
        out.append(escape(SPACE.sub(" ", child.tail or "")))
    return "".join(out)


def _body(item) -> tuple[str, str]:
    """(body HTML, abstract) from the item's contentSet."""
    content = item.find(f"{NAR}contentSet")
    if content is None:
        return "", ""
    for inline in content.findall(f"{NAR}inlineXML"):
        for root in inline:
            name = _local(root.tag)
            if name == "nitf":
                body = next((e for e in root.iter() if _local(e.tag) == "body.content"), None)
                abstract = next((e for e in root.iter() if _local(e.tag) == "abstract"), None)
                return (_html(body).strip() if body is not None else ""), _text(abstract)
            if name == "html":
                body = next((e for e in root if _local(e.tag) == "body"), None)
                return (_html(body).strip() if body is not None else ""), ""
            if name in TAGS or name == "div":  # a bare XHTML fragment
                return _html(inline).strip(), ""
    for data in content.findall(f"{NAR}inlineData"):
        if (data.get("contenttype") or "text/plain").startswith("text/plain"):
            return _text_to_html(data.text or ""), ""
    return "", ""


def _described(meta, role: str) -> str:
    rows = meta.findall(f"{NAR}description") if meta is not None else []
    chosen = next((d for d in rows if _code(d, "role") == role), rows[0] if rows else None)
    return _text(chosen)


def _subjects(meta) -> list[str]:
    names = []
    for subject in meta.findall(f"{NAR}subject"):
        name = _text(subject.find(f"{NAR}name"))
        if name and name not in names:
            names.append(name)
    for keyword in meta.findall(f"{NAR}keyword"):
        if _text(keyword) and _text(keyword) not in names:
            names.append(_text(keyword))
    return names


def _picture(item) -> tuple[str, str, str]:
    """(url, caption, credit) of a picture item: its widest remote image with an absolute address."""
    meta = item.find(f"{NAR}contentMeta")
    renditions = [
        r
        for r in item.iterfind(f"{NAR}contentSet/{NAR}remoteContent")
        if (r.get("contenttype") or "image/").startswith("image/")
        and (r.get("href") or "").startswith(("https://", "http://"))
    ]
    if not renditions or meta is None:
        return "", "", ""
    best = max(renditions, key=lambda r: int(r.get("width") or 0) if (r.get("width") or "").isdigit() else 0)
    credit = (
        _text(meta.find(f"{NAR}creditline"))
        or _text(meta.find(f"{NAR}creator/{NAR}name"))
        or _text(item.find(f"{NAR}rightsInfo/{NAR}copyrightHolder/{NAR}name"))
    )
    return best.get("href"), _described(meta, "caption"), credit


def _incoming(item) -> Incoming | None:
    meta, content_meta = item.find(f"{NAR}itemMeta"), item.find(f"{NAR}contentMeta")
    if meta is None or content_meta is None or _code(meta.find(f"{NAR}itemClass")) != "text":
        return None
    if _code(meta.find(f"{NAR}pubStatus")) in ("canceled", "withheld"):
        return None
    headline = _text(content_meta.find(f"{NAR}headline"))
    guid = (item.get("guid") or "").strip()
    if not guid or not headline:
        return None
    body, abstract = _body(item)
    version = (item.get("version") or "").strip()
    when = _text(meta.find(f"{NAR}versionCreated")) or _text(meta.find(f"{NAR}firstCreated"))
    try:
        sent_at = parse_datetime(when) if when else None
    except ValueError:
        sent_at = None
    return Incoming(
        guid=guid[:500],
        headline=headline,
        summary=_described(content_meta, "summary") or abstract,
        body=body,
        subjects=_subjects(content_meta),
        sent_at=sent_at,
        version=int(version) if version.isdigit() else None,
        embargoed_until=_when(_text(meta.find(f"{NAR}embargoed"))),
        editors_note=_text(meta.find(f"{NAR}edNote")),
    )


def parse(body: bytes) -> list[Incoming]:
    try:
        root = SafeET.fromstring(body, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise ParseError(f"refused: the document declares {type(exc).__name__}") from exc
    except SafeET.ParseError as exc:
        raise ParseError(f"not valid XML: {exc}") from exc
    if root.tag == f"{NAR}newsMessage":
        items = [e for e in root.iterfind(f"{NAR}itemSet/*") if e.tag in ITEMS]
    elif root.tag in ITEMS:
        items = [root]
    else:
        raise ParseError(f"not a NewsML-G2 document (a newsMessage or newsItem), but <{_local(root.tag)}>")
    by_guid = {item.get("guid"): item for item in items if item.get("guid")}
    incoming = {}
    for item in items:
        if item.tag == f"{NAR}newsItem" and (parsed := _incoming(item)):
            incoming[item.get("guid")] = parsed
    # A package that groups a text item with a picture item gives the text its picture.
    for package in (i for i in items if i.tag == f"{NAR}packageItem"):
        refs = [by_guid.get(ref.get("residref")) for ref in package.iter(f"{NAR}itemRef")]
        pictures = [p for r in refs if r is not None and (p := _picture(r))[0]]
        for ref in refs:
            text = incoming.get(ref.get("guid")) if ref is not None else None
            if text and pictures and not text.picture_url:
                text.picture_url, text.picture_caption, text.picture_credit = pictures[0]
    return list(incoming.values())
