"""Photos on S3 (moto's server on loopback): what the bucket holds after each thing an editor does, and
what a reader, a crawler and a stranger can fetch from it."""

import hashlib
import io
import json
import tarfile
import urllib.error
import urllib.request

import feedparser
import pytest
from botocore.exceptions import ClientError
from django.core.management import call_command
from django.urls import reverse

from articles.images import renditions, storage
from articles.models import Article, Photo
from articles.photos import services
from tests.helpers import image_bytes, photo_edit_post, photo_post, upload
from tests.htmlscan import elements

pytestmark = pytest.mark.django_db
ADD_URL = reverse("admin:articles_photo_add")
SITE = "https://news.example.org"


def fetch(url: str):
    """GET `url` as a stranger would: no credentials. (status, headers, body)"""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, b""


def rendition_keys(photo) -> list[str]:
    base = renditions.rendition_dir(photo)
    names = {str(base / renditions.OG_NAME), str(base / renditions.FOUR_THREE_NAME)}
    for crop in renditions.CROPS:
        for stem, _, _ in renditions.planned_renditions(photo, crop):
            names |= {str(base / f"{stem}.{ext}") for ext, _, _ in renditions.FORMATS}
    return sorted(names)


def expected_keys(s3, photo) -> list[str]:
    return sorted(
        [f"{s3.originals}/{photo.image.name}"] + [f"{s3.renditions}/{k}" for k in rendition_keys(photo)]
    )


def page_image_urls(html: str) -> list[str]:
    urls = set()
    for el in elements(html):
        if el.tag in {"img", "source"}:
            urls |= {part.strip().split(" ")[0] for part in (el.attrs.get("srcset") or "").split(",") if part}
            if el.attrs.get("src"):
                urls.add(el.attrs["src"])
    return sorted(url for url in urls if "/renditions/" in url)


def upload_through_admin(client, **fields) -> Photo:
    response = client.post(ADD_URL, photo_post(**fields))
    assert response.status_code == 302, response.content.decode()[:500]
    return Photo.objects.get()


# --- Upload, public renditions, private originals ---------------------------------------------------


def test_upload_through_the_admin_writes_the_original_and_every_rendition(s3, editor_client):
    photo = upload_through_admin(editor_client)
    assert s3.all_keys() == expected_keys(s3, photo)
    # The original is stored byte for byte; renditions are what templates link to.
    stored = s3.client.get_object(Bucket=s3.originals, Key=photo.image.name)["Body"].read()
    assert stored == photo_post()["image"].read()


def test_renditions_answer_a_stranger_with_a_year_of_immutable_caching(
    s3, editor_client, client, make_article
):
    photo = upload_through_admin(editor_client)
    article = make_article(lead_photo=photo)
    client.logout()
    urls = page_image_urls(client.get(article.get_absolute_url()).content.decode())
    assert len(urls) >= 4 and all(
        url.startswith(f"{s3.endpoint}/{s3.renditions}/renditions/") for url in urls
    )
    for url in urls:
        status, headers, body = fetch(url)
        assert status == 200, url
        assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert headers["Content-Type"] == ("image/webp" if url.endswith(".webp") else "image/jpeg")
        assert body[:4] in {b"RIFF", b"\xff\xd8\xff\xe0", b"\xff\xd8\xff\xdb"}


def test_originals_are_refused_to_strangers_and_served_on_a_signed_url(s3, editor_client):
    photo = upload_through_admin(editor_client)
    status, headers, _ = fetch(s3.public_url(s3.originals, photo.image.name))
    assert status == 403
    signed = photo.image.url
    assert "X-Amz-Signature=" in signed and "X-Amz-Expires=300" in signed
    status, headers, body = fetch(signed)
    assert status == 200 and body == photo_post()["image"].read()
    assert "immutable" not in (headers["Cache-Control"] or "")


def test_rendition_urls_are_never_signed(s3, make_photo):
    photo = make_photo()
    og = renditions.og_image(photo).url
    assert "?" not in og and og == renditions.og_image(photo).url


# --- Changes and deletes ----------------------------------------------------------------------------


def test_deleting_a_photo_in_the_admin_leaves_no_object(
    s3, editor_client, django_capture_on_commit_callbacks
):
    photo = upload_through_admin(editor_client)
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            reverse("admin:articles_photo_delete", args=[photo.pk]), {"post": "yes"}
        )
    assert response.status_code == 302 and not Photo.objects.exists()
    assert s3.all_keys() == []


def test_moving_the_focal_point_replaces_the_rendition_set(
    s3_two_buckets, editor_client, django_capture_on_commit_callbacks
):
    s3 = s3_two_buckets
    photo = upload_through_admin(editor_client)
    old = rendition_keys(photo)
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            reverse("admin:articles_photo_change", args=[photo.pk]), photo_edit_post(photo, focal_x="0.9")
        )
    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.focal_x == 0.9
    assert s3.all_keys() == expected_keys(s3, photo)
    assert not set(old) & set(s3.keys(s3.renditions))


def test_replacing_the_file_removes_the_old_original_and_renditions(
    s3_two_buckets, editor_client, django_capture_on_commit_callbacks
):
    s3 = s3_two_buckets
    photo = upload_through_admin(editor_client)
    old_name = photo.image.name
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            reverse("admin:articles_photo_change", args=[photo.pk]),
            photo_edit_post(photo, image=upload("again.png", image_bytes("PNG", size=(900, 900)))),
        )
    photo.refresh_from_db()
    assert photo.image.name != old_name
    assert s3.all_keys() == expected_keys(s3, photo)


def test_the_same_file_name_uploaded_again_gets_new_rendition_urls(
    s3_two_buckets, editor_client, django_capture_on_commit_callbacks
):
    # Renditions are cached for a year: a new picture must never come back under an old URL, even when
    # the first photo was deleted and the second has the same name and focal point.
    first = upload_through_admin(editor_client, image=upload("IMG_0001.jpg", image_bytes(color=(200, 0, 0))))
    first_og = renditions.og_image(first).url
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(reverse("admin:articles_photo_delete", args=[first.pk]), {"post": "yes"})
    second = upload_through_admin(editor_client, image=upload("IMG_0001.jpg", image_bytes(color=(0, 0, 200))))
    assert second.image.name.endswith("/IMG_0001.jpg")
    assert renditions.og_image(second).url != first_og


def test_a_write_refused_midway_leaves_no_row_and_no_object(s3_two_buckets):
    s3 = s3_two_buckets
    # The storage refuses one rendition in the middle of the set (a real 403 from the S3 API).
    policy = json.loads(s3.client.get_bucket_policy(Bucket=s3.renditions)["Policy"])
    policy["Statement"].append(
        {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:PutObject",
            "Resource": f"arn:aws:s3:::{s3.renditions}/renditions/*/1x1-320.webp",
        }
    )
    s3.client.put_bucket_policy(Bucket=s3.renditions, Policy=json.dumps(policy))
    photo = Photo(image=upload("wire.jpg", image_bytes(size=(1200, 800))), alt_text="Smoke over a shipyard")
    with pytest.raises(storage.StorageUnavailable) as refused:
        services.save_photo(photo=photo)
    assert isinstance(refused.value.__cause__, ClientError)
    assert Photo.objects.count() == 0 and photo.pk is None
    assert s3.all_keys() == []


def test_make_renditions_rewrites_a_lost_set(s3_two_buckets, make_photo):
    s3 = s3_two_buckets
    photo = make_photo()
    renditions.delete_renditions(photo)
    assert s3.keys(s3.renditions) == []
    call_command("make_renditions", stdout=(out := io.StringIO()))
    assert "1 photos rendered" in out.getvalue()
    assert s3.all_keys() == expected_keys(s3, photo)


# --- Absolute URLs in what other sites read ---------------------------------------------------------


def _og_image(html: str) -> str:
    [meta] = [e for e in elements(html) if e.tag == "meta" and e.attrs.get("property") == "og:image"]
    return meta.attrs["content"]


def _json_ld_images(html: str) -> list[str]:
    blocks = [json.loads(e.text) for e in elements(html) if e.attrs.get("type") == "application/ld+json"]
    return [url for block in blocks for item in block for url in item.get("image", [])]


@pytest.mark.parametrize("domain", ["", "cdn"])
def test_open_graph_json_ld_and_feeds_use_the_storage_url_as_is(
    settings, moto_endpoint, s3_with, client, make_photo, make_article, domain
):
    settings.SITE_URL = SITE
    # A custom domain in front of the renditions bucket: here moto itself, path-style, over http.
    s3 = s3_with(AWS_RENDITIONS_BUCKET_NAME="newsroom-renditions", AWS_S3_URL_PROTOCOL="http:")
    if domain:
        s3 = s3_with(
            AWS_RENDITIONS_BUCKET_NAME=s3.renditions,
            AWS_S3_URL_PROTOCOL="http:",
            AWS_S3_CUSTOM_DOMAIN=f"{moto_endpoint.removeprefix('http://')}/{s3.renditions}",
        )
    RENDITIONS = s3.renditions
    article = make_article(lead_photo=make_photo())
    expected = f"{moto_endpoint}/{RENDITIONS}/{renditions.rendition_dir(article.lead_photo)}/og-1200.jpg"

    html = client.get(article.get_absolute_url()).content.decode()
    assert _og_image(html) == expected
    images = _json_ld_images(html)
    assert len(images) == 5 and all(  # 16:9, 1:1, original, 4:3, Open Graph
        url.startswith(f"{moto_endpoint}/{RENDITIONS}/renditions/") for url in images
    )
    for kind in ("rss", "atom"):
        [entry] = feedparser.parse(client.get(f"/feeds/{kind}/").content).entries
        assert entry.media_content[0]["url"] == expected
    assert fetch(expected)[0] == 200


def test_open_graph_json_ld_and_feeds_put_the_site_in_front_of_local_media(
    settings, client, make_photo, make_article
):
    settings.SITE_URL = SITE
    article = make_article(lead_photo=make_photo())
    expected = f"{SITE}/media/{renditions.rendition_dir(article.lead_photo)}/og-1200.jpg"
    html = client.get(article.get_absolute_url()).content.decode()
    assert _og_image(html) == expected
    assert all(url.startswith(f"{SITE}/media/renditions/") for url in _json_ld_images(html))
    [entry] = feedparser.parse(client.get("/feeds/rss/").content).entries
    assert entry.media_content[0]["url"] == expected


# --- Backups ----------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip_on_s3(s3, make_photo, make_article, tmp_path):
    photos = [make_photo(), make_photo(image=upload("second.png", image_bytes("PNG", size=(700, 900))))]
    make_article(lead_photo=photos[0])

    def objects():
        return {
            f"{b}/{k}": hashlib.sha256(s3.client.get_object(Bucket=b, Key=k)["Body"].read()).hexdigest()
            for b in {s3.originals, s3.renditions}
            for k in s3.keys(b)
        }

    before = objects()
    out = io.StringIO()
    call_command("backup", output=tmp_path / "backups", verbosity=0, stdout=out)
    archive = out.getvalue().strip()
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    # Every object once, renditions included, whether they share the originals' bucket or not.
    assert sorted(f["path"] for f in manifest["media"]["files"]) == sorted(k.split("/", 1)[1] for k in before)
    # Lose everything: rows and objects, and leave a stray object the backup never had.
    Article.objects.all().delete()
    Photo.objects.all().delete()
    for bucket in {s3.originals, s3.renditions}:
        for key in s3.keys(bucket):
            s3.client.delete_object(Bucket=bucket, Key=key)
    s3.client.put_object(Bucket=s3.renditions, Key="renditions/stray/file.jpg", Body=b"stray")

    call_command("restore", archive, interactive=False, verbosity=0)
    assert objects() == before
    assert Photo.objects.count() == 2
    restored = Photo.objects.order_by("pk").first()
    status, headers, _ = fetch(renditions.og_image(restored).url)
    assert status == 200 and headers["Cache-Control"] == storage.IMMUTABLE
    assert fetch(s3.public_url(s3.originals, restored.image.name))[0] == 403


@pytest.mark.django_db(transaction=True)
def test_a_backup_of_local_media_restores_onto_s3(settings, s3_with, make_photo, media_root, tmp_path):
    # The way to move an existing site onto object storage: back up on disk, restore with MEDIA_STORAGE=s3.
    photo = make_photo()
    on_disk = {
        str(path.relative_to(media_root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in media_root.rglob("*")
        if path.is_file()
    }
    out = io.StringIO()
    call_command("backup", output=tmp_path / "backups", verbosity=0, stdout=out)

    s3 = s3_with(AWS_RENDITIONS_BUCKET_NAME="newsroom-renditions")
    call_command("restore", out.getvalue().strip(), interactive=False, verbosity=0)
    on_s3 = {
        key: hashlib.sha256(s3.client.get_object(Bucket=bucket, Key=key)["Body"].read()).hexdigest()
        for bucket in (s3.originals, s3.renditions)
        for key in s3.keys(bucket)
    }
    assert on_s3 == on_disk
    assert s3.keys(s3.originals) == [photo.image.name]
    status, headers, _ = fetch(renditions.og_image(photo).url)
    assert status == 200 and headers["Cache-Control"] == storage.IMMUTABLE


def test_seeding_the_benchmark_archive_writes_through_the_storage(s3_two_buckets):
    from newsroom.ops.bench_archive import make_image_files

    s3 = s3_two_buckets
    make_image_files(2)
    originals = s3.keys(s3.originals)
    assert originals == ["photos/bench/bench-000.jpg", "photos/bench/bench-001.jpg"]
    written = s3.keys(s3.renditions)
    assert len(written) > 40 and all(key.startswith("renditions/") for key in written)
    # Seeding again finds the files there and writes nothing (a marked file stays as it is).
    s3.client.put_object(Bucket=s3.renditions, Key=written[0], Body=b"marker")
    make_image_files(2)
    assert s3.keys(s3.originals) == originals and s3.keys(s3.renditions) == written
    assert s3.client.get_object(Bucket=s3.renditions, Key=written[0])["Body"].read() == b"marker"
