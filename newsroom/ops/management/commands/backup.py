from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from newsroom.ops.backups import BackupError, create_backup, describe


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump) and the media folder into one archive with a manifest. "
        "Restore it with `manage.py restore FILE`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            default=Path(settings.BASE_DIR) / "backups",
            help="Folder for the archive (default: ./backups), or a file name ending in .tar.",
        )

    def handle(self, *args, output: Path, **options):
        try:
            summary = create_backup(output)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"]:
            self.stderr.write(f"Backed up {describe(summary)}")
        # The archive's path alone on stdout, for scripts.
        return str(summary.path)
