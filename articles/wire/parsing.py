"""Feed bodies to items: RSS 2.0 and Atom with feedparser (media:content pictures included), IPTC ninjs
1.x and 2.x by hand (it is JSON); IPTC NewsML-G2 in newsmlg2.py, on this module's Incoming. A body that
is not what the feed's format says raises ParseError."""

import calendar
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

import feedparser
from django.utils.dateparse import parse_datetime
from django.utils.html import escape, strip_tags

# feedparser notes these but still reads the feed: not errors.
BENIGN = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)
PICTURE_TYPES = ("picture", "image", "graphic")


class ParseError(Exception):
    pass


@dataclass
class Incoming:
    guid: str
    headline: str
    summary: str = ""
    body: str = ""
    picture_url: str = ""
    picture_caption: str = ""
    picture_credit: str = ""
    subjects: list = field(default_factory=list)
    link: str = ""
    sent_at: datetime | None = None
    version: int | None = None  # ninjs says it; for RSS and Atom a changed content is a new version
    embargoed_until: datetime | None = None  # ninjs `embargoed`, NewsML-G2 `embargoed`
    editors_note: str = ""  # NewsML-G2 `edNote`, ninjs 1.x `ednote`


def parse(fmt: str, body: bytes) -> list[Incoming]:
    return parse_ninjs(body) if fmt == "ninjs" else parse_xml(body)


# --- RSS and Atom -----------------------------------------------------------------------------------


def _time(parsed) -> datetime | None:
    return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC) if parsed else None


def _picture(entry) -> tuple[str, str, str]:
    """(url, caption, credit) of the entry's first picture: media:content, media:thumbnail, an enclosure."""
    for media in entry.get("media_content", []):
        kind = media.get("medium") or media.get("type", "").split("/")[0]
        if media.get("url") and kind in ("image", "") and not media.get("type", "image/").startswith("video"):
            caption = entry.get("media_title", "")
            credit = (
                entry.get("media_credit", [{}])[0].get("content", "") if entry.get("media_credit") else ""
            )
            return media["url"], strip_tags(caption), credit
    for enclosure in entry.get("enclosures", []):
        if enclosure.get("type", "").startswith("image/") and enclosure.get("href"):
            return enclosure["href"], "", ""
    for thumb in entry.get("media_thumbnail", []):
        if thumb.get("url"):
            return thumb["url"], "", ""
    return "", "", ""


def parse_xml(body: bytes) -> list[Incoming]:
    parsed = feedparser.parse(body)
    if parsed.get("bozo") and not isinstance(parsed.get("bozo_exception"), BENIGN):
        raise ParseError(f"not valid XML: {parsed.get('bozo_exception')}")
    if not parsed.get("version"):
        raise ParseError("not an RSS or Atom feed")
    items = []
    for entry in parsed.entries:
        guid = entry.get("id") or entry.get("link") or ""
        headline = strip_tags(entry.get("title", "")).strip()
        if not guid or not headline:
            continue
        content = entry.get("content") or []
        summary = entry.get("summary", "")
        body_html = content[0].get("value", "") if content else ""
        url, caption, credit = _picture(entry)
        items.append(
            Incoming(
                guid=guid[:500],
                headline=headline,
                summary=strip_tags(summary).strip() if body_html or summary else "",
                body=body_html or (summary if "<" in summary else ""),
                picture_url=url,
                picture_caption=caption,
                picture_credit=credit,
                subjects=[t.get("term", "") for t in entry.get("tags", []) if t.get("term")],
                link=entry.get("link", ""),
                # `in` first: feedparser's get() maps a missing updated to published with a warning.
                sent_at=_time(
                    entry["updated_parsed"] if "updated_parsed" in entry else entry.get("published_parsed")
                ),
            )
        )
    return items


# --- ninjs 1.x and 2.x -------------------------------------------------------------------------------


def _first(rows, *, key="value", prefer=()):
    """The value of the row whose role (or contenttype) comes first in `prefer`, else of the first row."""
    rows = [row for row in rows or [] if isinstance(row, dict) and row.get(key)]
    for wanted in prefer:
        for row in rows:
            if wanted in (row.get("role"), row.get("contenttype"), row.get("name")):
                return row[key]
    return rows[0][key] if rows else ""


def _text_to_html(text: str) -> str:
    return "".join(f"<p>{escape(p.strip())}</p>" for p in text.split("\n\n") if p.strip())


def _renditions(obj) -> list[dict]:
    renditions = obj.get("renditions") or []
    if isinstance(renditions, dict):  # 1.x: name -> rendition
        renditions = [
            {"name": name, **value} for name, value in renditions.items() if isinstance(value, dict)
        ]
    return [r for r in renditions if isinstance(r, dict) and r.get("href")]


def _ninjs_picture(item) -> tuple[str, str, str]:
    associations = item.get("associations") or []
    if isinstance(associations, dict):  # 1.x: name -> object
        associations = [
            {"name": name, **value} for name, value in associations.items() if isinstance(value, dict)
        ]
    for obj in associations:
        if not isinstance(obj, dict) or obj.get("type") not in PICTURE_TYPES:
            continue
        renditions = _renditions(obj)
        if not renditions:
            continue
        named = {r.get("name"): r for r in renditions}
        best = (
            named.get("original")
            or named.get("baseImage")
            or max(renditions, key=lambda r: r.get("width") or 0)
        )
        caption = obj.get("description_text") or _first(obj.get("descriptions")) or obj.get("headline") or ""
        credit = (
            obj.get("byline") or _first(obj.get("bylines"), key="byline") or obj.get("copyrightholder") or ""
        )
        return best["href"], strip_tags(caption), credit
    return "", "", ""


def _ninjs_item(item: dict) -> Incoming | None:
    if item.get("type", "text") != "text" or not item.get("uri"):
        return None
    headline = item.get("headline") or _first(item.get("headlines"), prefer=("main",))
    if not headline:
        return None
    summary = (
        item.get("description_text")
        or strip_tags(item.get("description_html", ""))
        or strip_tags(_first(item.get("descriptions"), prefer=("summary", "text/plain")))
    )
    body = item.get("body_html") or ""
    if not body:
        bodies = [b for b in item.get("bodies") or [] if isinstance(b, dict)]
        html = [b for b in bodies if b.get("contenttype", "text/html") == "text/html"]
        body = _first(html) or _text_to_html(_first(bodies) or item.get("body_text", ""))
    subjects = item.get("subjects") if "subjects" in item else item.get("subject")
    url, caption, credit = _ninjs_picture(item)
    version = str(item.get("version", ""))
    when = item.get("versioncreated") or item.get("firstcreated") or ""
    return Incoming(
        guid=str(item["uri"])[:500],
        headline=strip_tags(str(headline)).strip(),
        summary=summary.strip(),
        body=body,
        picture_url=url,
        picture_caption=caption,
        picture_credit=credit,
        subjects=[s["name"] for s in subjects or [] if isinstance(s, dict) and s.get("name")],
        sent_at=parse_datetime(when) if isinstance(when, str) else None,
        version=int(version) if version.isdigit() else None,
        embargoed_until=_when(item.get("embargoed")),
        editors_note=str(item.get("ednote") or "").strip(),
    )


def _when(value) -> datetime | None:
    """An ISO time, or None (absent or malformed). Both formats require an offset; one without is read
    as UTC rather than dropped, as an embargo must not vanish for a missing "Z"."""
    try:
        parsed = parse_datetime(value.strip()) if isinstance(value, str) else None
    except ValueError:
        return None
    if parsed is not None and parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def parse_ninjs(body: bytes) -> list[Incoming]:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ParseError(f"not valid JSON: {exc}") from exc
    if isinstance(data, dict):
        data = data.get("items") or data.get("data") or ([data] if "uri" in data else None)
    if not isinstance(data, list):
        raise ParseError("not a ninjs item or a list of them")
    items = []
    for row in data:
        try:
            item = _ninjs_item(row) if isinstance(row, dict) else None
        except (TypeError, AttributeError, ValueError, KeyError):
            item = None  # one malformed item (a field of the wrong type) does not sink the others
        if item:
            items.append(item)
    return items
