import json
import sys
from datetime import datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from newsroom.audit import chain
from newsroom.audit.models import AuditEntry


def _moment(text: str, *, option: str):
    moment = parse_datetime(text)
    if moment is None:
        day = parse_date(text)
        if day is None:
            raise CommandError(f"{option} {text!r} is not a date (2026-12-07) or a time (2026-12-07T14:03).")
        moment = datetime.combine(day, time.min)
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


class Command(BaseCommand):
    help = (
        "Write audit rows to JSON Lines (one row a line, with its hashes, so the chain can be checked "
        "outside the database): --since and --until are dates or times, --until excluded."
    )

    def add_arguments(self, parser):
        parser.add_argument("--since", help="From this date or time (included).")
        parser.add_argument("--until", help="To this date or time (excluded).")
        parser.add_argument("--output", "-o", help="A file to write (default: standard output).")

    def handle(self, *args, since=None, until=None, output=None, **options):
        chain.seal(wait=True)
        rows = AuditEntry.objects.filter(seq__isnull=False).order_by("seq")
        if since:
            rows = rows.filter(at__gte=_moment(since, option="--since"))
        if until:
            rows = rows.filter(at__lt=_moment(until, option="--until"))
        try:
            out = open(output, "w", encoding="utf-8") if output else sys.stdout  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror}.") from exc
        count = 0
        try:
            for entry in rows.iterator(chunk_size=2000):
                out.write(json.dumps({"id": entry.pk, **chain.content(entry), "hash": entry.hash}) + "\n")
                count += 1
        finally:
            if output:
                out.close()
        if output:
            self.stdout.write(f"Wrote {count} audit rows to {output}.")
