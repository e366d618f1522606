"""Readable differences between two snapshots of an article (revisions, edit conflicts)."""

import difflib
import re

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from articles.blocks.render import body_text
from articles.models import Author, Photo, Section, Source

LABELS = {
    "headline": "Headline",
    "slug": "Slug",
    "standfirst": "Standfirst",
    "body": "Body",
    "section_id": "Section",
    "lead_photo_id": "Lead photo",
    "status": "Status",
    "published_at": "Publish time",
    "embargo_until": "Embargo",
    "seo_title": "Search title",
    "meta_description": "Meta description",
    "tags": "Tags",
    "authors": "Byline",
    "sources": "Sources",
    "corrections": "Corrections",
}


def _text(name, value) -> str:
    if value is None:
        return ""
    if name == "body":
        # Compare what readers read: one paragraph a line, tags dropped, each block named.
        return body_text(value)
    if name == "corrections":
        return "\n".join(f"{c['kind']}: {c['text']}" for c in value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def inline_diff(old: str, new: str) -> str:
    """Word-level diff as HTML with <del> and <ins>; everything else escaped."""
    a, b = re.split(r"(\s+)", old), re.split(r"(\s+)", new)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(format_html("<del>{}</del>", "".join(a[i1:i2])))
        if i2 > i1 and j2 > j1:
            out.append(" ")
        if j2 > j1:
            out.append(format_html("<ins>{}</ins>", "".join(b[j1:j2])))
    return mark_safe("".join(out))


# Snapshots keep ids; people read names. A row deleted since is named as such.
NAMED = {"section_id": Section, "lead_photo_id": Photo, "authors": Author, "sources": Source}


def _names(old: dict, new: dict) -> dict[str, dict[int, str]]:
    names = {}
    for field, model in NAMED.items():
        ids = set()
        for snap in (old, new):
            value = snap.get(field)
            ids.update(value if isinstance(value, list) else [value] if value else [])
        found = {pk: str(row) for pk, row in model.objects.in_bulk(ids).items()} if ids else {}
        names[field] = {pk: found.get(pk, f"(deleted {model._meta.verbose_name} #{pk})") for pk in ids}
    return names


def _named(field: str, value, names: dict):
    if field not in names or value is None:
        return value
    if isinstance(value, list):
        return [names[field].get(v, v) for v in value]
    return names[field].get(value, value)


def field_diffs(old: dict, new: dict) -> list[tuple[str, str]]:
    """(label, html) for every field that differs between two snapshots, with names for ids."""
    changes = []
    names = _names(old, new)
    for name, label in LABELS.items():
        before = _text(name, _named(name, old.get(name), names))
        after = _text(name, _named(name, new.get(name), names))
        if before != after:
            changes.append((label, inline_diff(before, after)))
    return changes
