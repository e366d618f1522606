"""A chosen photo file survives a form that could not be saved: the editor fixes the form and saves
without choosing the file again. Only its uploader can use it, and for a day."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse
from django.utils import timezone

from articles import scheduler
from articles.images import renditions
from articles.models import HeldUpload, Photo
from tests.helpers import image_bytes, photo_post, upload
from tests.htmlscan import form_fields

pytestmark = pytest.mark.django_db
ADD_URL = reverse("admin:articles_photo_add")
PICTURE = image_bytes(size=(1000, 700), color=(200, 120, 40))


def refused_with_file_kept(client) -> dict:
    response = client.post(ADD_URL, photo_post(image=upload("quay.jpg", PICTURE), alt_text=""))
    html = response.content.decode()
    assert response.status_code == 200 and "This field is required" in html
    assert "Kept from your last try: quay.jpg" in html
    # The file input no longer insists on a file: the browser would not send the form otherwise.
    file_input = re.search(r'<input type="file" name="image"[^>]*>', html).group()
    assert " required" not in file_input
    return form_fields(html, "photo_form")


def test_a_form_error_keeps_the_chosen_file_for_the_next_try(editor_client, media_root):
    fields = refused_with_file_kept(editor_client)
    assert Photo.objects.count() == 0 and HeldUpload.objects.count() == 1
    response = editor_client.post(ADD_URL, {**fields, "alt_text": "Boats at the quay"})
    assert response.status_code == 302
    photo = Photo.objects.get()
    with renditions.open_original(photo) as fh:
        assert fh.read() == PICTURE
    assert renditions.has_renditions(photo)
    assert HeldUpload.objects.count() == 0


def test_another_file_chosen_on_the_next_try_wins(editor_client, media_root):
    fields = refused_with_file_kept(editor_client)
    other = image_bytes(size=(640, 480), color=(10, 10, 200))
    response = editor_client.post(
        ADD_URL, {**fields, "alt_text": "Boats at the quay", "image": upload("other.jpg", other)}
    )
    assert response.status_code == 302
    with renditions.open_original(Photo.objects.get()) as fh:
        assert fh.read() == other
    assert HeldUpload.objects.count() == 0


def test_someone_elses_kept_file_is_not_theirs_to_save(editor_client, media_root):
    fields = refused_with_file_kept(editor_client)
    other = User.objects.create_user("ed2", "ed2@example.org", "pw-Secret-123", is_staff=True)
    other.groups.add(Group.objects.get(name="Editors"))
    editor_client.force_login(other)
    response = editor_client.post(ADD_URL, {**fields, "alt_text": "Boats at the quay"})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    assert Photo.objects.count() == 0


def test_a_forged_token_is_no_file(editor_client, media_root):
    fields = refused_with_file_kept(editor_client)
    response = editor_client.post(ADD_URL, {**fields, "alt_text": "Boats", "held_upload": "1:forged:token"})
    assert response.status_code == 200 and Photo.objects.count() == 0


def test_kept_files_nobody_came_back_for_are_forgotten_after_a_day(editor_client, media_root):
    refused_with_file_kept(editor_client)
    HeldUpload.objects.update(created_at=timezone.now() - timedelta(days=1, minutes=1))
    assert scheduler.tick()
    assert HeldUpload.objects.count() == 0
