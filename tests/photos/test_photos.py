"""The photo pipeline: upload checks, agency metadata, renditions, library, gallery and file lifecycle.

Every image is made here with Pillow; files are checked on disk under the per-test MEDIA_ROOT.
"""

import io
import itertools
import re
import struct
import zlib
from datetime import datetime
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from PIL import Image, features

from articles.images import renditions
from articles.models import GalleryItem, Photo
from articles.photos import services
from articles.publishing import workflow
from tests.helpers import image_bytes, media_files, upload, with_iptc
from tests.helpers import photo_edit_post as edit_post
from tests.helpers import photo_post as base_photo_post

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_photo_add")
LIST_URL = reverse("admin:articles_photo_changelist")


# --- Images made for the tests --------------------------------------------------------------------


def encode(img: Image.Image, fmt="JPEG", **save_kwargs) -> bytes:
    out = io.BytesIO()
    img.save(out, fmt, **save_kwargs)
    return out.getvalue()


def xmp_packet(caption="", credit="", rights="") -> bytes:
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" xmlns:exif="http://ns.adobe.com/exif/1.0/"
  photoshop:Credit="{credit}" exif:GPSLatitude="51,30.0N">
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{caption}</rdf:li></rdf:Alt></dc:description>
<dc:rights><rdf:Alt><rdf:li xml:lang="x-default">{rights}</rdf:li></rdf:Alt></dc:rights>
</rdf:Description></rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>""".encode()


def gps_exif(**tags) -> Image.Exif:
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}
    for tag, value in tags.items():
        exif[int(tag.removeprefix("t"), 16)] = value
    return exif


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width×height pixels: a decompression bomb's calling card."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def halves(size=(1600, 600), left=(220, 20, 20), right=(20, 20, 220)) -> bytes:
    img = Image.new("RGB", size, left)
    img.paste(right, (size[0] // 2, 0, size[0], size[1]))
    return encode(img)


def photo_post(**overrides) -> dict:
    """The admin's photo form with nothing typed in the fields metadata may fill."""
    return base_photo_post(**{"caption": "", "credit_source": "", **overrides})


def image_errors(response) -> str:
    assert response.status_code == 200, "the form should have been refused"
    return " ".join(response.context["adminform"].form.errors.get("image", []))


def expected_files(photo) -> list[str]:
    """The original plus every rendition that templates link to: exactly what media/ should hold."""
    base = renditions.rendition_dir(photo)
    names = {photo.image.name, str(base / renditions.OG_NAME), str(base / renditions.FOUR_THREE_NAME)}
    for crop in renditions.CROPS:
        for stem, _, _ in renditions.planned_renditions(photo, crop):
            names |= {str(base / f"{stem}.{ext}") for ext, _, _ in renditions.FORMATS}
    return sorted(names)


def open_rendition(media_root: Path, photo, name: str) -> Image.Image:
    return Image.open(media_root / renditions.rendition_dir(photo) / name)


def near(pixel, colour, tolerance=40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour, strict=True))


_bulk = itertools.count()


def bulk_photos(n, **kwargs) -> list[Photo]:
    """Rows only, no files: enough for the library's list, which builds URLs without touching disk."""
    fields = {"width": 1000, "height": 700, "alt_text": "A picture", **kwargs}
    return Photo.objects.bulk_create(
        Photo(image=f"photos/bulk/{next(_bulk)}.jpg", **{"caption": f"Bulk caption {i}", **fields})
        for i in range(n)
    )


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


# --- Rights ---------------------------------------------------------------------------------------------


def test_publish_problems_names_a_lead_photo_without_credit(make_article, make_photo):
    article = make_article(lead_photo=make_photo(caption="Crowd at the gates"))
    assert workflow.photo_problems(article) == [
        "The lead photo “Crowd at the gates” has no credit: choose a source or type the photographer "
        "in the photo library before publishing."
    ]


def test_publish_problems_names_a_gallery_photo_without_credit(make_article, make_photo, make_source):
    article = make_article(lead_photo=make_photo(credit_source=make_source()))
    GalleryItem.objects.create(article=article, photo=make_photo(credit_text="Jane Roe"), order=0)
    GalleryItem.objects.create(article=article, photo=make_photo(caption="Empty square"), order=1)
    problems = workflow.photo_problems(article)
    assert len(problems) == 1
    assert problems[0].startswith("Gallery photo 2 (“Empty square”) has no credit")


def test_publish_problems_is_empty_when_every_photo_is_credited(make_article, make_photo, make_source):
    article = make_article(lead_photo=make_photo(credit_text="Jane Roe"))
    GalleryItem.objects.create(article=article, photo=make_photo(credit_source=make_source()), order=0)
    assert workflow.photo_problems(article) == []


# --- Gallery ----------------------------------------------------------------------------------------------


def test_article_page_shows_the_gallery_in_order_with_captions_and_credits(
    client, make_article, make_photo, make_source
):
    reuters = make_source(name="Reuters", slug="reuters")
    article = make_article(body="<p>The body.</p>")
    first = make_photo(caption="Photo's own caption", credit_source=reuters)
    second = make_photo(caption="Unused own caption", credit_text="Jane Roe")
    GalleryItem.objects.create(article=article, photo=second, order=2, caption="Caption for this story")
    GalleryItem.objects.create(article=article, photo=first, order=1)

    html = client.get(article.get_absolute_url()).content.decode()
    gallery = html[html.index('<section class="gallery"') :]
    assert html.index("The body.") < html.index('<section class="gallery"')
    assert gallery.index("Photo&#x27;s own caption") < gallery.index("Caption for this story")
    assert "(Photo: Reuters)" in gallery and "(Photo: Jane Roe)" in gallery
    assert "Unused own caption" not in gallery


def test_article_without_gallery_has_no_gallery_section(client, make_article):
    html = client.get(make_article().get_absolute_url()).content.decode()
    assert 'class="gallery"' not in html


def test_gallery_is_edited_inline_on_the_article(admin_client, make_article, make_photo):
    from tests.helpers import article_post

    photo = make_photo()
    data = article_post(
        make_article(status="draft").section,
        **{
            "gallery_items-TOTAL_FORMS": "1",
            "gallery_items-INITIAL_FORMS": "0",
            "gallery_items-MIN_NUM_FORMS": "0",
            "gallery_items-MAX_NUM_FORMS": "1000",
            "gallery_items-0-photo": photo.pk,
            "gallery_items-0-caption": "Per-use caption",
            "gallery_items-0-order": "3",
        },
    )
    response = admin_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302
    item = GalleryItem.objects.get()
    assert (item.photo, item.caption, item.order) == (photo, "Per-use caption", 3)


def test_editor_sees_the_gallery_inline(editor_client):
    html = editor_client.get(reverse("admin:articles_article_add")).content.decode()
    assert "gallery_items-TOTAL_FORMS" in html


# --- Photo library in the admin --------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 30])
def test_photo_library_queries_do_not_grow_with_photos(
    editor_client, django_assert_max_num_queries, make_source, editor, count
):
    bulk_photos(count, credit_source=make_source(), uploaded_by=editor)
    assert editor_client.get(LIST_URL).status_code == 200  # warm the site-context cache
    with django_assert_max_num_queries(12):
        response = editor_client.get(LIST_URL)
    assert response.content.decode().count("/renditions/") == count


def test_photo_library_shows_fifty_thumbnails_a_page(editor_client):
    bulk_photos(51)
    html = editor_client.get(LIST_URL).content.decode()
    assert html.count('<img src="/media/renditions/') == 50
    assert "51 photos" in html


@pytest.mark.parametrize("query", ["flooded", "Jane Roe", "Reuters"])
def test_photo_library_searches_caption_credit_and_source(editor_client, make_source, query):
    reuters = make_source(name="Reuters", slug="reuters")
    bulk_photos(1, caption="Flooded street in the old town")
    bulk_photos(1, caption="Portrait of the minister", credit_text="Jane Roe")
    bulk_photos(1, caption="Harbour at night", credit_source=reuters)
    bulk_photos(1, caption="Unrelated picture")
    response = editor_client.get(LIST_URL, {"q": query})
    assert len(response.context["cl"].result_list) == 1
    assert "Unrelated picture" not in response.content.decode()


def test_photo_library_filters_by_source(editor_client, make_source):
    reuters = make_source(name="Reuters", slug="reuters")
    bulk_photos(2, credit_source=reuters)
    bulk_photos(3)
    response = editor_client.get(LIST_URL, {"credit_source__id__exact": reuters.pk})
    assert [p.credit_source for p in response.context["cl"].result_list] == [reuters, reuters]


def test_photo_library_filters_by_date(editor_client):
    bulk_photos(2, uploaded_at=timezone.make_aware(datetime(2024, 5, 1, 12)))
    bulk_photos(3)
    response = editor_client.get(LIST_URL, {"uploaded_at__year": "2024"})
    assert len(response.context["cl"].result_list) == 2


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
