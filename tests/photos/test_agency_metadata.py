"""Agency metadata (IPTC, XMP, EXIF) fills caption, credit and copyright, never over what an editor typed."""

import pytest
from django.urls import reverse
from PIL import Image

from articles.models import Photo
from tests.helpers import image_bytes, upload, with_iptc
from tests.photos.images import photo_post, xmp_packet

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_photo_add")
LIST_URL = reverse("admin:articles_photo_changelist")


# --- Agency metadata --------------------------------------------------------------------------------


def test_iptc_fields_prefill_caption_credit_and_copyright(editor_client):
    jpeg = with_iptc(
        image_bytes(size=(600, 400)),
        {
            (2, 120): "Firefighters at the Ōsaka harbour — day two".encode(),
            (2, 110): b"Harbour Press",
            (2, 80): b"Jane Roe",
            (2, 116): b"(c) 2026 Harbour Press",
        },
    )
    response = editor_client.post(ADD_URL, photo_post(image=upload("wire.jpg", jpeg)))
    assert response.status_code == 302
    photo = Photo.objects.get()
    assert photo.caption == "Firefighters at the Ōsaka harbour — day two"
    assert photo.credit_text == "Harbour Press"
    assert photo.copyright == "(c) 2026 Harbour Press"


def test_xmp_fields_prefill_caption_credit_and_copyright(editor_client):
    xmp = xmp_packet("Ships &amp; cranes at dawn", "Harbour Press", "© 2026 Harbour Press")
    jpeg = image_bytes(size=(600, 400), xmp=xmp)
    editor_client.post(ADD_URL, photo_post(image=upload("wire.jpg", jpeg)))
    photo = Photo.objects.get()
    assert photo.caption == "Ships & cranes at dawn"
    assert photo.credit_text == "Harbour Press"
    assert photo.copyright == "© 2026 Harbour Press"


def test_exif_fields_prefill_caption_credit_and_copyright(editor_client):
    exif = Image.Exif()
    exif[0x010E], exif[0x013B], exif[0x8298] = "Crowds at the march", "Jane Roe", "Jane Roe 2026"
    editor_client.post(ADD_URL, photo_post(image=upload("cam.jpg", image_bytes(size=(600, 400), exif=exif))))
    photo = Photo.objects.get()
    assert (photo.caption, photo.credit_text, photo.copyright) == (
        "Crowds at the march",
        "Jane Roe",
        "Jane Roe 2026",
    )


def test_metadata_credit_matching_a_source_selects_that_source(editor_client, make_source):
    reuters = make_source(name="Reuters", slug="reuters", kind="agency")
    jpeg = with_iptc(image_bytes(size=(600, 400)), {(2, 110): b"REUTERS"})
    editor_client.post(ADD_URL, photo_post(image=upload("wire.jpg", jpeg)))
    photo = Photo.objects.get()
    assert photo.credit_source == reuters
    assert photo.credit_text == ""


def test_metadata_never_overwrites_what_the_editor_typed(editor_client, make_source):
    jpeg = with_iptc(
        image_bytes(size=(600, 400), xmp=xmp_packet("XMP caption", "XMP credit", "XMP rights")),
        {(2, 120): b"IPTC caption", (2, 110): b"IPTC credit", (2, 116): b"IPTC rights"},
    )
    typed = {"caption": "Typed caption", "credit_text": "Typed name", "copyright": "Typed rights"}
    editor_client.post(ADD_URL, photo_post(image=upload("wire.jpg", jpeg), **typed))
    photo = Photo.objects.get()
    assert {key: getattr(photo, key) for key in typed} == typed


def test_chosen_source_is_not_joined_by_a_metadata_credit(editor_client, make_source):
    afp = make_source(name="AFP", slug="afp", kind="agency")
    jpeg = with_iptc(image_bytes(size=(600, 400)), {(2, 110): b"Somebody Else"})
    editor_client.post(ADD_URL, photo_post(image=upload("wire.jpg", jpeg), credit_source=afp.pk))
    photo = Photo.objects.get()
    assert (photo.credit_source, photo.credit_text) == (afp, "")


def test_overlong_metadata_is_cut_to_fit_rather_than_refused(editor_client):
    jpeg = with_iptc(image_bytes(size=(600, 400)), {(2, 116): b"x" * 300, (2, 110): b"y" * 300})
    response = editor_client.post(ADD_URL, photo_post(image=upload("wire.jpg", jpeg)))
    assert response.status_code == 302
    photo = Photo.objects.get()
    assert (len(photo.copyright), len(photo.credit_text)) == (200, 120)
