"""The photo form's metadata endpoint: a chosen file's caption, credit and copyright, read before saving
(static/admin/js/photo_metadata.js fills the empty fields with them)."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from tests.helpers import image_bytes, media_files, upload, with_iptc

pytestmark = pytest.mark.django_db

URL = reverse("admin:articles_photo_metadata")


def wire_photo(**iptc: bytes):
    """A JPEG carrying IPTC fields: caption (2:120), credit (2:110), copyright (2:116)."""
    keys = {"caption": (2, 120), "credit": (2, 110), "copyright": (2, 116)}
    return upload("wire.jpg", with_iptc(image_bytes(size=(600, 400)), {keys[k]: v for k, v in iptc.items()}))


def test_caption_credit_and_copyright_are_read_from_the_chosen_file(editor_client):
    caption = "Cranes at the Ōsaka harbour at dawn"
    image = wire_photo(caption=caption.encode(), credit=b"Harbour Press", copyright=b"(c) 2026 Harbour Press")
    response = editor_client.post(URL, {"image": image})
    assert response.status_code == 200
    assert response.json() == {
        "caption": caption,
        "credit": "Harbour Press",
        "copyright": "(c) 2026 Harbour Press",
        "credit_source": None,
    }


def test_a_credit_naming_a_source_in_any_case_gives_that_source(editor_client, make_source):
    reuters = make_source(name="Reuters", slug="reuters", kind="agency")
    response = editor_client.post(URL, {"image": wire_photo(credit=b"REUTERS")})
    assert response.json()["credit_source"] == reuters.pk


def test_a_file_without_metadata_gives_empty_fields(reporter_client):
    response = reporter_client.post(URL, {"image": upload("plain.jpg", image_bytes(size=(600, 400)))})
    assert response.status_code == 200
    assert response.json() == {"caption": "", "credit": "", "copyright": "", "credit_source": None}


def test_reading_a_file_stores_nothing(editor_client, media_root):
    editor_client.post(URL, {"image": wire_photo(caption=b"Cranes")})
    assert media_files(media_root) == []


def test_a_file_that_is_no_image_is_refused_with_the_upload_message(editor_client):
    response = editor_client.post(URL, {"image": upload("notes.jpg", b"Meeting notes, not a photo")})
    assert response.status_code == 400
    assert response.json()["error"].startswith("This file is not a readable image (or it is damaged)")


def test_a_file_over_the_size_limit_is_refused_with_the_upload_message(editor_client, settings):
    settings.PHOTO_MAX_BYTES = 1_000
    response = editor_client.post(URL, {"image": wire_photo(caption=b"Cranes")})
    assert response.status_code == 400
    assert "photos may be at most" in response.json()["error"]


def test_a_request_without_a_file_is_refused(editor_client):
    response = editor_client.post(URL, {})
    assert response.status_code == 400
    assert response.json() == {"error": "Choose a photo file."}


def test_a_user_who_may_not_add_or_change_photos_is_refused(client):
    client.force_login(User.objects.create_user("guest", "guest@example.org", "pw-Secret-123", is_staff=True))
    response = client.post(URL, {"image": wire_photo(caption=b"Cranes")})
    assert response.status_code == 403
    assert response.json() == {"error": "You may not add or change photos."}


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.post(URL, {"image": wire_photo(caption=b"Cranes")})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_get_is_not_allowed(editor_client):
    assert editor_client.get(URL).status_code == 405


def test_the_photo_form_loads_the_script_and_names_the_endpoint(editor_client):
    html = editor_client.get(reverse("admin:articles_photo_add")).content.decode()
    assert "/static/admin/js/photo_metadata.js" in html
    assert f'data-metadata-url="{URL}"' in html
