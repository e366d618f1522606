"""The one allowlist that article HTML passes through, whatever the browser or an import sends."""

import nh3

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "s", "u", "sub", "sup",
    "a", "ul", "ol", "li", "blockquote", "hr", "code", "pre",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    # Outbound links in wire copy must not pass our readers' referrer or window to the target.
    link_rel="noopener noreferrer",
    strip_comments=True,
)


def sanitize_html(html: str) -> str:
    """Return `html` with everything outside the allowlist removed; empty editor output becomes ''."""
    if not html:
        return ""
    cleaned = _cleaner.clean(html.replace("\x00", "")).strip()
    return "" if cleaned in {"<p></p>", "<p><br></p>"} else cleaned


def clean_text(value: str) -> str:
    """Plain-text fields: drop NUL bytes (PostgreSQL refuses them) and surrounding whitespace."""
    return value.replace("\x00", "").strip() if value else value
