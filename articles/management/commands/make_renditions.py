from django.core.management.base import BaseCommand

from articles.images import renditions
from articles.models import Photo


class Command(BaseCommand):
    help = "Write missing renditions for every photo (after a restore, or when the rendition layout changes)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Rewrite renditions that already exist.")

    def handle(self, *args, force=False, **options):
        made = skipped = failed = 0
        for photo in Photo.objects.order_by("pk").iterator():
            if not force and renditions.has_renditions(photo):
                skipped += 1
                continue
            try:
                renditions.make_renditions(photo)
                made += 1
            except (OSError, ValueError) as exc:
                failed += 1
                self.stderr.write(f"photo {photo.pk} ({photo.image.name}): {exc}")
        self.stdout.write(f"{made} photos rendered, {skipped} already complete, {failed} failed.")
