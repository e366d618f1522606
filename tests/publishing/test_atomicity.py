"""A failure half-way through a multi-step write leaves the previous state: no orphan rows, no orphan files.

These run with real commits (transaction=True), as in production: nothing is rolled back for them by the
test harness, and callbacks that wait for a commit do run.
"""

import hashlib
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from taggit.models import TaggedItem

from articles.images import renditions, storage
from articles.models import Article, ArticleAuthor, ArticleSource, Photo, Revision, Transition
from articles.photos import services
from tests.helpers import image_bytes, upload
from tests.htmlscan import form_fields

pytestmark = pytest.mark.django_db(transaction=True)


class DiskFull(OSError):
    pass


def snapshot(root: Path) -> dict[str, str]:
    """Every file under the media root with a hash of its bytes."""
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def break_renditions(monkeypatch) -> list[str]:
    """From now on make_renditions writes part of a set into the photo's folder, then the disk fills up."""
    written = []

    def half_then_fail(photo):
        base = renditions.rendition_dir(photo)
        for name in ("original-320.jpg", "original-320.webp", "16x9-640.jpg"):
            written.append(default_storage.save(str(base / name), ContentFile(b"partial rendition")))
        raise DiskFull(28, "No space left on device")

    monkeypatch.setattr(renditions, "make_renditions", half_then_fail)
    return written


@pytest.fixture
def superuser_client(client):
    client.force_login(User.objects.create_superuser("chief", "chief@example.org", "pw-Secret-123"))
    return client


def test_new_photo_whose_renditions_fail_leaves_no_row_and_no_file(media_root, monkeypatch):
    written = break_renditions(monkeypatch)
    photo = Photo(image=upload("wire.jpg", image_bytes(size=(1200, 800))), alt_text="Smoke over a shipyard")
    with pytest.raises(storage.StorageUnavailable) as failed:
        services.save_photo(photo=photo)
    assert isinstance(failed.value.__cause__, DiskFull)
    assert written, "the failure was not half-way"
    assert Photo.objects.count() == 0
    assert snapshot(media_root) == {}
    assert photo.pk is None


def test_replacing_a_photos_file_that_fails_keeps_the_old_file_and_renditions(
    superuser_client, make_photo, media_root, monkeypatch
):
    photo = make_photo(caption="Before")
    before_row = Photo.objects.values().get(pk=photo.pk)
    before_files = snapshot(media_root)
    assert any(name.endswith(".webp") for name in before_files)

    url = reverse("admin:articles_photo_change", args=[photo.pk])
    data = form_fields(superuser_client.get(url).content.decode(), "photo_form")
    data.update(
        image=upload("replacement.jpg", image_bytes(size=(900, 900), color=(10, 200, 10))), caption="After"
    )
    written = break_renditions(monkeypatch)
    response = superuser_client.post(url, data)

    # The form comes back saying why, with the chosen file kept for the next try.
    assert response.status_code == 200
    assert "Photo storage is unavailable" in response.content.decode()
    assert "Kept from your last try: replacement.jpg" in response.content.decode()
    assert written
    assert Photo.objects.values().get(pk=photo.pk) == before_row
    assert snapshot(media_root) == before_files


def test_moving_the_focal_point_that_fails_keeps_the_old_crops(make_photo, media_root, monkeypatch):
    photo = make_photo()
    before_files = snapshot(media_root)
    written = break_renditions(monkeypatch)
    photo.focal_x, photo.focal_y = 0.1, 0.9
    with pytest.raises(storage.StorageUnavailable):
        services.save_photo(photo=photo)
    assert written
    assert Photo.objects.values_list("focal_x", "focal_y").get(pk=photo.pk) == (0.5, 0.5)
    assert snapshot(media_root) == before_files


@pytest.fixture
def sources_fail_to_save(monkeypatch):
    """The second inline (attributed sources) fails after the article and its byline were written."""

    def fail(self, *args, **kwargs):
        raise RuntimeError("connection to the wire service lost mid-save")

    monkeypatch.setattr(ArticleSource, "save", fail)


def article_form(client, url, **fields):
    data = form_fields(client.get(url).content.decode(), "article_form")
    data.update(fields)
    return data


def test_new_article_whose_inline_save_fails_leaves_nothing(
    superuser_client, section, make_author, make_source, sources_fail_to_save
):
    author, source = make_author(), make_source()
    url = reverse("admin:articles_article_add")
    data = article_form(
        superuser_client, url, headline="Half-saved story", slug="half-saved", body="<p>Text</p>",
        section=str(section.pk), **{"articleauthor_set-0-author": str(author.pk),
                                     "articlesource_set-0-source": str(source.pk)},
    )  # fmt: skip
    with pytest.raises(RuntimeError, match="mid-save"):
        superuser_client.post(url, data)
    assert Article.objects.count() == 0
    for model in (ArticleAuthor, ArticleSource, Revision, Transition, TaggedItem):
        assert model.objects.count() == 0, model.__name__


def test_edit_whose_inline_save_fails_keeps_the_previous_version(
    superuser_client, make_article, make_author, make_source, sources_fail_to_save
):
    old_author, new_author, source = make_author(), make_author(), make_source()
    article = make_article(
        headline="Original headline", body="<p>Original</p>", authors=[old_author], tags=["Port"]
    )
    before = Article.objects.values().get(pk=article.pk)
    bylines = list(ArticleAuthor.objects.values_list("author_id", flat=True))
    revisions = Revision.objects.count()

    url = reverse("admin:articles_article_change", args=[article.pk])
    data = article_form(
        superuser_client, url, headline="Changed headline", body="<p>Changed</p>",
        _save_publish="1",  # straight to the live story, not as pending changes
        **{"articleauthor_set-0-author": str(new_author.pk), "articlesource_set-0-source": str(source.pk)},
    )  # fmt: skip
    with pytest.raises(RuntimeError, match="mid-save"):
        superuser_client.post(url, data)

    assert Article.objects.values().get(pk=article.pk) == before
    assert list(ArticleAuthor.objects.values_list("author_id", flat=True)) == bylines
    assert ArticleSource.objects.count() == 0 and Revision.objects.count() == revisions
    assert list(article.tags.names()) == ["Port"]


def test_the_same_edit_succeeds_without_the_fault(superuser_client, make_article, make_author, make_source):
    # The control: the form above is a real, valid edit, so the failure is what kept it out.
    new_author, source = make_author(), make_source()
    article = make_article(headline="Original headline")
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = article_form(
        superuser_client, url, headline="Changed headline",
        _save_publish="1",  # straight to the live story, not as pending changes
        **{"articleauthor_set-0-author": str(new_author.pk), "articlesource_set-0-source": str(source.pk)},
    )  # fmt: skip
    assert superuser_client.post(url, data).status_code == 302
    article.refresh_from_db()
    assert (
        article.headline == "Changed headline" and ArticleSource.objects.filter(article=article).count() == 1
    )
