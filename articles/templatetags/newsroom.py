import json
from functools import lru_cache
from types import SimpleNamespace

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils.html import _json_script_escapes, conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe

from articles.images import renditions, storage
from articles.sanitize import strip_control

register = template.Library()


# Stand-ins for the two attributes a <picture> takes per page, swapped for str.format() fields once the
# markup is escaped: control characters never reach the database's text (articles/textfields.py).
_SIZES, _LOADING = "\x00sizes\x00", "\x00loading\x00"
LAZY = ' loading="lazy" decoding="async"'
# The lead image is the page's largest paint: fetch it first; everything else waits.
EAGER = ' fetchpriority="high" decoding="async"'


@register.simple_tag
def picture(photo, sizes="100vw", crop="original", lazy=True, css_class=""):
    """A responsive <picture>: WebP first, JPEG fallback, with width/height so nothing shifts."""
    shown = picture_template(photo, crop, css_class)
    return mark_safe(shown.format(sizes=conditional_escape(sizes), loading=LAZY if lazy else EAGER))


def picture_template(photo, crop="original", css_class="") -> str:
    """picture()'s markup as a str.format() template with `{sizes}` and `{loading}` left open (any other
    brace doubled), so a stored card can take its options without rendering again. "" without a photo."""
    if not photo or not photo.width:
        return ""
    sources = _sources(
        photo.image.name, photo.width, photo.height, photo.focal_x, photo.focal_y, crop, storage.renditions()
    )
    if sources is None:
        return ""
    webp_set, jpeg_set, fallback = sources
    html = format_html(
        '<picture><source type="image/webp" srcset="{}" sizes="{}">'
        '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}"{}{}></picture>',
        webp_set,
        mark_safe(_SIZES),
        fallback.url,
        jpeg_set,
        mark_safe(_SIZES),
        fallback.width,
        fallback.height,
        photo.alt_text,
        format_html(' class="{}"', css_class) if css_class else "",
        mark_safe(_LOADING),
    )
    return braces(html).replace(_SIZES, "{sizes}").replace(_LOADING, "{loading}")


def braces(text: str) -> str:
    """`text` as literal text of a str.format() template."""
    return text.replace("{", "{{").replace("}", "}}")


@lru_cache(maxsize=8192)
def _sources(image_name, width, height, focal_x, focal_y, crop, files):
    """The srcsets of one photo's crop. Pure in its arguments (the renditions storage `files` included,
    so a change of storage or MEDIA_URL gets fresh values), and a listing repeats it dozens of times per
    page: computed once."""
    shape = SimpleNamespace(
        image=SimpleNamespace(name=image_name), width=width, height=height, focal_x=focal_x, focal_y=focal_y
    )
    jpeg = renditions.srcset(shape, crop, "jpg")
    if not jpeg:
        return None
    webp = renditions.srcset(shape, crop, "webp")
    return _srcset(webp), _srcset(jpeg), jpeg[min(2, len(jpeg) - 1)]


def _srcset(renditions):
    return format_html_join(", ", "{} {}w", ((r.url, r.width) for r in renditions))


@register.filter
def absolute(url):
    """`url` as an absolute URL: a path gets SITE_URL, a URL already absolute (a CDN's) is kept."""
    url = str(url)
    return url if url.startswith(("https://", "http://")) else f"{settings.SITE_URL}{url}"


@register.filter
def xml_text(value):
    """Text for an XML document: without the control characters XML 1.0 cannot carry (autoescaped after)."""
    return strip_control(str(value))


@register.filter
def og_image(photo):
    return renditions.og_image(photo) if photo and photo.width else None


@register.filter
def absolute_media(url):
    """A media URL for other sites (Open Graph): SITE_URL in front only if the storage gave a path."""
    return storage.absolute_url(url)


def json_ld_payload(data) -> str:
    """JSON-LD as the text of a script element, escaped like json_script (kept as is in fragments)."""
    return json.dumps(data, cls=DjangoJSONEncoder).translate(_json_script_escapes)


@register.simple_tag(takes_context=True)
def json_ld(context, data=None, payload=None):
    """JSON-LD in a script element carrying this response's CSP nonce: from `data`, or from a `payload`
    that json_ld_payload() made earlier."""
    if payload is None:
        if data is None:
            return ""
        payload = json_ld_payload(data)
    nonce = context.get("csp_nonce", "")
    return format_html(
        '<script type="application/ld+json" nonce="{}">{}</script>', str(nonce), mark_safe(payload)
    )


# (template, settings version, current section) -> markup; bounded, and superseded with each version.
_chrome = {}


@register.simple_tag(takes_context=True)
def chrome(context, template_name):
    """The site's header or footer, rendered once per version of the site context and section.

    They show only the site's settings, its navigation and which section is current: rendering them
    for every page cost about a third of an article page served from its fragments.
    """
    site = context["site"]
    section = context.get("current_section")
    values = {"site": site, "current_section": section}
    version = site.get("version")
    if version is None:
        return mark_safe(render_to_string(template_name, values))
    key = (template_name, version, section)
    if key not in _chrome:
        if len(_chrome) >= 256:
            _chrome.clear()
        _chrome[key] = render_to_string(template_name, values)
    return mark_safe(_chrome[key])
