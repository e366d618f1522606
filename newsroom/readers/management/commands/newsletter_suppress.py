"""Never mail these addresses again: a provider's bounce or complaint list (one address per line, or a CSV
whose first column is the address), or addresses given on the command line."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from newsroom.readers import services
from newsroom.readers.models import Suppression


def _valid(email: str) -> bool:
    try:
        validate_email(email)
    except ValidationError:
        return False
    return len(email) <= Suppression._meta.get_field("email").max_length


def _address(source: str) -> bool:
    # "bounces@2024.csv" or "exports/list@x.txt" missing is a mistyped file, not an address to suppress.
    return "@" in source and "/" not in source and not source.lower().endswith((".csv", ".txt"))


class Command(BaseCommand):
    help = "Suppress hard-bounced or complaining addresses: newsletter_suppress --bounce FILE|EMAIL..."

    def add_arguments(self, parser):
        kind = parser.add_mutually_exclusive_group(required=True)
        kind.add_argument("--bounce", action="store_const", const=Suppression.Reason.BOUNCE, dest="reason")
        kind.add_argument(
            "--complaint", action="store_const", const=Suppression.Reason.COMPLAINT, dest="reason"
        )
        kind.add_argument("--manual", action="store_const", const=Suppression.Reason.MANUAL, dest="reason")
        parser.add_argument("sources", nargs="+", help="Files of addresses, or addresses")

    def handle(self, *args, reason, sources, **options):
        emails = []
        for source in sources:
            if _address(source) and not Path(source).exists():
                emails.append(source)
                continue
            try:
                lines = Path(source).read_text(encoding="utf-8-sig").splitlines()
            except (OSError, UnicodeDecodeError) as error:
                raise CommandError(f"{source}: cannot be read as UTF-8 text ({error}).") from error
            emails += [line.split(",")[0].strip().strip('"') for line in lines]
        emails = [e for e in emails if "@" in e]  # a CSV's header and blank lines
        if not emails:
            raise CommandError("No email address found.")
        bad = [e for e in emails if not _valid(e)]
        if bad:
            raise CommandError(f"Nothing was suppressed. Not email addresses: {', '.join(bad[:5])}.")
        with transaction.atomic():
            added = sum(
                services.suppress(email, reason=reason, note="newsletter_suppress") for email in emails
            )
        self.stdout.write(f"{added} addresses suppressed ({len(emails) - added} were already).")
