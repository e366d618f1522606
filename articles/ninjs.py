"""A published story as an IPTC ninjs 2.2 news item (https://www.iptc.org/std/ninjs/).

Only ninjs's own properties are used, so an item validates against IPTC's schema (which allows no others):

- `uri` is the story's tag: URI, its RSS/Atom GUID; `altids` carries its API id and slug.
- `headlines`, `descriptions` and `bodies` carry roles: headline `main` (and `seo`), description
  `summary` (and `seo`), body `main` as sanitised HTML with its character and word counts.
- The byline is `by` as readers see it, and each author an `infosources` entry with role `author`;
  sources the story attributes ("…, Reuters reported") are `infosources` with role `source`.
- `subjects` are the story's section (and its parent) with rel `section`, and its tags with rel `tag`.
- `associations` are pictures (type `picture`: the lead picture named `leadpicture`, gallery pictures
  `gallery-1`, `gallery-2`…, each with its renditions, caption, alt text, credit and usage terms) and the
  story's corrections and updates: items of type `text` whose `profile` is `correction` or `update`,
  named `correction-<id>`, dated by `firstcreated`, the note in `bodies`, the public anchor as a rendition.
- `renditions` has the story's web page (`web`, text/html).

`story_to_ninjs` reads only what `api.stories.stories()` joins and prefetches: a page of any size costs
the same queries.
"""

import functools
import re
from datetime import UTC, datetime
from html import unescape
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse

from articles.guids import GUID_YEAR, article_guid
from articles.images import renditions
from articles.sanitize import sanitize_html

NINJS_VERSION = "2.2"
STANDARD = {
    "name": "ninjs",
    "version": NINJS_VERSION,
    "schema": f"https://www.iptc.org/std/ninjs/ninjs-schema_{NINJS_VERSION}.json",
}
_TAG = re.compile(r"<[^>]+>")
_USAGE = {
    True: "May be redistributed by partners with the credit shown.",
    False: "Not for redistribution: shown with this story only.",
}


def absolute(path: str) -> str:
    return path if path.startswith(("http://", "https://")) else f"{settings.SITE_URL}{path}"


def photo_uri(pk: int) -> str:
    """A picture's tag: URI, minted like the stories' GUIDs (guids.py)."""
    return f"tag:{urlsplit(settings.SITE_URL).hostname},{GUID_YEAR}:photo:{pk}"


def timestamp(value: datetime | None) -> str | None:
    """RFC 3339 in UTC, to the second."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def language_tag() -> str:
    """LANGUAGE_CODE as BCP 47 ("en-gb" -> "en-GB")."""
    lang, _, region = settings.LANGUAGE_CODE.partition("-")
    return f"{lang}-{region.upper()}" if region else lang


def _byline(names: list[str]) -> str:
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _text(value: str, role: str, contenttype: str = "text/plain") -> dict:
    return {"role": role, "contenttype": contenttype, "value": value}


def _body(html: str) -> dict:
    clean = sanitize_html(html)
    text = " ".join(unescape(_TAG.sub(" ", clean)).split())
    return {
        "role": "main",
        "contenttype": "text/html",
        "charcount": len(text),
        "wordcount": len(text.split()),
        "value": clean,
    }


# Rendition URLs are a function of the photo's file, focal point and size (images/renditions.py): a page
# of stories shows the same pictures again and again, and building ~30 URLs through the storage costs
# more than the rest of a picture. Bounded; emptied when full.
_RENDITIONS: dict[tuple, list[dict]] = {}
_RENDITIONS_MAX = 4096


def picture_renditions(photo) -> list[dict]:
    """Every rendition of `photo`, in each crop and format, as ninjs renditions (computed, no disk access).
    The list is shared between calls: read it, never change it."""
    key = (photo.image.name, photo.focal_x, photo.focal_y, photo.width, photo.height, settings.SITE_URL)
    found = _RENDITIONS.get(key)
    if found is None:
        if len(_RENDITIONS) >= _RENDITIONS_MAX:
            _RENDITIONS.clear()
        found = _RENDITIONS[key] = [
            {
                "name": f"{crop}-{rendition.width}-{ext}",
                "href": absolute(rendition.url),
                "contenttype": contenttype,
                "width": rendition.width,
                "height": rendition.height,
            }
            for crop in renditions.CROPS
            for ext, _, contenttype in renditions.FORMATS
            for rendition in renditions.srcset(photo, crop, ext)
        ]
    return found


def picture_to_ninjs(photo, *, name: str, caption: str = "") -> dict:
    item = {
        "uri": photo_uri(photo.pk),
        "name": name,
        "type": "picture",
        "descriptions": [
            _text(caption or photo.caption, "caption"),
            _text(photo.alt_text, "alternative-text"),
        ],
        "by": photo.credit,
        "copyrightnotice": photo.copyright,
        "usageterms": _USAGE[photo.may_redistribute],
        "renditions": picture_renditions(photo),
    }
    if photo.credit_source_id:
        item["infosources"] = [_source(photo.credit_source, role="credit")]
    item["descriptions"] = [d for d in item["descriptions"] if d["value"]]
    return {key: value for key, value in item.items() if value not in ("", [])}


def _source(source, *, role: str) -> dict:
    entry = {"name": source.name, "role": role, "literal": source.slug}
    if source.url:
        entry["uri"] = source.url
    return entry


def correction_to_ninjs(note, article, page: str | None = None) -> dict:
    """A correction or update note; `page` is the story's absolute URL, when already known."""
    page = page or absolute(article.get_absolute_url())
    return {
        "uri": f"{article_guid(article.pk)}:{note.kind}:{note.pk}",
        "name": f"correction-{note.pk}",
        "type": "text",
        "profile": note.kind,
        "firstcreated": timestamp(note.created_at),
        "bodies": [_text(note.text, note.kind)],
        "renditions": [
            {
                "name": "web",
                "href": f"{page}#correction-{note.pk}",
                "contenttype": "text/html",
            }
        ],
    }


@functools.lru_cache(maxsize=8192)
def listing_url(route: str, slug: str, site_url: str) -> str:
    """A section's, tag's or author's page (`route` names its URL): one reverse() per slug per process,
    where a page of stories asks for the same few again and again."""
    return f"{site_url}{reverse(f'articles:{route}', kwargs={'slug': slug})}"


def _subject(name: str, route: str, slug: str, rel: str) -> dict:
    return {"name": name, "rel": rel, "uri": listing_url(route, slug, settings.SITE_URL), "literal": slug}


def _related(article, attr: str, manager: str) -> list:
    """A story's rows as api.stories.stories() prefetched them (`attr`), or read through `manager`."""
    found = getattr(article, attr, None)
    return found if found is not None else list(getattr(article, manager).all())


def story_to_ninjs(article, request=None) -> dict:
    """`article` (a published story, loaded by api.stories.stories()) as a ninjs 2.2 item.

    `request` is accepted for callers that have one; links are built from SITE_URL, so the same story
    gives the same item in an API response, a webhook or a feed.
    """
    authors = [byline.author for byline in _related(article, "api_bylines", "articleauthor_set")]
    page = absolute(article.get_absolute_url())
    section = article.section
    sections = [section.parent, section] if section.parent_id else [section]
    headlines = [_text(article.headline, "main")]
    if article.seo_title:
        headlines.append(_text(article.seo_title, "seo"))
    descriptions = []
    if article.standfirst:
        descriptions.append(_text(article.standfirst, "summary"))
    if article.meta_description:
        descriptions.append(_text(article.meta_description, "seo"))
    associations = []
    if article.lead_photo_id and article.lead_photo.width:
        associations.append(picture_to_ninjs(article.lead_photo, name="leadpicture"))
    for i, item in enumerate(_related(article, "api_gallery", "gallery_items"), start=1):
        if item.photo.width:
            associations.append(picture_to_ninjs(item.photo, name=f"gallery-{i}", caption=item.caption))
    # Oldest first, as a reader meets them at the foot of the story.
    notes = sorted(_related(article, "api_notes", "corrections"), key=lambda note: (note.created_at, note.pk))
    associations += [correction_to_ninjs(note, article, page) for note in notes]
    infosources = [
        {
            "name": author.name,
            "role": "author",
            "uri": listing_url("author", author.slug, settings.SITE_URL),
            "literal": author.slug,
        }
        for author in authors
    ]
    infosources += [
        _source(row.source, role="source") for row in _related(article, "api_sources", "articlesource_set")
    ]
    tags = sorted(_related(article, "api_tags", "tags"), key=lambda tag: (tag.name.lower(), tag.pk))
    item = {
        "uri": article_guid(article.pk),
        "standard": STANDARD,
        "type": "text",
        "representationtype": "full",
        "version": str(article.version),
        "firstcreated": timestamp(article.published_at),
        # A note changes the story without saving it: it sets revised_at alone.
        "versioncreated": timestamp(max(article.updated_at, article.revised_at or article.updated_at)),
        "contentcreated": timestamp(article.created_at),
        "pubstatus": "usable",
        "language": language_tag(),
        "slugline": article.slug,
        "altids": [{"role": "id", "value": str(article.pk)}, {"role": "slug", "value": article.slug}],
        "headlines": headlines,
        "descriptions": descriptions,
        "bodies": [_body(article.body)] if article.body else [],
        "by": _byline([author.name for author in authors]),
        "infosources": infosources,
        "subjects": [_subject(s.name, "section", s.slug, "section") for s in sections]
        + [_subject(tag.name, "tag", tag.slug, "tag") for tag in tags],
        "associations": associations,
        "renditions": [{"name": "web", "href": page, "contenttype": "text/html"}],
    }
    return {key: value for key, value in item.items() if value not in ("", [], None)}
