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
from articles.templatetags.newsroom import picture

BIG_SIZES = "(min-width: 60em) 60vw, 100vw"
SIZES = "(min-width: 60em) 20vw, (min-width: 40em) 45vw, 100vw"


def _dates(value) -> tuple[str, str]:
    """The `date` filter's two outputs of the template: 'Y-m-d\\TH:i:sO' and 'j F Y'."""
    if value is None:
        return "", ""
    value = localtime(value)
    return value.strftime("%Y-%m-%dT%H:%M:%S%z"), f"{value.day} {MONTHS[value.month]} {value.year}"


def card(article, *, big=False, compact=False, lazy=True, show_section=False, level=3) -> SafeString:
    section = article.section
    url = route("articles:detail", section=section.slug, slug=article.slug)
    level = level or 3
    photo = ""
    if article.lead_photo:
        shown = picture(article.lead_photo, sizes=BIG_SIZES if big else SIZES, crop="16x9", lazy=lazy)
        photo = format_html(
            '<a href="{}" tabindex="-1" aria-hidden="true" class="card-photo">{}</a>', url, shown
        )
    kicker = ""
    if show_section:
        kicker = format_html(
            '<a class="kicker" href="{}">{}</a>', route("articles:section", slug=section.slug), section.name
        )
    standfirst = ""
    if article.standfirst and not compact:
        standfirst = format_html('<p class="standfirst">{}</p>', article.standfirst)
    machine, human = _dates(article.published_at)
    return format_html(
        '<article class="card{}">\n  {}\n  <div class="card-text">\n    {}\n'
        '    <h{} class="card-headline"><a href="{}">{}</a></h{}>\n    {}\n'
        '    <p class="meta"><time datetime="{}">{}</time></p>\n  </div>\n</article>\n',
        mark_safe(" card-lead") if big else "",
        photo,
        kicker,
        level,
        url,
        article.headline,
        level,
        standfirst,
        machine,
        human,
    )
