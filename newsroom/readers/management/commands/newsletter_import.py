"""Import a newsletter's subscribers from a Mailchimp or Substack CSV export (nothing if any row is bad)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from newsroom.readers import imports
from newsroom.readers.models import Newsletter


class Command(BaseCommand):
    help = "newsletter_import NEWSLETTER-SLUG FILE.csv"

    def add_arguments(self, parser):
        parser.add_argument("newsletter")
        parser.add_argument("file")

    def handle(self, *args, newsletter, file, **options):
        target = Newsletter.objects.filter(slug=newsletter).first()
        if target is None:
            raise CommandError(f'No newsletter "{newsletter}".')
        try:
            text = Path(file).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{file}: cannot be read as UTF-8 text ({error}).") from error
        try:
            result = imports.import_csv(text, newsletter=target)
        except imports.BadCSV as error:
            raise CommandError(str(error)) from error
        self.stdout.write(result.summary())
