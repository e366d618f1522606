"""Exports that are not what they say: each gives a one-line reason, a non-zero exit and nothing written;
an import that dies part-way is finished by the next run; the older format versions read the same."""

import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, Author, Photo, Redirect, Section, WordPressItem
from articles.wordpress import importer

from .conftest import EXPORT

pytestmark = pytest.mark.django_db
MODELS = (Article, Photo, Author, Section, Redirect, WordPressItem)


def nothing_written():
    return all(model.objects.count() == 0 for model in MODELS)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda text: text.encode()[: len(text.encode()) // 2], "the file ends too soon"),
        (
            lambda text: text.replace("Café owners", "Caf\udce9 owners").encode("utf-8", "surrogateescape"),
            "is it really UTF-8?",
        ),  # fmt: skip
        (
            lambda text: text.replace("<wp:wxr_version>1.2</wp:wxr_version>", "").encode(),
            "not a WordPress export",
        ),
        (lambda text: text.replace("</channel>", "</chanel>").encode(), "the XML is broken at line"),
        (
            lambda text: (
                b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><title>y</title>'
                b"</item></channel></rss>"
            ),
            "not a WordPress export",
        ),  # fmt: skip
    ],
)
def test_a_broken_export_says_why_and_writes_nothing(run_import, uploads, tmp_path, make, message):
    bad = tmp_path / "bad.xml"
    bad.write_bytes(make(EXPORT.read_text()))
    with pytest.raises(CommandError) as raised:
        run_import("--media-dir", str(uploads), export=bad)
    assert message in str(raised.value) and "\n" not in str(raised.value)
    assert nothing_written()


def test_entities_are_refused_before_they_expand(run_import, tmp_path):
    bomb = tmp_path / "bomb.xml"
    laughs = "".join(f'<!ENTITY l{n} "&l{n - 1};&l{n - 1};&l{n - 1};&l{n - 1};">' for n in range(1, 10))
    bomb.write_text(
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY l0 "lol">{laughs}'
        '<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version>'
        "<item><title>&l9;&xxe;</title></item></channel></rss>"
    )
    with pytest.raises(CommandError, match="declares a DTD or entities"):
        run_import(export=bomb)
    assert nothing_written()


def test_missing_files_and_folders_are_command_errors(run_import, tmp_path, reporter):
    with pytest.raises(CommandError, match="no such file"):
        run_import(export=tmp_path / "nope.xml")
    with pytest.raises(CommandError, match="is not a folder"):
        run_import("--media-dir", str(tmp_path / "no-uploads"))
    with pytest.raises(CommandError, match="may not publish"):
        call_command("import_wordpress", str(EXPORT), "--as", reporter.username)
    with pytest.raises(CommandError, match="no active account"):
        call_command("import_wordpress", str(EXPORT), "--as", "nobody")
    assert nothing_written()


def test_an_import_that_dies_part_way_is_finished_by_the_next_run(run_import, uploads, monkeypatch):
    real = importer.Importer._write_post
    written = []

    def dies_on_the_third(self, item, article):
        if len(written) == 2:
            raise RuntimeError("the machine went away")
        written.append(item.post_id)
        return real(self, item, article)

    monkeypatch.setattr(importer.Importer, "_write_post", dies_on_the_third)
    with pytest.raises(RuntimeError):
        run_import("--media-dir", str(uploads))
    assert Article.objects.count() == 0  # the batch it died in rolled back whole: matches and all
    monkeypatch.setattr(importer, "BATCH", 1)
    written.clear()
    with pytest.raises(RuntimeError):
        run_import("--media-dir", str(uploads))
    assert Article.objects.count() == 2  # what was committed stays, each post with its match
    monkeypatch.setattr(importer.Importer, "_write_post", real)
    output = run_import("--media-dir", str(uploads))
    assert "posts: 7 were created, 0 updated, 2 unchanged" in output
    assert Article.objects.count() == 9
    assert WordPressItem.objects.filter(kind="post").count() == 9


def test_older_exports_with_the_http_namespace_read_the_same(run_import, uploads, tmp_path):
    older = tmp_path / "wxr-1.1.xml"
    text = EXPORT.read_text().replace("https://wordpress.org/export/1.2/", "http://wordpress.org/export/1.1/")
    older.write_text(
        text.replace("http://wordpress.org/export/1.2/excerpt/", "http://wordpress.org/export/1.1/excerpt/")
    )
    run_import("--media-dir", str(uploads), export=older)
    bridge = Article.objects.get(slug="council-votes-bridge")
    assert bridge.standfirst.startswith("The Ferry Street crossing") and bridge.is_live


def test_the_command_exits_non_zero_from_the_shell(tmp_path):
    done = subprocess.run(
        [sys.executable, "manage.py", "import_wordpress", str(tmp_path / "missing.xml"), "--dry-run"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert done.stderr.strip().splitlines()[-1] == f"CommandError: {tmp_path / 'missing.xml'}: no such file"


@pytest.fixture
def picture_server(tmp_path):
    """A web server on loopback with the export's pictures, as the old site would serve them."""
    import functools
    import http.server
    import threading

    from .conftest import picture

    root = tmp_path / "site"
    picture(root / "wp-content" / "uploads" / "2019" / "05" / "bridge.jpg")
    (root / "wp-content" / "uploads" / "2020" / "08").mkdir(parents=True)
    (root / "wp-content" / "uploads" / "2020" / "08" / "stand.png").write_bytes(b"<html>not a picture</html>")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def exported_from(base: str, tmp_path):
    moved = tmp_path / "moved.xml"
    moved.write_text(
        EXPORT.read_text().replace("https://gazette.example.org/wp-content", base + "/wp-content")
    )
    return moved


def test_pictures_are_downloaded_through_the_outbound_guard(run_import, picture_server, tmp_path, settings):
    export = exported_from(picture_server, tmp_path)
    # The guard refuses private addresses: the old site on loopback is one.
    output = run_import(export=export)
    assert "attachment 4813:" in output and not Photo.objects.exists()
    assert Article.objects.get(slug="council-votes-bridge").is_live  # the story imports without it
    settings.OUTBOUND_ALLOW_PRIVATE_ADDRESSES = True
    output = run_import(export=export)
    bridge = Article.objects.get(slug="council-votes-bridge")
    assert bridge.lead_photo is not None and bridge.lead_photo.credit_text == "Sam Ferrier"
    # A file that is not a picture is checked like an upload and refused, with why.
    assert "attachment 4901:" in output and "image" in output.split("attachment 4901:")[1].split("\n")[0]


def test_control_characters_in_titles_and_comments_are_dropped(run_import, uploads, tmp_path):
    # XML 1.0 refuses C0 controls, but lets C1 ones (U+0080-U+009F) through, which feeds refuse.
    dirty = tmp_path / "dirty.xml"
    text = EXPORT.read_text().replace("Council votes to rebuild", "Council\x9f votes\x85to rebuild")
    dirty.write_text(text.replace("About time too.", "About\x85time\x9f too."))
    run_import("--media-dir", str(uploads), export=dirty)
    assert (
        Article.objects.get(slug="council-votes-bridge").headline
        == "Council votes to rebuild the old river bridge"
    )
    from articles.models import WordPressComment

    assert WordPressComment.objects.filter(text="About time too.").exists()
