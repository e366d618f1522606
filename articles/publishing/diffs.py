"""Readable differences between two snapshots of an article (revisions, edit conflicts)."""

import difflib
import re

from django.utils.html import escape, format_html, strip_tags
from django.utils.safestring import mark_safe

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
        # Compare what readers read: one paragraph a line, tags dropped.
        return strip_tags(re.sub(r"</(p|h\d|li|blockquote)>", "\n", value)).strip()
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


def field_diffs(old: dict, new: dict) -> list[tuple[str, str]]:
    """(label, html) for every field that differs between two snapshots."""
    changes = []
    for name, label in LABELS.items():
        before, after = _text(name, old.get(name)), _text(name, new.get(name))
        if before != after:
            changes.append((label, inline_diff(before, after)))
    return changes
