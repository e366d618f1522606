"""The proof before switching DNS: every old address, asked of this site, lands on a page in one hop."""

from pathlib import Path
from urllib.parse import urlsplit

from defusedxml import ElementTree
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test import Client

SHOWN = 20


def addresses(path: Path) -> list[str]:
    """The URLs of a sitemap (urlset) or of a text file, one per line (# starts a comment)."""
    data = path.read_bytes()
    if data.lstrip().startswith(b"<"):
        try:
            root = ElementTree.fromstring(data, forbid_dtd=True)
        except Exception as exc:  # noqa: BLE001 - any parse failure is the same answer to the user
            raise CommandError(f"{path}: not a readable sitemap ({exc})") from exc
        return [el.text.strip() for el in root.iter() if el.tag.endswith("loc") and el.text]
    lines = data.decode("utf-8", "replace").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


class Command(BaseCommand):
    help = (
        "Ask this site for every old address in a sitemap or a list (one URL per line) and say how many "
        "land on a page in one hop, how many chain and how many are 404. Exits 1 unless all land."
    )

    def add_arguments(self, parser):
        parser.add_argument("list", help="the old site's sitemap.xml, or a text file of URLs")

    def handle(self, *args, list, **options):  # noqa: A002 - the argument's name in --help
        path = Path(list)
        if not path.is_file():
            raise CommandError(f"{list}: no such file")
        urls = addresses(path)
        if not urls:
            raise CommandError(f"{list}: no addresses in it")
        host = next(
            (h for h in settings.ALLOWED_HOSTS if h not in ("*", "") and not h.startswith(".")), "localhost"
        )
        client = Client(HTTP_HOST=host)
        tally = {"page": [], "one hop": [], "chain": [], "404": [], "other": []}
        for url in urls:
            parts = urlsplit(url)
            asked = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            first = client.get(asked)
            if first.status_code == 200:
                tally["page"].append(asked)
                continue
            if first.status_code not in (301, 302, 307, 308):
                tally["404" if first.status_code in (404, 410) else "other"].append(
                    f"{asked} ({first.status_code})"
                )
                continue
            target = urlsplit(first["Location"])
            if target.netloc and target.netloc != host:
                tally["one hop"].append(asked)  # to another site: its answer is not ours to check
                continue
            landing = client.get(target.path + (f"?{target.query}" if target.query else ""))
            if landing.status_code == 200:
                tally["one hop"].append(asked)
            elif landing.status_code in (301, 302, 307, 308):
                tally["chain"].append(f"{asked} -> {first['Location']} -> {landing['Location']}")
            else:
                tally["404"].append(f"{asked} -> {first['Location']} ({landing.status_code})")
        total = len(urls)
        self.stdout.write(f"{total} old addresses")
        self.stdout.write(f"  {len(tally['one hop'])} land on a page in one redirect")
        self.stdout.write(f"  {len(tally['page'])} are pages here already (200)")
        for name in ("chain", "404", "other"):
            self.stdout.write(
                f"  {len(tally[name])} {'redirect more than once' if name == 'chain' else name}"
            )
            for line in tally[name][:SHOWN]:
                self.stdout.write(f"      {line}")
        if tally["chain"] or tally["404"] or tally["other"]:
            raise CommandError("not every old address lands: see above (make redirects for them)")
        self.stdout.write(self.style.SUCCESS("Every old address lands on a page."))
