"""A story as readers saw it at a moment T: rebuilt from its revisions and its transitions, never from a
page cache.

Every save of a story and every change of its state writes a revision (editing.py, workflow.py), and an
edit of a live story waits as a PendingVersion with no revision until an editor publishes it: so the last
revision at or before T is what the story was at T, and readers saw it if that revision passes the
publication rule at T and the story was not in the trash. Notes to readers are dated; an edited note keeps
only its first wording (editing.edit_note) and its edits are not dated, so its wording at T is the one a
revision last recorded at or before T, else its first, and the view says so.

Five queries at most, whatever the number of revisions: each one is an ordered read with LIMIT.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from articles.models import Article, Correction, Photo, Revision, Transition
from articles.models.publication import readable

STATE_WORDS = {
    Article.Status.DRAFT: "a draft",
    Article.Status.REVIEW: "in review (not yet published)",
    Article.Status.UNPUBLISHED: "withdrawn (unpublished)",
}


@dataclass
class NoteThen:
    """A note to readers in force at T, with `text` its wording then, as far as the records tell."""

    note: Correction
    text: str
    # False when the note was reworded at some time and the records cannot date it.
    certain: bool = True


@dataclass
class AsOf:
    at: datetime
    revision: Revision
    visible: bool
    # Why readers could not see it, in a sentence ("" when they could).
    reason: str = ""
    lead_photo: Photo | None = None
    # The revision names a lead photo that has been deleted from the library since.
    lead_photo_deleted: bool = False
    notes: list[NoteThen] = field(default_factory=list)

    @property
    def data(self) -> dict:
        return self.revision.data

    @property
    def revised_at(self) -> datetime | None:
        """The page's "Updated" time at T: its newest note then."""
        return max((n.note.created_at for n in self.notes), default=None)


def first_record(article: Article) -> datetime | None:
    """When the story's first revision was kept: nothing is known of it before."""
    return (
        Revision.objects.filter(article=article)
        .order_by("version")
        .values_list("created_at", flat=True)
        .first()
    )


def as_readers_saw_it(article: Article, at: datetime) -> AsOf | None:
    """The story in force at `at` (aware), or None when no revision of it is that old."""
    # Versions grow with time, so the (article, version) index read backwards finds it in one step.
    revision = (
        Revision.objects.filter(article=article, created_at__lte=at)
        .select_related("user")
        .order_by("-version")
        .first()
    )
    if revision is None:
        return None
    data = revision.data
    published_at = _time(data.get("published_at"))
    trashed = _trashed_since(article, at)
    visible = trashed is None and readable(
        status=data.get("status"), published_at=published_at, deleted_at=None, at=at
    )
    asof = AsOf(at=at, revision=revision, visible=visible)
    if not visible:
        asof.reason = _why_hidden(article, at, data, published_at, trashed)
    if photo_id := data.get("lead_photo_id"):
        asof.lead_photo = Photo.objects.select_related("credit_source").filter(pk=photo_id).first()
        asof.lead_photo_deleted = asof.lead_photo is None
    asof.notes = _notes_then(article, at, revision)
    return asof


def _time(value: str | None) -> datetime | None:
    return parse_datetime(value) if value else None


def _trashed_since(article: Article, at: datetime) -> datetime | None:
    """When the story went to the trash, if it was there at `at` (the trash is not in a revision)."""
    last = (
        Transition.objects.filter(article=article, at__lte=at, action__in=["trash", "restore"])
        .order_by("-at", "-id")
        .values_list("action", "at")
        .first()
    )
    return last[1] if last and last[0] == "trash" else None


def _when(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%H:%M on %-d %B %Y}"


def _why_hidden(article, at, data, published_at, trashed) -> str:
    if trashed is not None:
        return f"it had been moved to the trash at {_when(trashed)}"
    status = data.get("status")
    if status == Article.Status.PUBLISHED and published_at is not None:
        return f"it was scheduled for {_when(published_at)}"
    words = STATE_WORDS.get(status, status)
    since = (
        Transition.objects.filter(article=article, at__lte=at, to_status=status)
        .exclude(action__in=["trash", "restore"])
        .order_by("-at", "-id")
        .values_list("at", flat=True)
        .first()
    )
    reason = f"it was {words}" + (f" since {_when(since)}" if since else "")
    if (embargo := _time(data.get("embargo_until"))) and embargo > at:
        reason += f", under embargo until {_when(embargo)}"
    return reason


def _notes_then(article: Article, at: datetime, revision: Revision) -> list[NoteThen]:
    """The notes dated at or before `at`, newest first as the page lists them."""
    recorded = {row["id"]: row["text"] for row in revision.data.get("corrections", [])}
    notes = []
    for note in Correction.objects.filter(article=article, created_at__lte=at).order_by("-created_at", "-id"):
        if not note.original_text:
            notes.append(NoteThen(note=note, text=note.text))
        else:
            # Reworded since it was added, at a time nobody kept: the last wording recorded by T.
            notes.append(NoteThen(note=note, text=recorded.get(note.pk, note.original_text), certain=False))
    return notes
