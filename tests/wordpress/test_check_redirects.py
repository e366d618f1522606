"""check_redirects: the old site's sitemap asked of this one, hop by hop."""

import io

import pytest
from django.core.management import CommandError, call_command

from articles.models import Redirect

pytestmark = pytest.mark.django_db
OLD = [
    "https://gazette.example.org/2019/05/12/council-votes-bridge/",
    "https://gazette.example.org/2020/08/30/rovers-new-stand/",
    "https://gazette.example.org/2021/03/02/caf%c3%a9-owners/",
    "https://gazette.example.org/?p=4812",
]


def sitemap(tmp_path, urls):
    path = tmp_path / "sitemap.xml"
    locs = "".join(f"<url><loc>{u.replace('&', '&amp;')}</loc></url>" for u in urls)
    path.write_text(
        f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'
    )
    return path


def check(path):
    out = io.StringIO()
    call_command("check_redirects", str(path), stdout=out)
    return out.getvalue()


def test_every_imported_address_lands_in_one_hop(run_import, uploads, tmp_path):
    run_import("--media-dir", str(uploads))
    output = check(sitemap(tmp_path, OLD))
    assert "4 old addresses" in output and "4 land on a page in one redirect" in output
    assert "Every old address lands on a page." in output


def test_404s_and_chains_are_named_and_fail(run_import, uploads, tmp_path):
    run_import("--media-dir", str(uploads))
    Redirect.objects.create(old_path="/chained", to_url="/2019/05/12/council-votes-bridge/")
    listing = tmp_path / "old-urls.txt"
    listing.write_text(
        "# from the old server's logs\n" + "\n".join([*OLD, "/never-existed/", "/chained/"]) + "\n"
    )
    out = io.StringIO()
    with pytest.raises(CommandError, match="not every old address lands"):
        call_command("check_redirects", str(listing), stdout=out)
    text = out.getvalue()
    assert "6 old addresses" in text and "1 404" in text and "/never-existed/ (404)" in text
    assert "1 redirect more than once" in text and "/chained/ -> /2019/05/12/council-votes-bridge/ ->" in text


def test_a_file_that_is_not_a_sitemap_says_so(tmp_path):
    bad = tmp_path / "sitemap.xml"
    bad.write_text("<urlset><url><loc>x</loc></url>")
    with pytest.raises(CommandError, match="not a readable sitemap"):
        check(bad)
    with pytest.raises(CommandError, match="no such file"):
        check(tmp_path / "nothing.xml")
