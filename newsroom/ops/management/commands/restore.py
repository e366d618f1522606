from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from newsroom.ops.backups import BackupError, describe, restore_backup


class Command(BaseCommand):
    help = (
        "Replace the database and the media folder with a backup made by `manage.py backup`, after "
        "checking the archive against its manifest. Stop the site first: this overwrites everything."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="The .tar file written by `manage.py backup`.")
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive", help="Do not ask to confirm."
        )

    def handle(self, *args, archive: Path, interactive: bool, **options):
        if not archive.is_file():
            raise CommandError(f"No backup at {archive}.")
        if interactive:
            answer = input(
                f"This replaces the database {connection.settings_dict['NAME']!r} and the media folder "
                f"with {archive}. Type 'yes' to continue: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled; nothing was changed.")
        try:
            summary = restore_backup(archive)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"]:
            self.stderr.write(f"Restored and verified {describe(summary)}")
