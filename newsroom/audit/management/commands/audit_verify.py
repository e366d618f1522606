from django.core.management.base import BaseCommand, CommandError

from newsroom.audit import chain
from newsroom.audit.models import AuditEntry


class Command(BaseCommand):
    help = "Walk the audit log's hash chain; exit 1 naming the first row that was altered or removed."

    def handle(self, *args, **options):
        # Rows committed but not linked yet (their sealer crashed, or a worker has not run): link them now.
        chain.seal(wait=True)
        sealed = AuditEntry.objects.filter(seq__isnull=False)
        entries = sealed.order_by("seq").iterator(chunk_size=2000)
        count = sealed.count()
        broken = chain.first_break(entries)
        if broken is not None:
            entry, why = broken
            raise CommandError(f"Audit log broken at row {entry.pk} ({entry.at:%Y-%m-%d %H:%M:%S}): {why}.")
        self.stdout.write(f"Audit log intact: {count} rows, each linked to the one before.")
