"""Media on the local disk (development, the demo), and the settings that switch to object storage."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from articles.images import renditions, storage
from newsroom.settings.base import media_storages
from tests.helpers import image_bytes, media_files, upload

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent.parent


def test_renditions_are_served_with_a_year_of_immutable_caching(client, make_photo):
    photo = make_photo()
    url = renditions.og_image(photo).url
    assert url.startswith("/media/renditions/")
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["Cache-Control"] == settings.RENDITION_CACHE_CONTROL == storage.IMMUTABLE


def test_a_missing_rendition_is_a_404_that_is_not_cached_for_a_year(client, make_photo):
    photo = make_photo()
    response = client.get(f"/media/{renditions.rendition_dir(photo)}/original-9999.jpg")
    assert response.status_code == 404
    assert "immutable" not in response.get("Cache-Control", "")


def test_originals_are_not_public(client, make_photo):
    photo = make_photo()
    response = client.get(f"/media/{photo.image.name}")
    assert response.status_code == 404
    assert "immutable" not in response.get("Cache-Control", "")


def test_staff_open_originals_uncached(editor_client, make_photo):
    photo = make_photo(image=upload("wire.jpg", data := image_bytes(size=(640, 480))))
    response = editor_client.get(f"/media/{photo.image.name}")
    assert response.status_code == 200 and b"".join(response.streaming_content) == data
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Type"] == "image/jpeg"


@pytest.mark.parametrize("path", ["photos", "photos/nothing.jpg", "../../etc/passwd", "%2e%2e/settings.py"])
def test_staff_asking_for_what_is_no_original_get_an_error_not_a_file(editor_client, make_photo, path):
    make_photo()
    response = editor_client.get(f"/media/{path}")
    assert response.status_code in {400, 404}


def test_serial_and_parallel_writes_make_the_same_renditions(settings, make_photo, media_root):
    settings.PHOTO_STORAGE_WORKERS = 1
    serial = make_photo(image=upload("a.jpg", image_bytes(size=(1500, 1000), color=(10, 120, 200))))
    settings.PHOTO_STORAGE_WORKERS = 8
    parallel = make_photo(image=upload("a.jpg", image_bytes(size=(1500, 1000), color=(10, 120, 200))))

    def rendition_bytes(photo):
        base = media_root / renditions.rendition_dir(photo)
        return {path.name: path.read_bytes() for path in sorted(base.iterdir())}

    planned = sum(len(renditions.planned_renditions(serial, crop)) for crop in renditions.CROPS)
    assert len(rendition_bytes(serial)) == 2 * planned + 2  # and the Open Graph and 4:3 JPEGs
    assert rendition_bytes(serial) == rendition_bytes(parallel)


def test_each_upload_gets_a_name_of_its_own(make_photo, media_root):
    # Rendition URLs are cached as immutable and derive from the name: a name is never used twice.
    first, second = make_photo(image=upload("same.jpg")), make_photo(image=upload("same.jpg"))
    assert first.image.name != second.image.name
    assert first.image.name.endswith("/same.jpg") and second.image.name.endswith("/same.jpg")
    assert renditions.rendition_dir(first) != renditions.rendition_dir(second)
    assert len([n for n in media_files(media_root) if not n.startswith("renditions/")]) == 2


def test_no_code_reads_the_media_folder_directly():
    # Everything goes through the storages, so it works the same on object storage.
    reads = re.compile(r"settings\.MEDIA_ROOT|\.image\.path\b|storage\(?\)?\.path\(|\.location\b")
    offenders = [
        f"{path.relative_to(ROOT)}: {line.strip()}"
        for folder in ("articles", "newsroom", "bench")
        for path in (ROOT / folder).rglob("*.py")
        if "settings" not in path.parts
        for line in path.read_text().splitlines()
        if reads.search(line)
    ]
    # The one exception: Django serving renditions from a local folder asks that storage for its folder.
    assert [o for o in offenders if not o.startswith("articles/public/media.py")] == []
    assert len(offenders) == 1


# --- Settings from the environment ---------------------------------------------------------------


def test_local_files_are_the_default():
    found, origins = media_storages({})
    assert (
        found["default"]["BACKEND"]
        == found["renditions"]["BACKEND"]
        == ("django.core.files.storage.FileSystemStorage")
    )
    assert origins == []


def test_s3_without_a_bucket_is_refused_with_a_clear_message():
    with pytest.raises(ImproperlyConfigured, match="AWS_STORAGE_BUCKET_NAME"):
        media_storages({"MEDIA_STORAGE": "s3"})


@pytest.mark.parametrize(
    ("env", "origin"),
    [
        ({"AWS_S3_CUSTOM_DOMAIN": "media.example.org"}, "https://media.example.org"),
        ({"AWS_S3_REGION_NAME": "eu-west-1"}, "https://pics.s3.eu-west-1.amazonaws.com"),
        ({"AWS_S3_ENDPOINT_URL": "https://s3.example.net:9000"}, "https://s3.example.net:9000"),
        (
            {"AWS_S3_ENDPOINT_URL": "https://fra1.example.net", "AWS_S3_ADDRESSING_STYLE": "virtual"},
            "https://pics.fra1.example.net",
        ),
        ({"MEDIA_ORIGIN": "https://img.example.org"}, "https://img.example.org"),
    ],
)
def test_the_csp_origin_is_where_renditions_are_loaded_from(env, origin):
    found, origins = media_storages(
        {
            "MEDIA_STORAGE": "s3",
            "AWS_STORAGE_BUCKET_NAME": "originals",
            "AWS_RENDITIONS_BUCKET_NAME": "pics",
            **env,
        }
    )
    assert origins == [origin]
    assert found["default"]["OPTIONS"]["bucket_name"] == "originals"
    assert found["renditions"]["OPTIONS"]["bucket_name"] == "pics"


def test_the_environment_configures_storages_and_the_csp():
    """The settings module read in a fresh process, as a server starts."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings.base",
        "MEDIA_STORAGE": "s3",
        "AWS_STORAGE_BUCKET_NAME": "newsroom-originals",
        "AWS_RENDITIONS_BUCKET_NAME": "newsroom-renditions",
        "AWS_S3_CUSTOM_DOMAIN": "media.example.org",
    }
    script = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps({'storages': s.STORAGES, 'img': [str(x) for x in s.SECURE_CSP['img-src']]}))"
    )
    out = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    found = json.loads(out.stdout)
    originals, public = found["storages"]["default"]["OPTIONS"], found["storages"]["renditions"]["OPTIONS"]
    assert (originals["bucket_name"], originals["querystring_auth"], originals["file_overwrite"]) == (
        "newsroom-originals",
        True,
        False,
    )
    assert originals["querystring_expire"] == 300
    assert (public["bucket_name"], public["querystring_auth"], public["custom_domain"]) == (
        "newsroom-renditions",
        False,
        "media.example.org",
    )
    assert public["object_parameters"] == {"CacheControl": "public, max-age=31536000, immutable"}
    assert "https://media.example.org" in found["img"] and "'self'" in found["img"]
