"""Reading rendered HTML the way a browser would, to judge what could execute in it."""

import base64
import hashlib
import re
from html.parser import HTMLParser

from articles.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, URL_SCHEMES

# Attributes whose value a browser treats as a URL it may navigate to, load or run.
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "data", "srcdoc", "xlink:href", "background", "poster",
    "codebase", "cite", "longdesc", "lowsrc", "dynsrc", "ping", "manifest", "srcset", "style",
}  # fmt: skip
ACTIVE_TAGS = {
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "svg", "math",
    "style", "link", "meta", "form", "input", "button", "textarea", "select", "template", "portal",
}  # fmt: skip
# Markup a page may carry outside the article body (its stylesheet, meta tags, a search form).
PAGE_FURNITURE = {"<link>", "<meta>", "<form>", "<input>", "<button>", "<select>", "<textarea>", "<script>"}
# Control characters and whitespace a browser ignores inside a URL scheme ("java\tscript:").
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f-\x9f]+")


class Element:
    def __init__(self, tag: str, attrs: dict[str, str | None]):
        self.tag, self.attrs, self.text = tag, attrs, ""


class _Scanner(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self._script: Element | None = None

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs))
        self.elements.append(element)
        if tag == "script":
            self._script = element

    def handle_startendtag(self, tag, attrs):
        self.elements.append(Element(tag, dict(attrs)))

    def handle_data(self, data):
        # Script content reaches here verbatim (no entity decoding), as a CSP hash needs it.
        if self._script is not None:
            self._script.text += data

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None


def elements(html: str) -> list[Element]:
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    return scanner.elements


def scripts(html: str) -> list[Element]:
    return [e for e in elements(html) if e.tag == "script"]


def url_scheme(value: str) -> str:
    """The scheme a browser would see in an attribute value (already entity-decoded), lower case."""
    value = _IGNORED_IN_SCHEME.sub("", value).lower()
    match = re.match(r"([a-z][a-z0-9+.\-]*):", value)
    return match.group(1) if match else ""


def dangerous_bits(html: str) -> list[str]:
    """Everything in `html` that could run script: event handlers, script-ish URLs, active elements."""
    found = []
    for element in elements(html):
        if element.tag in ACTIVE_TAGS:
            found.append(f"<{element.tag}>")
        for name, value in element.attrs.items():
            if name.startswith("on"):
                found.append(f"{element.tag}[{name}]")
            elif name in URL_ATTRIBUTES and value and url_scheme(value) in {"javascript", "vbscript", "data"}:
                found.append(f"{element.tag}[{name}={value[:40]!r}]")
            elif name == "style" and value and re.search(r"expression|url\s*\(|javascript", value, re.I):
                found.append(f"{element.tag}[style]")
    return found


def outside_allowlist(html: str) -> list[str]:
    """Tags, attributes and link schemes in `html` that the body's allowlist does not permit."""
    found = []
    for element in elements(html):
        if element.tag not in ALLOWED_TAGS:
            found.append(f"<{element.tag}>")
            continue
        allowed = ALLOWED_ATTRIBUTES.get(element.tag, set()) | ({"rel"} if element.tag == "a" else set())
        found += [f"{element.tag}[{name}]" for name in element.attrs if name not in allowed]
        href = element.attrs.get("href")
        if href is not None and url_scheme(href) not in URL_SCHEMES | {""}:
            found.append(f"a[href={href[:40]!r}]")
    return found


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name.lower()] = values
    return directives


def nonce_of(header: str) -> str | None:
    for value in csp_directives(header).get("script-src", []):
        if value.startswith("'nonce-"):
            return value[len("'nonce-") : -1]
    return None


def script_allowed(script: Element, header: str) -> bool:
    """Would a browser run `script` under the policy `header`? (Same-origin page assumed.)"""
    directives = csp_directives(header)
    sources = directives.get("script-src", directives.get("default-src", []))
    if "src" in script.attrs:
        src = script.attrs["src"] or ""
        same_origin = src.startswith("/") and not src.startswith("//")
        return (same_origin and "'self'" in sources) or f"'nonce-{script.attrs.get('nonce')}'" in sources
    if "'unsafe-inline'" in sources and not any(s.startswith(("'nonce-", "'sha")) for s in sources):
        return True
    if script.attrs.get("nonce") and f"'nonce-{script.attrs['nonce']}'" in sources:
        return True
    digest = base64.b64encode(hashlib.sha256(script.text.encode()).digest()).decode()
    return f"'sha256-{digest}'" in sources


class _FormReader(HTMLParser):
    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.fields = form_id, False, {}
        self._textarea = self._select = None
        self._multiple = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name = attrs.get("name") or ""
        if "__prefix__" in name:  # the inlines' blank template rows, not real forms
            return
        if tag == "input" and name and attrs.get("type") not in {"submit", "button", "file", "image"}:
            if attrs.get("type") in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.fields[name] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""
        elif tag == "select" and name:
            # A multiple select with nothing chosen sends nothing at all.
            self._select, self._multiple = name, "multiple" in attrs
            if not self._multiple:
                self.fields.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            value = attrs.get("value") or ""
            if self._multiple:
                self.fields.setdefault(self._select, []).append(value)
            else:
                self.fields[self._select] = value

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea:
            # Like a browser: the newline right after <textarea> is not part of the value.
            self.fields[self._textarea] = self.fields[self._textarea].removeprefix("\n")
            self._textarea = None
        elif tag == "select":
            self._select = None


def form_fields(html: str, form_id: str) -> dict[str, str | list[str]]:
    """What a browser would submit from the form `form_id` if nobody touched it."""
    reader = _FormReader(form_id)
    reader.feed(html)
    reader.close()
    return reader.fields
