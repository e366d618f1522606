"""A story's rows in the audit log: what a save, a transition or a note changed, from its revisions."""

from articles.models import Article, Revision
from newsroom import audit

from .revisions import SNAPSHOT_FIELDS

# Kept apart from the story's own rows (article.note_add), and in every revision anyway.
NOT_DIFFED = {"corrections"}


def _field(article: Article, name: str):
    value = getattr(article, name)
    return value.isoformat() if hasattr(value, "isoformat") else value


def _sized(text) -> str:
    return f"{len(text or ''):,} characters"


def story_changes(before: dict, after: dict) -> dict:
    """The fields a new version changed; a body is summed up by its length, not copied into the log."""
    changes = audit.diff(
        {k: v for k, v in before.items() if k not in NOT_DIFFED},
        {k: v for k, v in after.items() if k not in NOT_DIFFED},
    )
    if "body" in changes:
        changes["body"] = [_sized(before.get("body")) if before else None, _sized(after.get("body"))]
    return changes


def log_version(
    *, article: Article, revision: Revision, action: str, summary: str = "", before: Article | None = None
) -> None:
    """One row for a new version of the story, with what changed since the version before. A story
    with no earlier revision (loaded in bulk) is compared with `before`, the row as it was, when given."""
    previous = (
        Revision.objects.filter(article_id=article.pk, version__lt=revision.version)
        .order_by("-version")
        .values_list("data", flat=True)
        .first()
    )
    if previous is None and before is not None:
        previous = {name: revision.data.get(name) for name in revision.data}
        previous |= {name: _field(before, name) for name in SNAPSHOT_FIELDS}
    changes = story_changes(previous or {}, revision.data)
    audit.record(
        f"article.{action}",
        obj=article,
        changes=changes,
        summary=summary or revision.note,
    )


def log_story(article: Article, action: str, *, changes=None, summary: str = "") -> None:
    audit.record(f"article.{action}", obj=article, changes=changes, summary=summary)
