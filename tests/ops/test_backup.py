import hashlib
import json
import shutil
import tarfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from taggit.models import Tag

from articles.models import Article, Author, Photo, Section
from newsroom.ops.backups import MANIFEST

# pg_dump reads the database from outside this process: the test's writes must be committed.
pytestmark = pytest.mark.django_db(transaction=True)


def files(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


def content() -> dict:
    """Everything a reader could see, as plain values."""
    return {
        "articles": list(Article.objects.order_by("pk").values()),
        "photos": list(Photo.objects.order_by("pk").values()),
        "bylines": list(Article.objects.order_by("pk").values_list("pk", "articleauthor__author__name")),
        "tags": sorted(Tag.objects.values_list("name", flat=True)),
        "sections": list(Section.objects.order_by("pk").values()),
    }


@pytest.fixture
def newsroom(make_article, make_photo, make_author):
    photo = make_photo(caption="Harbour at dawn")
    author = make_author(name="Maya L", slug="maya")
    article = make_article(headline="Harbour reopens", lead_photo=photo, authors=[author], tags=["Shipping"])
    make_article(headline="Second story", body="<p>More <strong>text</strong>.</p>")
    return article


def back_up(tmp_path) -> Path:
    call_command("backup", output=tmp_path / "backups", verbosity=0, stdout=(out := _Out()))
    return Path(out.text.strip())


class _Out:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text

    def flush(self):
        pass


def test_backup_wipe_restore_gives_back_every_row_and_file(newsroom, media_root, tmp_path):
    before, before_files = content(), files(media_root)
    assert any(name.endswith(".webp") for name in before_files)
    archive = back_up(tmp_path)
    assert archive.is_file() and archive.suffix == ".tar"

    Article.objects.all().delete()
    Photo.objects.all().delete()
    Author.objects.all().delete()
    shutil.rmtree(media_root)
    media_root.mkdir()
    assert Article.objects.count() == 0 and files(media_root) == {}

    call_command("restore", str(archive), interactive=False, verbosity=0)

    assert content() == before
    assert files(media_root) == before_files
    page = Client().get(newsroom.get_absolute_url())
    assert page.status_code == 200 and "Harbour reopens" in page.content.decode()


def test_manifest_lists_rows_and_files_with_checksums(newsroom, media_root, tmp_path):
    archive = back_up(tmp_path)
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile(MANIFEST))
    assert manifest["database"]["tables"]["articles_article"] == 2
    assert manifest["database"]["tables"]["articles_photo"] == 1
    listed = {f["path"]: (f["size"], f["sha256"]) for f in manifest["media"]["files"]}
    assert listed == {
        name: ((media_root / name).stat().st_size, digest) for name, digest in files(media_root).items()
    }


def test_damaged_archive_is_refused_and_nothing_changes(newsroom, media_root, tmp_path):
    archive = back_up(tmp_path)
    # Flip bytes inside the database dump, keeping the tar itself readable.
    with tarfile.open(archive) as tar:
        member = tar.getmember("database.dump")
        offset = member.offset_data + member.size // 2
    with archive.open("r+b") as fh:
        fh.seek(offset)
        fh.write(b"\xff\x00\xff\x00")
    Article.objects.filter(pk=newsroom.pk).update(headline="Changed after the backup")
    before_files = files(media_root)

    with pytest.raises(CommandError, match="database.dump .* does not match its checksum"):
        call_command("restore", str(archive), interactive=False, verbosity=0)
    assert Article.objects.get(pk=newsroom.pk).headline == "Changed after the backup"
    assert files(media_root) == before_files


def test_restore_of_a_missing_file_says_so(tmp_path):
    with pytest.raises(CommandError, match="No backup at"):
        call_command("restore", str(tmp_path / "nope.tar"), interactive=False)


def test_restore_of_something_that_is_not_an_archive_says_so(tmp_path):
    junk = tmp_path / "photo.tar"
    junk.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    with pytest.raises(CommandError, match="not a readable backup archive"):
        call_command("restore", str(junk), interactive=False)


def test_restore_of_a_truncated_archive_says_so(newsroom, tmp_path):
    archive = back_up(tmp_path)
    archive.write_bytes(archive.read_bytes()[:20_000])
    with pytest.raises(CommandError, match="not a readable backup archive|not a Newsroom backup|damaged"):
        call_command("restore", str(archive), interactive=False)


def test_backup_without_pg_dump_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(CommandError, match="pg_dump was not found.*postgresql-client"):
        call_command("backup", output=tmp_path / "backups")
    assert not (tmp_path / "backups").exists() or not any((tmp_path / "backups").iterdir())
