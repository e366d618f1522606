"""Renditions: their sizes and crops, the markup that names them, and the focal point that moves them."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from PIL import Image

from articles.images import renditions
from articles.models import GalleryItem
from tests.helpers import image_bytes, media_files, upload
from tests.helpers import photo_edit_post as edit_post
from tests.photos.images import encode, expected_files, halves, near, open_rendition

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_photo_add")
LIST_URL = reverse("admin:articles_photo_changelist")


# --- Renditions and markup --------------------------------------------------------------------------


def test_every_planned_rendition_exists_at_its_stated_size(make_photo, media_root):
    photo = make_photo(image=upload("wide.jpg", image_bytes(size=(2400, 1000))))
    base = media_root / renditions.rendition_dir(photo)
    for crop in renditions.CROPS:
        planned = renditions.planned_renditions(photo, crop)
        assert planned[-1][1] == min(1920, renditions._crop_size(2400, 1000, crop)[0])
        for stem, width, height in planned:
            for ext, _, _ in renditions.FORMATS:
                assert Image.open(base / f"{stem}.{ext}").size == (width, height)
    assert Image.open(base / renditions.OG_NAME).size == renditions.OG_SIZE
    assert Image.open(base / renditions.FOUR_THREE_NAME).size == renditions.FOUR_THREE_SIZE


def test_crops_keep_the_focal_point_in_frame(make_photo, media_root):
    photo = make_photo(image=upload("halves.jpg", halves()), focal_x=0.9)
    square = open_rendition(media_root, photo, "1x1-320.jpg")
    assert near(square.getpixel((160, 160)), (20, 20, 220))


def test_panorama_square_crop_is_made_from_full_resolution(make_photo, media_root):
    # 4000×1000: the widest rendition (1920) allows a half-size decode, but the 1:1 crop is only 1000 px
    # wide; decoding at half size would blur a one-pixel line into grey.
    panorama = Image.new("RGB", (4000, 1000), (255, 255, 255))
    panorama.paste((0, 0, 0), (2000, 0, 2001, 1000))
    photo = make_photo(image=upload("pano.jpg", encode(panorama, quality=95)))
    square = open_rendition(media_root, photo, "1x1-1000.jpg").convert("L")
    assert min(square.getpixel((x, 500)) for x in range(495, 506)) < 80


def test_page_images_have_srcset_sizes_and_dimensions_that_match_the_files(
    client, make_article, make_photo, media_root
):
    article = make_article(lead_photo=make_photo())
    GalleryItem.objects.create(article=article, photo=make_photo(), order=0)
    html = client.get(article.get_absolute_url()).content.decode()

    tags = re.findall(r"<img [^>]*>", html)
    assert len(tags) == 2
    for tag in tags:
        assert 'sizes="' in tag and re.search(r'width="\d+" height="\d+"', tag)
        for url, width in re.findall(r"(/media/\S+) (\d+)w", re.search(r'srcset="([^"]+)"', tag).group(1)):
            with Image.open(media_root / url.removeprefix("/media/")) as img:
                assert img.width == int(width)


def test_lead_image_loads_eagerly_and_gallery_images_lazily(client, make_article, make_photo):
    article = make_article(lead_photo=make_photo())
    GalleryItem.objects.create(article=article, photo=make_photo(), order=0)
    lead, gallery = re.findall(r"<img [^>]*>", client.get(article.get_absolute_url()).content.decode())
    assert 'fetchpriority="high"' in lead and "loading=" not in lead
    assert 'loading="lazy"' in gallery and "fetchpriority" not in gallery


def test_open_graph_image_is_a_1200_by_630_file(client, make_article, make_photo, media_root):
    article = make_article(lead_photo=make_photo())
    html = client.get(article.get_absolute_url()).content.decode()
    url = re.search(r'<meta property="og:image" content="[^"]*?/media/([^"]+)"', html).group(1)
    assert Image.open(media_root / url).size == (1200, 630)


# --- Focal point ----------------------------------------------------------------------------------------


def test_photo_page_has_a_click_to_set_focal_point_without_inline_script(editor_client, make_photo):
    photo = make_photo(focal_x=0.25, focal_y=0.75)
    html = editor_client.get(reverse("admin:articles_photo_change", args=[photo.pk])).content.decode()
    assert "data-focal-picker" in html and "left:25.0%;top:75.0%" in html
    assert re.search(r'<script src="/static/admin/js/focal_point\.js"', html)
    assert "id_focal_x" in Path(finders.find("admin/js/focal_point.js")).read_text()


def test_moving_the_focal_point_regenerates_the_crops(
    editor_client, make_photo, media_root, django_capture_on_commit_callbacks
):
    photo = make_photo(image=upload("halves.jpg", halves()), focal_x=0.1)
    assert near(open_rendition(media_root, photo, "1x1-320.jpg").getpixel((160, 160)), (220, 20, 20))

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            reverse("admin:articles_photo_change", args=[photo.pk]), edit_post(photo, focal_x="0.9")
        )
    assert response.status_code == 302
    photo.refresh_from_db()
    assert near(open_rendition(media_root, photo, "1x1-320.jpg").getpixel((160, 160)), (20, 20, 220))
    assert media_files(media_root) == expected_files(photo)


def test_editing_the_caption_keeps_the_renditions(
    editor_client, make_photo, media_root, django_capture_on_commit_callbacks
):
    photo = make_photo()
    og = media_root / renditions.rendition_dir(photo) / renditions.OG_NAME
    before = og.stat()
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            reverse("admin:articles_photo_change", args=[photo.pk]), edit_post(photo, caption="New words")
        )
    photo.refresh_from_db()
    assert photo.caption == "New words"
    assert (og.stat().st_ino, og.stat().st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert media_files(media_root) == expected_files(photo)
