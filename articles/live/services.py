"""The writes of live coverage: every writer (the admin's quick form, load_demo, later an API) calls these.

Each checks permission itself (publishing/policy.py), runs in one transaction, and moves the story's change
count (`LiveCoverage.seq`) under the coverage row's lock, so readers' pages can ask for what changed after
the count they have. An entry readers can see also moves the story's "Updated" time (revised_at), which
feeds, sitemaps and JSON-LD read as the story's modified time.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import linebreaks, strip_tags

from articles.models import Article, Author, LiveCoverage, LiveEntry, LiveEntryEdit, Photo
from articles.publishing.policy import can_post_live, can_run_live, live_entry_waits, require
from articles.sanitize import sanitize_html

Status = LiveEntry.Status
TITLE_MAX = LiveEntry._meta.get_field("title").max_length
BODY_MAX = 20_000
NOTE_MAX = 1_000


def _locked_coverage(article: Article, *, open_only: bool = True) -> LiveCoverage:
    coverage = LiveCoverage.objects.select_for_update().filter(article_id=article.pk).first()
    if coverage is None:
        raise ValidationError("This story is not a live story: start live coverage first.", code="not_live")
    if open_only and not coverage.is_open:
        raise ValidationError("Live coverage of this story has ended: entries can no longer be added.",
                              code="ended")  # fmt: skip
    return coverage


def _next_seq(coverage: LiveCoverage) -> int:
    coverage.seq += 1
    LiveCoverage.objects.filter(pk=coverage.pk).update(seq=coverage.seq)
    return coverage.seq


def _touch_story(article_id: int, *, revised: bool) -> None:
    """The story's markup and modified time follow its entries (an update of the row, no new version):
    a readable story's "Updated" time moves with what readers are told."""
    now = timezone.now()
    told = revised and Article.objects.published().filter(pk=article_id).update(
        updated_at=now, revised_at=now
    )
    if not told:
        Article.objects.filter(pk=article_id).update(updated_at=now)


def clean_body(body: str) -> str:
    """The entry's text as stored: HTML through the allowlist; plain text with paragraphs made of its
    blank lines."""
    body = (body or "").replace("\x00", "").strip()
    if body and "<" not in body:
        body = linebreaks(body)
    return sanitize_html(body)


def _checked_text(*, title: str, body: str) -> tuple[str, str]:
    title = " ".join((title or "").replace("\x00", "").split())
    errors = {}
    if len(title) > TITLE_MAX:
        errors["title"] = f"Keep the title to {TITLE_MAX} characters (it has {len(title)})."
    if len(body or "") > BODY_MAX:
        errors["body"] = f"Keep an entry to {BODY_MAX} characters (it has {len(body)}): start a new one."
    cleaned = clean_body(body)
    if not strip_tags(cleaned).replace("&nbsp;", "").strip() and "body" not in errors:
        errors["body"] = "Write the entry's text: an entry cannot be empty."
    if errors:
        raise ValidationError(errors)
    return title, cleaned


# --- The coverage --------------------------------------------------------------------------------------


@transaction.atomic
def start_coverage(*, article: Article, user, reporter_entries: str = "") -> LiveCoverage:
    """Make the story a live story (again, if its coverage had ended)."""
    require(can_run_live(user, article), "Only editors start live coverage.")
    Article.objects.select_for_update().get(pk=article.pk)
    coverage = LiveCoverage.objects.select_for_update().filter(article_id=article.pk).first()
    if coverage is None:
        coverage = LiveCoverage(article=article)
    if reporter_entries:
        if reporter_entries not in LiveCoverage.ReporterEntries.values:
            raise ValidationError({"reporter_entries": "Choose what happens to reporters' entries."})
        coverage.reporter_entries = reporter_entries
    coverage.ended_at = None
    coverage.seq += 1
    coverage.save()
    _touch_story(article.pk, revised=False)
    return coverage


@transaction.atomic
def end_coverage(*, article: Article, user) -> LiveCoverage:
    """ "Live coverage has ended": no more entries; readers' pages stop asking for new ones."""
    require(can_run_live(user, article), "Only editors end live coverage.")
    coverage = _locked_coverage(article)
    coverage.ended_at = timezone.now()
    coverage.seq += 1
    coverage.save(update_fields=["ended_at", "seq"])
    _touch_story(article.pk, revised=True)
    return coverage


# --- Entries ---------------------------------------------------------------------------------------------


@transaction.atomic
def post_entry(
    *,
    article: Article,
    user,
    body: str,
    title: str = "",
    photo: Photo | None = None,
    embed_url: str = "",
    key_event: bool = False,
    pinned: bool = False,
    author: Author | None = None,
) -> LiveEntry:
    """A new entry, live at once, or waiting for an editor when a reporter posts to a story that says so.
    Raises ValidationError (by field) for bad input or a story that is not live, PermissionDenied."""
    coverage = _locked_coverage(article)
    require(can_post_live(user, article, coverage), "You may not post entries to this live story.")
    title, body = _checked_text(title=title, body=body)
    waits = live_entry_waits(user, article, coverage)
    if pinned and not can_run_live(user, article):
        raise ValidationError({"pinned": "Only editors pin entries."})
    if author is None:
        author = Author.objects.filter(user=user).first()
    now = timezone.now()
    entry = LiveEntry(
        article=article,
        status=Status.PENDING if waits else Status.PUBLISHED,
        title=title,
        body=body,
        photo=photo,
        embed_url=embed_url or "",
        author=author,
        key_event=key_event,
        created_by=user,
        created_at=now,
        published_at=None if waits else now,
    )
    entry.full_clean(exclude=["article", "photo", "author", "created_by", "body"])
    if waits:
        entry.save()  # readers see nothing yet: no change to count
        return entry
    if pinned:
        _unpin_others(article, coverage)
    entry.pinned = pinned
    entry.seq = _next_seq(coverage)
    entry.save()
    _touch_story(article.pk, revised=True)
    return entry


def _unpin_others(article: Article, coverage: LiveCoverage) -> None:
    for other in LiveEntry.objects.filter(article=article, pinned=True):
        other.pinned = False
        other.seq = _next_seq(coverage)
        other.save(update_fields=["pinned", "seq"])


def _locked_entry(entry: LiveEntry, *, open_only: bool = True) -> tuple[LiveEntry, LiveCoverage]:
    coverage = _locked_coverage(entry.article, open_only=open_only)
    return LiveEntry.objects.select_for_update().select_related("article").get(pk=entry.pk), coverage


@transaction.atomic
def approve_entry(*, entry: LiveEntry, user) -> LiveEntry:
    """An editor puts a reporter's waiting entry live: its time is now, when readers first see it."""
    require(can_run_live(user, entry.article), "Only editors approve entries.")
    entry, coverage = _locked_entry(entry)
    if entry.status != Status.PENDING:
        raise ValidationError("This entry is not waiting for approval: it was approved or withdrawn.")
    entry.status, entry.published_at = Status.PUBLISHED, timezone.now()
    entry.seq = _next_seq(coverage)
    entry.save()
    LiveEntryEdit.objects.create(entry=entry, action="approve", user=user)
    _touch_story(entry.article_id, revised=True)
    return entry


@transaction.atomic
def set_flags(
    *, entry: LiveEntry, user, pinned: bool | None = None, key_event: bool | None = None
) -> LiveEntry:
    """Pin or unpin an entry (pinning one unpins the other), or mark it a key event or not."""
    require(can_run_live(user, entry.article), "Only editors pin entries and choose key events.")
    entry, coverage = _locked_entry(entry, open_only=False)
    if entry.status != Status.PUBLISHED:
        raise ValidationError("Only a published entry can be pinned or be a key event.")
    if pinned:
        _unpin_others(entry.article, coverage)
    if pinned is not None:
        entry.pinned = pinned
    if key_event is not None:
        entry.key_event = key_event
    entry.seq = _next_seq(coverage)
    entry.save(update_fields=["pinned", "key_event", "seq"])
    _touch_story(entry.article_id, revised=False)
    return entry


@transaction.atomic
def correct_entry(*, entry: LiveEntry, user, body: str, note: str, title: str | None = None) -> LiveEntry:
    """Change a published entry's text with a correction note readers see on it; the text as it was is
    kept (LiveEntryEdit). A waiting entry is edited without a note: no reader has seen it."""
    require(can_run_live(user, entry.article), "Only editors correct entries.")
    entry, coverage = _locked_entry(entry, open_only=False)
    if entry.status == Status.WITHDRAWN:
        raise ValidationError("This entry was withdrawn: it cannot be corrected.")
    new_title, new_body = _checked_text(title=entry.title if title is None else title, body=body)
    note = " ".join((note or "").split())
    published = entry.status == Status.PUBLISHED
    if published and not note:
        raise ValidationError({"note": "Say what was corrected: readers see the note on the entry."})
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": f"Keep the note to {NOTE_MAX} characters (it has {len(note)})."})
    LiveEntryEdit.objects.create(
        entry=entry, action="correct" if published else "edit", user=user, title=entry.title,
        body=entry.body, note=note,
    )  # fmt: skip
    entry.title, entry.body = new_title, new_body
    if published:
        entry.correction, entry.corrected_at = note, timezone.now()
        entry.seq = _next_seq(coverage)
    entry.save()
    _touch_story(entry.article_id, revised=published)
    return entry


@transaction.atomic
def withdraw_entry(*, entry: LiveEntry, user, note: str = "") -> LiveEntry:
    """Take an entry off the page (kept for the record); a waiting one is rejected the same way."""
    require(can_run_live(user, entry.article), "Only editors withdraw entries.")
    entry, coverage = _locked_entry(entry, open_only=False)
    if entry.status == Status.WITHDRAWN:
        raise ValidationError("This entry was already withdrawn.")
    was_published = entry.status == Status.PUBLISHED
    entry.status, entry.pinned = Status.WITHDRAWN, False
    if was_published:
        entry.seq = _next_seq(coverage)
    entry.save()
    LiveEntryEdit.objects.create(
        entry=entry, action="withdraw", user=user, note=" ".join(note.split())[:NOTE_MAX]
    )
    _touch_story(entry.article_id, revised=False)
    return entry
