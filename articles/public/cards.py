"""A story's card as Python, the markup of templates/includes/card.html byte for byte.

A listing page shows twenty cards and an article page four: through the template engine they were most of
a cold page's time (each card resolves a dozen variables through the template context, and the photo's
<picture> through a template tag). Here a card is a handful of format_html() calls with the same escaping
(Django's). The template stays the reference: tests/perf compares the two for every option.
"""

from django.utils.dates import MONTHS
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime

from articles.routing import route
from articles.templatetags.newsroom import EAGER, LAZY, braces, picture_template

BIG_SIZES = "(min-width: 60em) 60vw, 100vw"
SIZES = "(min-width: 60em) 20vw, (min-width: 40em) 45vw, 100vw"


def _dates(value) -> tuple[str, str]:
    """The `date` filter's two outputs of the template: 'Y-m-d\\TH:i:sO' and 'j F Y'."""
    if value is None:
        return "", ""
    value = localtime(value)
    return value.strftime("%Y-%m-%dT%H:%M:%S%z"), f"{value.day} {MONTHS[value.month]} {value.year}"


def template(article) -> dict:
    """A story's card with its options left open, as kept with the story (articles/markup/): "t" a
    str.format() template, "k" the section kicker and "s" the standfirst, each already escaped."""
    section = article.section
    url = route("articles:detail", section=section.slug, slug=article.slug)
    photo = ""
    shown = picture_template(article.lead_photo, crop="16x9") if article.lead_photo else ""
    if shown:
        opening = format_html('<a href="{}" tabindex="-1" aria-hidden="true" class="card-photo">', url)
        photo = braces(opening) + shown + "</a>"
    machine, human = _dates(article.published_at)
    text = format_html(
        '  <div class="card-text">\n    \x00kicker\x00\n'
        '    <h\x00level\x00 class="card-headline"><a href="{}">{}</a></h\x00level\x00>\n'
        "    \x00standfirst\x00\n"
        '    <p class="meta"><time datetime="{}">{}</time></p>\n  </div>\n</article>\n',
        url,
        article.headline,
        machine,
        human,
    )
    for name in ("kicker", "level", "standfirst"):
        text = text.replace(f"\x00{name}\x00", f"{{{name}}}")
    kicker = format_html(
        '<a class="kicker" href="{}">{}</a>', route("articles:section", slug=section.slug), section.name
    )
    standfirst = format_html('<p class="standfirst">{}</p>', article.standfirst) if article.standfirst else ""
    head = '<article class="card{lead}">\n  ' + photo + "\n"
    return {"t": head + _literal(text), "k": kicker, "s": standfirst}


def _literal(text: str) -> str:
    # The escaped text's own braces doubled, the three fields put back.
    text = braces(text)
    for name in ("kicker", "level", "standfirst"):
        text = text.replace(f"{{{{{name}}}}}", f"{{{name}}}")
    return text


def fill(stored: dict, *, big=False, compact=False, lazy=True, show_section=False, level=3) -> SafeString:
    """The card markup of a template() with these options: one str.format(), nothing escaped again."""
    return mark_safe(
        stored["t"].format(
            lead=" card-lead" if big else "",
            sizes=BIG_SIZES if big else SIZES,
            loading=LAZY if lazy else EAGER,
            kicker=stored["k"] if show_section else "",
            level=level or 3,
            standfirst="" if compact else stored["s"],
        )
    )


def card(article, **options) -> SafeString:
    return fill(template(article), **options)
