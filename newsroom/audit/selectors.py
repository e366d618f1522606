"""Reading the log: who may see which rows, and keyset pages that cost the same at any depth."""

from django.db.models import Q

from .models import AuditEntry

PAGE_SIZE = 50


def visible_to(user, queryset=None):
    """Administrators read everything; editors the content log; everyone else only what they did."""
    queryset = AuditEntry.objects.all() if queryset is None else queryset
    if user.is_superuser or user.has_perm("auth.change_user"):
        return queryset
    if user.has_perm("articles.edit_others_article"):
        return queryset.filter(Q(scope=AuditEntry.Scope.CONTENT) | Q(actor_id=user.pk))
    return queryset.filter(actor_id=user.pk)


def page(queryset, *, before: int | None = None, size: int = PAGE_SIZE) -> tuple[list, int | None]:
    """One page newest first, below id `before`, and the id to ask for the next page (None: the last).
    No COUNT: a million rows cost what ten do."""
    if before is not None:
        queryset = queryset.filter(id__lt=before)
    rows = list(queryset.select_related("actor").order_by("-id")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return rows, rows[-1].id if more else None


def history(user, obj, *, size: int = 10) -> tuple[list, bool]:
    """The newest rows about `obj` that `user` may read, and whether there are older ones."""
    rows, more = page(
        visible_to(user).filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)), size=size
    )
    return rows, more is not None
