"""A newsletter's list in and out as CSV: Mailchimp's and Substack's exports in, keeping their consent
dates; ours out. A file is read and checked whole before anything is written, and written in one
transaction: a bad file imports nothing."""

import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from newsroom import audit

from .models import Newsletter, Reader, Subscription

# Each format: the email column, then the consent and confirmation columns in order of preference.
FORMATS = {
    "mailchimp": ("Email Address", ("OPTIN_TIME", "CONFIRM_TIME"), ("CONFIRM_TIME", "OPTIN_TIME")),
    "substack": ("email", ("created_at",), ("created_at",)),
}
MAX_ERRORS = 5
# Reader.email's length: a longer address passes validate_email (320) but not the database.
MAX_EMAIL = 254
EXPORT_COLUMNS = ["email", "status", "consent_at", "consent_source", "confirmed_at", "unsubscribed_at"]


class BadCSV(ValueError):
    pass


@dataclass
class Result:
    kind: str
    added: int
    confirmed: int
    kept: int
    left_out: int = 0

    def summary(self) -> str:
        left = f" {self.left_out} left out (they left the old list)." if self.left_out else ""
        return (
            f"Imported from {self.kind.capitalize()}: {self.added} new subscribers, {self.confirmed} "
            f"confirmed, {self.kept} already subscribed or unsubscribed (left as they were).{left}"
        )


def _when(text: str):
    text = text.strip()
    if not text:
        return None
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)  # Mailchimp's times are UTC


def _detect(columns: list[str]) -> str:
    for kind, (email_column, _, _) in FORMATS.items():
        if email_column in columns:
            return kind
    expected = " or ".join(f'"{spec[0]}" ({kind})' for kind, spec in FORMATS.items())
    raise BadCSV(f"No email column: expected {expected}; this file has {', '.join(columns) or 'no header'}.")


def _first(row: dict, columns) -> str:
    return next((row[c] for c in columns if row.get(c, "").strip()), "")


def _left(kind: str, row: dict) -> bool:
    """Someone who left the old list (rows of Mailchimp's unsubscribed and cleaned exports, Substack's
    emails turned off): never imported as a subscriber."""
    if kind == "mailchimp":
        return bool(row.get("UNSUB_TIME", "").strip() or row.get("CLEAN_TIME", "").strip())
    return row.get("email_disabled", "").strip().lower() == "true"


def read_csv(text: str) -> tuple[str, dict, int]:
    """(format, {email: (consent_at, confirmed_at)}, rows left out), or BadCSV naming the first bad rows."""
    try:
        return _read_csv(text)
    except csv.Error as error:  # e.g. a field over the csv module's size limit
        raise BadCSV(f"Nothing was imported: this is not a CSV file we can read ({error}).") from error


def _read_csv(text: str) -> tuple[str, dict, int]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    kind = _detect([c.strip() for c in reader.fieldnames or []])
    email_column, consent_columns, confirm_columns = FORMATS[kind]
    rows, errors, left_out, now = {}, [], 0, timezone.now()
    for line, row in enumerate(reader, start=2):
        if len(errors) >= MAX_ERRORS:
            break
        row = {(k or "").strip(): (v or "") for k, v in row.items()}
        if _left(kind, row):
            left_out += 1
            continue
        email = row.get(email_column, "").strip().lower()
        try:
            validate_email(email)
            if len(email) > MAX_EMAIL:
                raise ValidationError("too long")
        except ValidationError:
            errors.append(f'line {line}: "{email}" is not an email address')
            continue
        try:
            consent = _when(_first(row, consent_columns)) or now
            confirmed = _when(_first(row, confirm_columns)) or consent
        except ValueError:
            errors.append(f"line {line}: a date is not a date ({_first(row, consent_columns)!r})")
            continue
        rows.setdefault(email, (consent, confirmed))
    if errors:
        raise BadCSV("Nothing was imported. " + "; ".join(errors) + ".")
    if not rows and left_out:
        raise BadCSV(
            "Nothing was imported: everyone in the file had left the old list (unsubscribed or cleaned)."
        )
    if not rows:
        raise BadCSV("Nothing was imported: the file has a header but no subscribers.")
    return kind, rows, left_out


def import_csv(text: str, *, newsletter: Newsletter) -> Result:
    kind, rows, left_out = read_csv(text)
    source = f"import: {kind}"
    with transaction.atomic():
        emails = list(rows)
        Reader.objects.bulk_create([Reader(email=e) for e in emails], ignore_conflicts=True, batch_size=2000)
        ids = {}
        for start in range(0, len(emails), 5000):
            ids.update(
                Reader.objects.filter(email__in=emails[start : start + 5000]).values_list("email", "pk")
            )
        existing = dict(
            Subscription.objects.filter(newsletter=newsletter, reader_id__in=ids.values()).values_list(
                "reader_id", "status"
            )
        )
        new, pending = [], []
        for email, (consent, confirmed) in rows.items():
            reader_id = ids[email]
            if reader_id not in existing:
                new.append(
                    Subscription(
                        reader_id=reader_id,
                        newsletter=newsletter,
                        status=Subscription.Status.CONFIRMED,
                        consent_at=consent,
                        consent_source=source,
                        confirmed_at=confirmed,
                    )
                )
            elif existing[reader_id] == Subscription.Status.PENDING:
                pending.append(reader_id)
        Subscription.objects.bulk_create(new, batch_size=2000)
        # Waiting for our confirmation, and confirmed on the old list: the old list's opt-in counts.
        Subscription.objects.filter(newsletter=newsletter, reader_id__in=pending).update(
            status=Subscription.Status.CONFIRMED, confirmed_at=timezone.now()
        )
        result = Result(
            kind=kind,
            added=len(new),
            confirmed=len(pending),
            kept=len(rows) - len(new) - len(pending),
            left_out=left_out,
        )
        audit.record("newsletter.import", obj=newsletter, summary=result.summary())
    return result


def export_csv(newsletter: Newsletter) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    subscriptions = (
        Subscription.objects.filter(newsletter=newsletter)
        .select_related("reader")
        .order_by("pk")
        .iterator(chunk_size=2000)
    )
    for s in subscriptions:
        stamps = [t.isoformat() if t else "" for t in (s.consent_at, s.confirmed_at, s.unsubscribed_at)]
        writer.writerow([s.reader.email, s.status, stamps[0], s.consent_source, stamps[1], stamps[2]])
    return out.getvalue()
