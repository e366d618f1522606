"""Photos that published stories show: reporters cannot change them, and nobody may leave one without a
credit. Checked through the admin's photo change form and through the photo service itself."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from articles.models import GalleryItem, Photo
from articles.photos import services
from articles.publishing import policy
from tests.helpers import image_bytes, media_files, photo_edit_post, upload

pytestmark = pytest.mark.django_db

CREDIT_ERROR = "A published or scheduled story uses this photo"


def change_url(photo):
    return reverse("admin:articles_photo_change", args=[photo.pk])


def stored(photo) -> dict:
    """What the database holds for `photo`: the fields the change form edits, and its file."""
    fields = ["image", "caption", "alt_text", "credit_source", "credit_text", "focal_x", "focal_y"]
    return Photo.objects.filter(pk=photo.pk).values(*fields).get()


@pytest.fixture
def credited(make_photo):
    return make_photo(caption="Harbour at dawn", credit_text="Jane Roe")


@pytest.fixture
def uses(make_article):
    """Make `photo` used by a story in `state`: as its lead photo or in its gallery."""

    def use(photo, state="published", how="lead"):
        fields = {"status": state}
        if state == "scheduled":
            fields = {"status": "published", "published_at": timezone.now() + timedelta(hours=2)}
        if how == "lead":
            return make_article(lead_photo=photo, **fields)
        article = make_article(**fields)
        GalleryItem.objects.create(article=article, photo=photo)
        return article

    return use


# --- reporters and photos that published stories show -------------------------------------------


@pytest.mark.parametrize(
    ("state", "how"), [("published", "lead"), ("published", "gallery"), ("scheduled", "lead")]
)
def test_reporter_cannot_change_a_photo_a_published_story_uses(reporter_client, credited, uses, state, how):
    uses(credited, state, how)
    before = stored(credited)
    response = reporter_client.post(change_url(credited), photo_edit_post(credited, caption="Defaced"))
    assert response.status_code == 403
    assert stored(credited) == before


@pytest.mark.parametrize(
    "change",
    [
        {"credit_text": "Someone Else"},
        {"alt_text": "Something else"},
        {"focal_x": "0.9", "focal_y": "0.1"},
    ],
    ids=["credit", "alt-text", "focal-point"],
)
def test_reporter_cannot_change_any_field_of_a_published_storys_photo(
    reporter_client, credited, uses, change
):
    uses(credited)
    before = stored(credited)
    response = reporter_client.post(change_url(credited), photo_edit_post(credited, **change))
    assert response.status_code == 403
    assert stored(credited) == before


def test_reporter_replacing_a_published_storys_photo_leaves_the_files_as_they_were(
    reporter_client, credited, uses, media_root, django_capture_on_commit_callbacks
):
    uses(credited)
    files = media_files(media_root)
    replacement = upload("replacement.png", image_bytes("PNG", size=(900, 900)))
    with django_capture_on_commit_callbacks(execute=True):
        response = reporter_client.post(change_url(credited), photo_edit_post(credited, image=replacement))
    assert response.status_code == 403
    assert media_files(media_root) == files
    assert Photo.objects.get(pk=credited.pk).width == 1000


def test_reporter_sees_a_published_storys_photo_read_only(reporter_client, credited, uses):
    uses(credited)
    response = reporter_client.get(change_url(credited))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Harbour at dawn" in html
    assert 'name="caption"' not in html and 'name="_save"' not in html


@pytest.mark.parametrize("state", ["draft", "review", "unpublished"])
def test_reporter_still_changes_a_photo_only_an_unpublished_story_uses(
    reporter_client, credited, uses, state
):
    uses(credited, state)
    response = reporter_client.post(change_url(credited), photo_edit_post(credited, caption="Better words"))
    assert response.status_code == 302
    assert stored(credited)["caption"] == "Better words"


def test_editor_changes_a_photo_a_published_story_uses(editor_client, credited, uses):
    uses(credited)
    response = editor_client.post(change_url(credited), photo_edit_post(credited, caption="Better words"))
    assert response.status_code == 302
    assert stored(credited)["caption"] == "Better words"


# --- the credit rule ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "how"), [("published", "lead"), ("published", "gallery"), ("scheduled", "gallery")]
)
def test_editor_cannot_remove_the_credit_of_a_photo_a_published_story_uses(
    editor_client, credited, uses, state, how
):
    uses(credited, state, how)
    before = stored(credited)
    response = editor_client.post(change_url(credited), photo_edit_post(credited, credit_text=""))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert CREDIT_ERROR in " ".join(errors["credit_source"])
    assert CREDIT_ERROR in response.content.decode()
    assert stored(credited) == before


def test_editor_cannot_remove_a_credit_source_a_published_story_relies_on(
    editor_client, make_photo, make_source, uses
):
    photo = make_photo(credit_source=make_source(name="Reuters", slug="reuters"))
    uses(photo)
    response = editor_client.post(change_url(photo), photo_edit_post(photo, credit_source=""))
    assert response.status_code == 200
    assert CREDIT_ERROR in " ".join(response.context["adminform"].form.errors["credit_source"])
    assert Photo.objects.get(pk=photo.pk).credit == "Reuters"


def test_editor_may_swap_a_published_storys_photo_credit_for_another(
    editor_client, credited, make_source, uses
):
    uses(credited)
    reuters = make_source(name="Reuters", slug="reuters")
    data = photo_edit_post(credited, credit_source=str(reuters.pk), credit_text="")
    assert editor_client.post(change_url(credited), data).status_code == 302
    assert Photo.objects.get(pk=credited.pk).credit == "Reuters"


def test_editor_may_remove_the_credit_of_a_photo_only_drafts_use(editor_client, credited, uses):
    uses(credited, "draft")
    response = editor_client.post(change_url(credited), photo_edit_post(credited, credit_text=""))
    assert response.status_code == 302
    assert stored(credited)["credit_text"] == ""


# --- the photo service -------------------------------------------------------------------------


def test_save_photo_refuses_a_reporter_changing_a_published_storys_photo(credited, uses, reporter):
    uses(credited)
    before = stored(credited)
    credited.caption = "Defaced"
    with pytest.raises(PermissionDenied):
        services.save_photo(photo=credited, user=reporter)
    assert stored(credited) == before


def test_save_photo_refuses_a_reporter_replacing_a_published_storys_file(
    credited, uses, reporter, media_root
):
    uses(credited)
    files = media_files(media_root)
    credited.image = upload("replacement.jpg", image_bytes(size=(640, 480)))
    with pytest.raises(PermissionDenied):
        services.save_photo(photo=credited, user=reporter)
    assert media_files(media_root) == files


def test_save_photo_lets_an_editor_change_a_published_storys_photo(credited, uses, editor):
    uses(credited)
    credited.caption = "Better words"
    services.save_photo(photo=credited, user=editor)
    assert stored(credited)["caption"] == "Better words"


@pytest.mark.parametrize("who", ["editor", "nobody"])
def test_save_photo_refuses_to_leave_a_published_storys_photo_without_credit(credited, uses, editor, who):
    uses(credited, "scheduled", "gallery")
    before = stored(credited)
    credited.credit_text = ""
    with pytest.raises(ValidationError, match=CREDIT_ERROR):
        services.save_photo(photo=credited, user=editor if who == "editor" else None)
    assert stored(credited) == before


def test_policy_lets_reporters_change_only_photos_no_published_story_uses(
    credited, make_photo, uses, reporter, editor
):
    uses(credited)
    unused = make_photo()
    assert not policy.can_change_photo(reporter, credited)
    assert policy.can_change_photo(reporter, unused)
    assert policy.can_change_photo(editor, credited)
