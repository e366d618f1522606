"""Redirects from and to CSV: `old_path,new_path,status,note` (a header row; status 301 or 302, 301 when
empty). A file is checked whole before anything is written: one bad row names its line and nothing of
the file is saved."""

import csv
import io

from django.core.exceptions import ValidationError
from django.db import transaction

from articles.models import Redirect
from articles.models.redirects import normalise

from . import services

COLUMNS = ["old_path", "new_path", "status", "note"]
MAX_ROWS = 50_000


def read(data: bytes) -> list[Redirect]:
    """The file's redirects, unsaved; ValidationError listing every bad line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError("The file is not UTF-8: save it from the spreadsheet as CSV UTF-8.") from exc
    rows = csv.DictReader(io.StringIO(text))
    if not rows.fieldnames or not {"old_path", "new_path"} <= {n.strip() for n in rows.fieldnames}:
        raise ValidationError("The first line must name the columns: old_path,new_path,status,note.")
    found, problems, seen = [], [], {}
    for line, row in enumerate(rows, start=2):
        if line > MAX_ROWS + 1:
            raise ValidationError(f"At most {MAX_ROWS:,} redirects in one file: split it.")
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k}
        status = row.get("status") or "301"
        redirect = Redirect(
            old_path=row.get("old_path", ""),
            to_url=row.get("new_path", ""),
            permanent=status == "301",
            note=row.get("note", "")[:200],
            origin=Redirect.Origin.CSV,
        )
        try:
            if status not in ("301", "302"):
                raise ValidationError({"status": "Give 301 (permanent) or 302 (temporary)."})
            if not redirect.old_path:
                raise ValidationError({"old_path": "Give the old address."})
            redirect.clean()
            redirect.clean_fields(exclude=["article"])
        except ValidationError as exc:
            messages = [f"{field}: {' '.join(m)}" for field, m in exc.message_dict.items()]
            problems.append(f"Line {line}: {'; '.join(messages)}")
            continue
        if redirect.old_path in seen:
            problems.append(f"Line {line}: {redirect.old_path} is already on line {seen[redirect.old_path]}.")
            continue
        seen[redirect.old_path] = line
        found.append(redirect)
    targets = {normalise(r.to_url) for r in found if r.to_url.startswith("/")}
    chained = (targets & set(seen)) | set(
        Redirect.objects.filter(old_path__in=targets).values_list("old_path", flat=True)
    )
    for redirect in found:
        if redirect.to_url.startswith("/") and normalise(redirect.to_url) in chained:
            problems.append(
                f"Line {seen[redirect.old_path]}: {redirect.to_url} is itself redirected: "
                "give its final address, so readers get one redirect, not a chain."
            )
    if problems:
        raise ValidationError(problems)
    return found


@transaction.atomic
def save(redirects: list[Redirect]) -> tuple[int, int]:
    """Write them, replacing those with the same old address: (created, updated)."""
    existing = {r.old_path: r for r in Redirect.objects.filter(old_path__in=[r.old_path for r in redirects])}
    created = updated = 0
    for redirect in redirects:
        if (old := existing.get(redirect.old_path)) is not None:
            redirect.pk, redirect.hits, redirect.last_hit_at = old.pk, old.hits, old.last_hit_at
            redirect.created_at, redirect.article_id = old.created_at, None
            updated += 1
        else:
            created += 1
        redirect.save()
    services.forget(*(r.old_path for r in redirects))
    return created, updated


def _cell(value: str) -> str:
    # A note starting "=" would be a formula to a spreadsheet that opens the export.
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def write(redirects) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*COLUMNS, "hits", "last_hit_at"])
    for r in redirects:
        last = r.last_hit_at.isoformat() if r.last_hit_at else ""
        writer.writerow([r.old_path, r.target(), 301 if r.permanent else 302, _cell(r.note), r.hits, last])
    return out.getvalue()
