"""A photo's files over its life: deleting and replacing, and failures that leave nothing half-written."""

import io

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from articles.images import renditions
from articles.models import GalleryItem, Photo
from articles.photos import services
from tests.helpers import image_bytes, media_files, upload
from tests.helpers import photo_edit_post as edit_post
from tests.photos.images import (
    expected_files,
)

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_photo_add")
LIST_URL = reverse("admin:articles_photo_changelist")


# --- Deleting and replacing -------------------------------------------------------------------------------


def test_reporter_cannot_delete_a_photo(reporter_client, make_photo):
    photo = make_photo()
    response = reporter_client.post(reverse("admin:articles_photo_delete", args=[photo.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Photo.objects.filter(pk=photo.pk).exists()


def test_deleting_a_lead_photo_is_refused_naming_the_article(editor_client, make_photo, make_article):
    photo = make_photo(caption="Harbour fire")
    make_article(headline="Fire at the harbour", lead_photo=photo)
    url = reverse("admin:articles_photo_delete", args=[photo.pk])
    html = editor_client.get(url).content.decode()
    assert "Cannot delete photo" in html
    assert ">Fire at the harbour</a>” uses the photo “Harbour fire” as its lead photo." in html

    editor_client.post(url, {"post": "yes"})
    assert Photo.objects.filter(pk=photo.pk).exists()


def test_deleting_a_gallery_photo_is_refused_naming_the_article(editor_client, make_photo, make_article):
    photo = make_photo()
    GalleryItem.objects.create(article=make_article(headline="Storm in pictures"), photo=photo)
    url = reverse("admin:articles_photo_delete", args=[photo.pk])
    html = editor_client.post(url, {"post": "yes"}).content.decode()
    assert "Storm in pictures" in html and "in its gallery" in html
    assert Photo.objects.filter(pk=photo.pk).exists()


def test_delete_refusal_names_articles_in_the_trash(editor_client, make_photo, make_article):
    photo = make_photo()
    make_article(headline="Old story", lead_photo=photo, deleted_at=timezone.now())
    html = editor_client.get(reverse("admin:articles_photo_delete", args=[photo.pk])).content.decode()
    assert "“Old story” (in the trash)" in html


def test_bulk_delete_of_photos_in_use_is_refused_naming_the_articles(editor_client, make_photo, make_article):
    lead, gallery, unused = make_photo(), make_photo(), make_photo()
    make_article(headline="Lead story", lead_photo=lead)
    GalleryItem.objects.create(article=make_article(headline="Gallery story"), photo=gallery)
    selected = [lead.pk, gallery.pk, unused.pk]
    response = editor_client.post(
        LIST_URL, {"action": "delete_selected", "_selected_action": selected, "post": "yes"}
    )
    html = response.content.decode()
    assert "Cannot delete photo" in html
    assert "Lead story" in html and "Gallery story" in html
    assert Photo.objects.count() == 3


def test_deleting_an_unused_photo_removes_its_original_and_renditions(
    editor_client, make_photo, media_root, django_capture_on_commit_callbacks
):
    photo = make_photo()
    assert media_files(media_root) == expected_files(photo)
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(reverse("admin:articles_photo_delete", args=[photo.pk]), {"post": "yes"})
    assert not Photo.objects.exists()
    assert media_files(media_root) == []


def test_bulk_deleting_unused_photos_removes_their_files(
    editor_client, make_photo, media_root, django_capture_on_commit_callbacks
):
    photos = [make_photo(), make_photo()]
    keep = make_photo()
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            LIST_URL, {"action": "delete_selected", "_selected_action": [p.pk for p in photos], "post": "yes"}
        )
    assert list(Photo.objects.all()) == [keep]
    assert media_files(media_root) == expected_files(keep)


def test_replacing_the_file_removes_the_old_original_and_renditions(
    editor_client, make_photo, media_root, django_capture_on_commit_callbacks
):
    photo = make_photo()
    old = expected_files(photo)
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            reverse("admin:articles_photo_change", args=[photo.pk]),
            edit_post(photo, image=upload("replacement.png", image_bytes("PNG", size=(900, 900)))),
        )
    assert response.status_code == 302
    photo.refresh_from_db()
    assert (photo.width, photo.height) == (900, 900)
    assert media_files(media_root) == expected_files(photo)
    assert not set(old) & set(media_files(media_root))


def _write_part_then_fail(photo):
    # What a crash midway looks like: some renditions on disk, then an error.
    default_storage.save(str(renditions.rendition_dir(photo) / "original-320.jpg"), io.BytesIO(image_bytes()))
    raise OSError("No space left on device")


def test_failed_upload_leaves_no_row_and_no_file(media_root, monkeypatch):
    monkeypatch.setattr(renditions, "make_renditions", _write_part_then_fail)
    photo = Photo(image=upload("wire.jpg"), alt_text="A picture")
    with pytest.raises(OSError, match="No space"):
        services.save_photo(photo=photo)
    assert Photo.objects.count() == 0
    assert photo.pk is None
    assert media_files(media_root) == []


def test_failed_replacement_keeps_the_old_files_and_leaves_no_new_ones(make_photo, media_root, monkeypatch):
    photo = make_photo()
    before = media_files(media_root)
    monkeypatch.setattr(renditions, "make_renditions", _write_part_then_fail)
    photo.image = upload("replacement.jpg", image_bytes(size=(640, 480)))
    with pytest.raises(OSError):
        services.save_photo(photo=photo)
    assert media_files(media_root) == before
    assert Photo.objects.get().width == 1000


def test_failed_focal_change_leaves_no_partial_set(make_photo, media_root, monkeypatch):
    photo = make_photo()
    before = media_files(media_root)
    monkeypatch.setattr(renditions, "make_renditions", _write_part_then_fail)
    photo.focal_x = 0.2
    with pytest.raises(OSError):
        services.save_photo(photo=photo)
    assert media_files(media_root) == before
