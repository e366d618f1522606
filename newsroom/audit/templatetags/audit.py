from django import template

from newsroom.audit import selectors
from newsroom.audit.models import AuditEntry

register = template.Library()


@register.inclusion_tag("admin/audit/history_panel.html", takes_context=True)
def audit_history(context, obj):
    """The newest changes to `obj` that the signed-in member of staff may read (one query; none for
    someone who may not read the log, or on a log row's own page)."""
    user = context["request"].user
    if isinstance(obj, AuditEntry) or not user.has_perm("audit.view_auditentry"):
        return {"hidden": True}
    rows, more = selectors.history(user, obj)
    return {"rows": rows, "more": more, "object_type": obj._meta.label_lower, "object_id": obj.pk}
