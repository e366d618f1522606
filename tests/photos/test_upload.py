"""Uploads: what is accepted and refused, orientation applied and metadata stripped from renditions.

Every image is made here with Pillow; files are checked on disk under the per-test MEDIA_ROOT.
"""

import pytest
from django.urls import reverse
from PIL import Image, features

from articles.models import Photo
from tests.helpers import image_bytes, media_files, upload, with_iptc
from tests.photos.images import (
    encode,
    expected_files,
    gps_exif,
    image_errors,
    near,
    open_rendition,
    photo_post,
    png_claiming,
    xmp_packet,
)

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_photo_add")
LIST_URL = reverse("admin:articles_photo_changelist")


# --- Upload validation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        pytest.param("vector.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>',
                     "not a readable image", id="svg"),
        pytest.param("page.jpg", b"<!doctype html><html><body>hello</body></html>",
                     "not a readable image", id="html-renamed-jpg"),
        pytest.param("cut.jpg", encode(Image.effect_noise((800, 600), 60).convert("RGB"))[:4000],
                     "not a readable image", id="truncated-jpeg"),
        pytest.param("bomb.png", png_claiming(100_000, 100_000), "too large to open safely", id="bomb"),
        pytest.param("empty.jpg", b"", "empty", id="zero-bytes"),
        pytest.param("scan.tiff", encode(Image.new("RGB", (40, 30)), "TIFF"), "TIFF files are not accepted",
                     id="tiff"),
    ],
)  # fmt: skip
def test_bad_upload_is_refused_with_a_clear_error_and_leaves_no_file(
    editor_client, media_root, name, data, message
):
    response = editor_client.post(ADD_URL, photo_post(image=upload(name, data)))
    assert message in image_errors(response)
    assert Photo.objects.count() == 0
    assert media_files(media_root) == []


def test_file_over_the_byte_limit_is_refused(editor_client, media_root, settings):
    settings.PHOTO_MAX_BYTES = 2_000
    response = editor_client.post(ADD_URL, photo_post())
    assert "photos may be at most" in image_errors(response)
    assert media_files(media_root) == []


def test_image_over_the_pixel_limit_is_refused(editor_client, media_root, settings):
    settings.PHOTO_MAX_PIXELS = 500 * 400
    response = editor_client.post(ADD_URL, photo_post(image=upload("big.jpg", image_bytes(size=(600, 400)))))
    assert "600×400 pixels; at most 0.2 megapixels" in image_errors(response)
    assert media_files(media_root) == []


def test_image_at_the_pixel_limit_is_accepted(editor_client, settings):
    settings.PHOTO_MAX_PIXELS = 600 * 400
    response = editor_client.post(ADD_URL, photo_post(image=upload("big.jpg", image_bytes(size=(600, 400)))))
    assert response.status_code == 302
    assert Photo.objects.get().width == 600


def _animated_gif() -> bytes:
    frames = [Image.new("RGB", (480, 320), colour) for colour in ((220, 20, 20), (20, 20, 220))]
    return encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)


@pytest.mark.parametrize(
    ("fmt", "data"),
    [
        ("jpg", image_bytes("JPEG", size=(480, 320))),
        ("png", image_bytes("PNG", size=(480, 320))),
        ("webp", image_bytes("WEBP", size=(480, 320))),
        ("gif", _animated_gif()),
        pytest.param(
            "avif",
            image_bytes("AVIF", size=(480, 320)) if features.check("avif") else b"",
            marks=pytest.mark.skipif(not features.check("avif"), reason="Pillow built without AVIF"),
        ),
    ],
)
def test_accepted_formats_are_stored_with_their_renditions(editor_client, media_root, fmt, data):
    response = editor_client.post(ADD_URL, photo_post(image=upload(f"upload.{fmt}", data)))
    assert response.status_code == 302, image_errors(response)
    photo = Photo.objects.get()
    assert (photo.width, photo.height) == (480, 320)
    assert photo.image.name.endswith(f".{fmt}")
    assert media_files(media_root) == expected_files(photo)


def test_file_is_stored_under_the_extension_of_its_real_format(editor_client):
    response = editor_client.post(ADD_URL, photo_post(image=upload("holiday.jpg", image_bytes("PNG"))))
    assert response.status_code == 302
    assert Photo.objects.get().image.name.endswith("/holiday.png")


def test_animated_gif_renditions_show_its_first_frame(editor_client, media_root):
    editor_client.post(ADD_URL, photo_post(image=upload("anim.gif", _animated_gif())))
    rendition = open_rendition(media_root, Photo.objects.get(), "original-320.jpg")
    assert near(rendition.getpixel((160, 100)), (220, 20, 20))


# --- Orientation and metadata stripping ------------------------------------------------------------


def test_exif_orientation_is_applied_to_size_and_pixels(editor_client, media_root):
    stored = Image.new("RGB", (800, 600), (255, 255, 255))
    stored.paste((220, 20, 20), (0, 0, 200, 150))  # a red mark at the stored top-left
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display": the mark ends up top-right
    editor_client.post(ADD_URL, photo_post(image=upload("turned.jpg", encode(stored, exif=exif))))

    photo = Photo.objects.get()
    assert (photo.width, photo.height) == (600, 800)
    rendition = open_rendition(media_root, photo, "original-320.jpg")
    assert rendition.size == (320, 427)
    assert near(rendition.getpixel((310, 10)), (220, 20, 20))
    assert near(rendition.getpixel((10, 10)), (255, 255, 255))


def test_renditions_carry_no_exif_gps_xmp_or_iptc(editor_client, media_root):
    jpeg = encode(
        Image.new("RGB", (1200, 800), (90, 120, 60)),
        exif=gps_exif(t010E="Caption", t013B="Jane Roe", t0112=1),
        xmp=xmp_packet("Caption", "Agency", "Rights"),
    )
    editor_client.post(ADD_URL, photo_post(image=upload("gps.jpg", with_iptc(jpeg, {(2, 120): b"Caption"}))))
    photo = Photo.objects.get()
    assert Image.open(media_root / photo.image.name).getexif().get_ifd(0x8825), "the test image has GPS"

    renditions = [media_root / name for name in expected_files(photo) if name.startswith("renditions/")]
    assert len(renditions) > 10
    for path in renditions:
        data = path.read_bytes()
        with Image.open(path) as img:
            assert not img.getexif(), path.name
            assert not img.getexif().get_ifd(0x8825), path.name
            assert "xmp" not in img.info and "exif" not in img.info, path.name
        for marker in (b"Exif\x00\x00", b"EXIF", b"GPS", b"ns.adobe.com", b"Photoshop 3.0", b"8BIM"):
            assert marker not in data, (path.name, marker)


def test_colour_profile_is_converted_and_dropped(editor_client, media_root):
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    jpeg = encode(Image.new("RGB", (400, 300), (200, 100, 50)), icc_profile=profile)
    editor_client.post(ADD_URL, photo_post(image=upload("profiled.jpg", jpeg)))
    rendition = open_rendition(media_root, Photo.objects.get(), "original-320.jpg")
    assert "icc_profile" not in rendition.info
    assert near(rendition.getpixel((100, 100)), (200, 100, 50), tolerance=8)


def test_cmyk_jpeg_gets_rgb_renditions(editor_client, media_root):
    jpeg = encode(Image.new("CMYK", (400, 300), (0, 255, 255, 0)))  # pure red ink
    response = editor_client.post(ADD_URL, photo_post(image=upload("print.jpg", jpeg)))
    assert response.status_code == 302
    rendition = open_rendition(media_root, Photo.objects.get(), "original-320.webp")
    assert rendition.mode == "RGB"
    assert near(rendition.getpixel((100, 100)), (255, 0, 0))


def test_transparent_png_is_flattened_on_white_in_jpeg(editor_client, media_root):
    png = encode(Image.new("RGBA", (400, 300), (0, 0, 0, 0)), "PNG")
    editor_client.post(ADD_URL, photo_post(image=upload("logo.png", png)))
    photo = Photo.objects.get()
    assert near(open_rendition(media_root, photo, "original-320.jpg").getpixel((5, 5)), (255, 255, 255))
    assert open_rendition(media_root, photo, "original-320.webp").getpixel((5, 5))[3] == 0
