"""Reading the log: who may see which rows, and keyset pages that cost the same at any depth."""

from django.db import OperationalError, connections, transaction
from django.db.models import F, Q

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


def page(
    queryset, *, before: int | None = None, size: int = PAGE_SIZE, searching: bool = False
) -> tuple[list, int | None]:
    """One page newest first, below id `before`, and the id to ask for the next page (None: the last).
    No COUNT: a million rows cost what ten do."""
    if before is not None:
        queryset = queryset.filter(id__lt=before)
    queryset = queryset.select_related("actor")
    rows = _searched(queryset, size + 1) if searching else list(queryset.order_by("-id")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return rows, rows[-1].id if more else None


# Walking the id index and testing each row finds a common word at once, but costs the whole table for
# a word that is nowhere (630 ms at a million rows); the trigram indexes find a rare word at once (20 ms)
# but sort every match of a common one (1.3 s for a word in every row). The walk is given this long,
# then the indexes answer (bench/audit.py).
SEARCH_WALK_MS = 100


def _searched(queryset, limit: int) -> list:
    using = queryset.db
    try:
        with transaction.atomic(using=using), connections[using].cursor() as cursor:
            # The walk, whatever the planner guesses of the word (the trigram indexes only bitmap-scan).
            cursor.execute(
                f"SET LOCAL statement_timeout = {SEARCH_WALK_MS}; SET LOCAL enable_bitmapscan = off"
            )
            rows = list(queryset.order_by("-id")[:limit])
            cursor.execute("SET LOCAL statement_timeout TO DEFAULT; SET LOCAL enable_bitmapscan TO DEFAULT")
        return rows
    except OperationalError:  # the walk ran out of time: few rows match
        return list(queryset.order_by((F("id") + 0).desc())[:limit])


def history(user, obj, *, size: int = 10) -> tuple[list, bool]:
    """The newest rows about `obj` that `user` may read, and whether there are older ones."""
    rows, more = page(
        visible_to(user).filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)), size=size
    )
    return rows, more is not None
