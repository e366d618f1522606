"""The one allowlist that article HTML passes through, whatever the browser or an import sends."""

import re

import nh3

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "s", "u", "sub", "sup",
    "a", "ul", "ol", "li", "blockquote", "hr", "code", "pre",
    # Story blocks (articles/blocks/shortcodes.py): pull quote, inline photo, read-more, fact box.
    "figure", "figcaption", "aside",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start"},
    "figure": {"data-photo-id"},
    "aside": {"data-story-id"},
}
# Block kinds by value: anything else on these elements is dropped, and the element renders as plain.
BLOCK_VALUES = {
    "figure": {"data-block": {"pullquote", "photo"}},
    "aside": {"data-block": {"readmore", "factbox"}},
}
URL_SCHEMES = {"http", "https", "mailto"}


def _ids_are_numbers(element: str, attribute: str, value: str) -> str | None:
    if attribute in ("data-photo-id", "data-story-id"):
        return value if value.isascii() and value.isdigit() and len(value) < 19 else None
    return value


_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    tag_attribute_values=BLOCK_VALUES,
    attribute_filter=_ids_are_numbers,
    url_schemes=URL_SCHEMES,
    # Outbound links in wire copy must not pass our readers' referrer or window to the target.
    link_rel="noopener noreferrer",
    strip_comments=True,
)


def sanitize_html(html: str) -> str:
    """Return `html` with everything outside the allowlist removed; empty editor output becomes ''."""
    if not html:
        return ""
    cleaned = _cleaner.clean(strip_control(html)).strip()
    return "" if cleaned in {"<p></p>", "<p><br></p>"} else cleaned


def clean_text(value: str) -> str:
    """Plain-text fields: control characters and surrounding whitespace dropped."""
    return strip_control(value).strip() if value else value


# Control characters pasted from wire copy or other systems: invisible to the editor, refused by
# PostgreSQL (NUL) and by XML 1.0 (the rest), so one of them in a headline broke every feed. The ones
# that separate words (vertical tab, form feed, the C0 separators, NEL) become a space; the rest go.
_SEPARATORS = re.compile("[\x0b\x0c\x1c-\x1f\x85]")
_CONTROL = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ufffe\uffff]")


def strip_control(value: str) -> str:
    """`value` without control characters (tab, newline and carriage return are kept)."""
    if not value:
        return value
    return _CONTROL.sub("", _SEPARATORS.sub(" ", value))
