from django import template

from newsroom.audit import selectors

register = template.Library()


@register.inclusion_tag("admin/audit/history_panel.html", takes_context=True)
def audit_history(context, obj):
    """The newest changes to `obj` that the signed-in member of staff may read (one query)."""
    rows, more = selectors.history(context["request"].user, obj)
    return {"rows": rows, "more": more, "object_type": obj._meta.label_lower, "object_id": obj.pk}
