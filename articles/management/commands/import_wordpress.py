from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from articles.publishing import policy
from articles.wordpress import importer
from newsroom import audit


class Command(BaseCommand):
    help = (
        "Import a WordPress export (WXR 1.0-1.2: Tools > Export > All content): posts, authors, categories, "
        "tags, attachments, and a redirect from every old post address. Safe to run again: it matches "
        "what it imported before and updates only what changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", help="the export file (.xml)")
        parser.add_argument("--dry-run", action="store_true", help="check the file and say what would change")
        parser.add_argument(
            "--media-dir", help="a copy of wp-content/uploads; without it files are downloaded"
        )
        parser.add_argument("--base-url", help="the old site's address, if not the one the export names")
        parser.add_argument(
            "--as",
            dest="username",
            help="the editor it is recorded as (default: the first superuser)",
        )
        parser.add_argument(
            "--create-accounts",
            action="store_true",
            help="staff accounts (no usable password) for authors",
        )
        parser.add_argument(
            "--photo-credit", help="the credit of photos WordPress kept none for (the site's name)"
        )

    def _user(self, username):
        User = get_user_model()
        if username:
            user = User.objects.filter(username=username, is_active=True).first()
            if user is None:
                raise CommandError(f"--as {username}: no active account of that name")
        else:
            user = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
            if user is None:
                raise CommandError("no superuser to record the import as: give --as USERNAME (an editor)")
        if not policy.can_publish(user):
            raise CommandError(f"{user.get_username()} may not publish stories: give --as an editor")
        return user

    def handle(self, *args, export, dry_run, media_dir, base_url, username, create_accounts, photo_credit,
               **options):  # fmt: skip
        path = Path(export)
        if not path.is_file():
            raise CommandError(f"{export}: no such file")
        chosen = importer.Options(
            user=self._user(username),
            base_url=base_url or "",
            media_dir=Path(media_dir) if media_dir else None,
            dry_run=dry_run,
            create_accounts=create_accounts,
            photo_credit=photo_credit or "",
        )
        try:
            with audit.acting(system=f"command import_wordpress {path.name}"):
                report = importer.run(path, chosen)
        except importer.ImportFailed as exc:
            raise CommandError(str(exc)) from exc
        for line in report.lines():
            self.stdout.write(line)
        verb = "Checked (dry run, nothing written)" if dry_run else "Imported"
        self.stdout.write(self.style.SUCCESS(f"{verb} {path.name} in {report.seconds:.1f} s"))
