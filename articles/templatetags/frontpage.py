from django import template
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def breaking_news(context):
    """The breaking news banner from the site context, unless it has expired since that was read.

    Not role="alert": it would interrupt screen readers on every page; it is a labelled region instead,
    first after the navigation.
    """
    site = context.get("site")
    banner = site.get("banner") if site else None
    if not banner or (banner["expires_at"] and banner["expires_at"] <= timezone.now()):
        return ""
    return mark_safe(render_to_string("includes/breaking.html", {"banner": banner}))
