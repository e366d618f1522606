"""A newsletter's subscribers as CSV, on standard output."""

from django.core.management.base import BaseCommand, CommandError

from newsroom.readers import imports
from newsroom.readers.models import Newsletter


class Command(BaseCommand):
    help = "newsletter_export NEWSLETTER-SLUG > subscribers.csv"

    def add_arguments(self, parser):
        parser.add_argument("newsletter")

    def handle(self, *args, newsletter, **options):
        target = Newsletter.objects.filter(slug=newsletter).first()
        if target is None:
            raise CommandError(f'No newsletter "{newsletter}".')
        self.stdout.write(imports.export_csv(target), ending="")
