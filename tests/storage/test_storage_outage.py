"""Object storage going down under the editor: the photo form comes back saying so with the chosen file
kept, nothing is half-saved, and whatever could not be cleaned up then is removed by a retried task once
the storage answers again. The storage is moto's S3 server behind a relay the tests cut and mend."""

import urllib.request
from datetime import timedelta

import boto3
import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.images import renditions
from articles.models import HeldUpload, Photo
from tests.background import run_ready_tasks
from tests.helpers import image_bytes, photo_post, upload
from tests.htmlscan import form_fields

from .conftest import ORIGINALS, use_s3
from .faults import CuttableRelay

pytestmark = pytest.mark.django_db
ADD_URL = reverse("admin:articles_photo_add")
RELAY_PORT = 8041
UNAVAILABLE = "Photo storage is unavailable"


@pytest.fixture
def relay(moto_endpoint):
    relay = CuttableRelay(RELAY_PORT, int(moto_endpoint.rsplit(":", 1)[1])).mend()
    yield relay
    relay.cut()


@pytest.fixture
def s3(settings, relay, moto_endpoint):
    """Media on S3 through the relay; `s3.bucket()` lists what the storage really holds (asked directly)."""
    use_s3(settings, relay.endpoint)
    direct = boto3.client(
        "s3",
        endpoint_url=moto_endpoint,
        region_name="us-east-1",
        aws_access_key_id="t",
        aws_secret_access_key="t",
    )

    class Bucket:
        @staticmethod
        def keys():
            return sorted(o["Key"] for o in direct.list_objects_v2(Bucket=ORIGINALS).get("Contents", []))

    return Bucket


@pytest.fixture
def db_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def pending_cleanups() -> int:
    return DBTaskResult.objects.filter(task_path="articles.photos.tasks.delete_files", status="READY").count()


def test_storage_down_gives_the_editor_the_form_back_with_the_file_kept(editor_client, relay, s3):
    relay.cut()
    data = photo_post(image=upload("harbour.jpg", image_bytes(size=(1200, 800), color=(30, 90, 160))))
    response = editor_client.post(ADD_URL, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert UNAVAILABLE in html and "Kept from your last try: harbour.jpg" in html
    assert Photo.objects.count() == 0
    # Storage is back: the same form, sent again without choosing the file, saves it.
    relay.mend()
    again = form_fields(html, "photo_form")
    assert again["held_upload"] and "image" not in again
    response = editor_client.post(ADD_URL, again)
    assert response.status_code == 302, response.content.decode()[:400]
    photo = Photo.objects.get()
    assert photo.alt_text == data["alt_text"]
    assert s3.keys().count(photo.image.name) == 1
    with renditions.open_original(photo) as fh:
        assert fh.read() == image_bytes(size=(1200, 800), color=(30, 90, 160))
    assert HeldUpload.objects.count() == 0


def test_storage_lost_mid_upload_leaves_no_orphan_once_it_answers(
    editor_client, relay, s3, db_tasks, monkeypatch
):
    real = renditions.make_renditions

    def storage_dies_after_the_original(photo):
        relay.cut()
        return real(photo)

    monkeypatch.setattr(renditions, "make_renditions", storage_dies_after_the_original)
    response = editor_client.post(ADD_URL, photo_post())
    assert response.status_code == 200 and UNAVAILABLE in response.content.decode()
    assert Photo.objects.count() == 0
    # The original reached the bucket before the storage went; its removal waits for the storage.
    orphans = s3.keys()
    assert len(orphans) == 1 and pending_cleanups() == 1
    assert run_ready_tasks() == 1  # storage still down: this attempt fails and the next is deferred
    assert s3.keys() == orphans
    relay.mend()
    run_ready_tasks(advance_to=timezone.now() + timedelta(hours=2))
    assert s3.keys() == []


def test_a_photo_deleted_while_storage_is_down_loses_its_files_when_it_is_back(
    editor_client, relay, s3, db_tasks, make_photo, django_capture_on_commit_callbacks
):
    photo = make_photo()
    assert s3.keys()
    relay.cut()
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            reverse("admin:articles_photo_delete", args=[photo.pk]), {"post": "yes"}
        )
    assert response.status_code == 302
    assert not Photo.objects.filter(pk=photo.pk).exists()
    assert s3.keys() and pending_cleanups() == 1
    relay.mend()
    run_ready_tasks()
    assert s3.keys() == []


def test_moto_answers_through_the_relay_only_while_it_is_mended(relay):
    # The fault is real: with the relay cut, nothing answers on its port.
    urllib.request.urlopen(f"{relay.endpoint}/moto-api/data.json", timeout=5).close()
    relay.cut()
    with pytest.raises(OSError):
        urllib.request.urlopen(f"{relay.endpoint}/moto-api/data.json", timeout=5).close()
