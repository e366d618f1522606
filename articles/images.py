"""Photo validation, agency metadata and renditions.

Renditions are made once, at upload, by `make_renditions` (not lazily on first request): the first reader
of a breaking story must not pay for resizing a 24-megapixel wire photo, and a page render never touches
the disk. Their paths derive from the photo's id and file name, so templates build URLs without a query,
and a replaced file gets new URLs that no CDN has cached.
"""

import hashlib
import io
import math
import re
import shutil
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from PIL import Image, ImageOps, IptcImagePlugin, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "GIF": "GIF", "MPO": "JPEG"}
WIDTHS = (320, 640, 960, 1280, 1920)
# name -> aspect ratio (width / height); None keeps the photo's own shape.
CROPS = {"original": None, "16x9": 16 / 9, "1x1": 1.0}
OG_SIZE = (1200, 630)
FORMATS = (("webp", "WEBP", "image/webp"), ("jpg", "JPEG", "image/jpeg"))


@dataclass(frozen=True)
class Rendition:
    url: str
    width: int
    height: int


def validate_image_file(uploaded) -> Image.Image:
    """Check an upload by its content; raise ValidationError with a message an editor understands."""
    size = getattr(uploaded, "size", None)
    if not size:
        raise ValidationError("The file is empty.", code="empty")
    if size > settings.PHOTO_MAX_BYTES:
        raise ValidationError(
            f"The file is {size / 1e6:.1f} MB; photos may be at most "
            f"{settings.PHOTO_MAX_BYTES / 1e6:.0f} MB.",
            code="too_large",
        )
    uploaded.seek(0)
    try:
        with Image.open(uploaded) as img:
            fmt = img.format
            width, height = img.size
            if fmt not in ACCEPTED_FORMATS:
                raise ValidationError(
                    f"{fmt or 'This'} files are not accepted: upload a JPEG, PNG, WebP or GIF.",
                    code="format",
                )
            if width * height > settings.PHOTO_MAX_PIXELS:
                raise ValidationError(
                    f"The image is {width}×{height} pixels; at most "
                    f"{settings.PHOTO_MAX_PIXELS / 1e6:.0f} megapixels are accepted.",
                    code="too_many_pixels",
                )
            img.verify()
        uploaded.seek(0)
        # verify() does not decode pixel data: a truncated JPEG only shows itself on load().
        with Image.open(uploaded) as img:
            img.draft("RGB", (64, 64))
            img.load()
    except ValidationError:
        raise
    except Image.DecompressionBombError as exc:
        raise ValidationError("The image is too large to process safely.", code="too_many_pixels") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ValidationError(
            "This file is not a readable image (or it is damaged): upload a JPEG, PNG, WebP or GIF.",
            code="invalid",
        ) from exc
    finally:
        uploaded.seek(0)
    return fmt


def _first_text(value) -> str:
    if isinstance(value, list | tuple):
        value = value[0] if value else b""
    if isinstance(value, bytes):
        for enc in ("utf-8", "latin-1"):
            try:
                value = value.decode(enc)
                break
            except UnicodeDecodeError:
                continue
    return str(value or "").replace("\x00", "").strip()


def _xmp_field(xmp: str, name: str) -> str:
    # Caption-style XMP fields hold an rdf:Alt/rdf:Seq of rdf:li; plain ones are attributes.
    match = re.search(rf"<{name}[^>]*>(.*?)</{name}>", xmp, re.S)
    if match:
        inner = re.search(r"<rdf:li[^>]*>(.*?)</rdf:li>", match.group(1), re.S)
        return re.sub(r"<[^>]+>", "", inner.group(1) if inner else match.group(1)).strip()
    match = re.search(rf'{name}="([^"]*)"', xmp)
    return match.group(1).strip() if match else ""


def read_metadata(uploaded) -> dict[str, str]:
    """Caption, credit and copyright embedded by agencies (IPTC first, then XMP, then EXIF)."""
    found = {"caption": "", "credit": "", "copyright": ""}
    uploaded.seek(0)
    try:
        with Image.open(uploaded) as img:
            iptc = IptcImagePlugin.getiptcinfo(img) or {}
            xmp_raw = img.info.get("xmp") or b""
            exif = img.getexif()
    except (OSError, SyntaxError, ValueError):
        return found
    finally:
        uploaded.seek(0)
    xmp = xmp_raw.decode("utf-8", "replace") if isinstance(xmp_raw, bytes) else str(xmp_raw)
    candidates = {
        "caption": [iptc.get((2, 120)), _xmp_field(xmp, "dc:description"), exif.get(0x010E)],
        "credit": [
            iptc.get((2, 110)),
            iptc.get((2, 80)),
            _xmp_field(xmp, "photoshop:Credit"),
            _xmp_field(xmp, "dc:creator"),
            exif.get(0x013B),
        ],
        "copyright": [iptc.get((2, 116)), _xmp_field(xmp, "dc:rights"), exif.get(0x8298)],
    }
    for key, values in candidates.items():
        for value in values:
            if text := _first_text(value):
                found[key] = text[:250]
                break
    return found


def rendition_dir(photo) -> PurePosixPath:
    digest = hashlib.sha1(photo.image.name.encode()).hexdigest()[:10]
    return PurePosixPath("renditions") / str(photo.pk) / digest


def crop_box(width: int, height: int, ratio: float, fx: float, fy: float):
    """The largest box of `ratio` inside width×height, centred on the focal point where it fits."""
    if width / height > ratio:
        box_w, box_h = round(height * ratio), height
    else:
        box_w, box_h = width, round(width / ratio)
    left = min(max(round(fx * width - box_w / 2), 0), width - box_w)
    top = min(max(round(fy * height - box_h / 2), 0), height - box_h)
    return left, top, left + box_w, top + box_h


def planned_renditions(photo, crop: str = "original") -> list[tuple[str, int, int]]:
    """(file stem, width, height) of each rendition of `crop`, computed without touching the disk."""
    if not photo.width or not photo.height:
        return []
    ratio = CROPS[crop]
    if ratio is None:
        src_w, src_h = photo.width, photo.height
    else:
        left, top, right, bottom = crop_box(photo.width, photo.height, ratio, 0.5, 0.5)
        src_w, src_h = right - left, bottom - top
    widths = [w for w in WIDTHS if w < src_w] + [min(src_w, WIDTHS[-1])]
    return [(f"{crop}-{w}", w, max(1, round(w * src_h / src_w))) for w in sorted(set(widths))]


def srcset(photo, crop: str = "original", ext: str = "jpg") -> list[Rendition]:
    base = rendition_dir(photo)
    return [
        Rendition(default_storage.url(str(base / f"{stem}.{ext}")), w, h)
        for stem, w, h in planned_renditions(photo, crop)
    ]


def og_image(photo) -> Rendition:
    return Rendition(default_storage.url(str(rendition_dir(photo) / "og-1200.jpg")), OG_SIZE[0], OG_SIZE[1])


def _save(img: Image.Image, name: str, fmt: str) -> None:
    buffer = io.BytesIO()
    if fmt == "JPEG":
        img.convert("RGB").save(buffer, "JPEG", quality=82, optimize=True, progressive=True)
    else:
        img.save(buffer, "WEBP", quality=80, method=2)
    if default_storage.exists(name):
        default_storage.delete(name)
    default_storage.save(name, io.BytesIO(buffer.getvalue()))


def make_renditions(photo) -> None:
    """Write every rendition of `photo` (EXIF orientation applied, no metadata kept)."""
    base = rendition_dir(photo)
    with photo.image.open("rb") as fh, Image.open(fh) as img:
        # Decode a JPEG at a reduced scale when the largest rendition allows: a 24 MP photo then
        # needs a quarter of the memory.
        if photo.width and photo.height:
            img.draft("RGB", (WIDTHS[-1], math.ceil(WIDTHS[-1] * photo.height / photo.width)))
        img = ImageOps.exif_transpose(img)
        if img.mode not in ("RGB", "RGBA"):
            img = img.convert("RGBA" if "transparency" in img.info else "RGB")
        for crop, ratio in CROPS.items():
            if ratio is None:
                source = img
            else:
                box = crop_box(img.width, img.height, ratio, photo.focal_x, photo.focal_y)
                source = img.crop(box)
            # Largest first, each made from the one before: several times faster than resizing
            # the full image every time, and no visible loss at these ratios.
            for stem, w, h in reversed(planned_renditions(photo, crop)):
                source = source.resize((w, h), Image.Resampling.LANCZOS, reducing_gap=2.0)
                for ext, fmt, _ in FORMATS:
                    _save(source, str(base / f"{stem}.{ext}"), fmt)
        box = crop_box(img.width, img.height, OG_SIZE[0] / OG_SIZE[1], photo.focal_x, photo.focal_y)
        og = img.crop(box).resize(OG_SIZE, Image.Resampling.LANCZOS, reducing_gap=3.0)
        _save(og, str(base / "og-1200.jpg"), "JPEG")


def delete_photo_files(photo, image_name: str | None = None) -> None:
    """Remove an original and all its renditions from storage."""
    name = image_name or photo.image.name
    if name and default_storage.exists(name):
        default_storage.delete(name)
    folder = Path(settings.MEDIA_ROOT) / "renditions" / str(photo.pk)
    if image_name:
        digest = hashlib.sha1(image_name.encode()).hexdigest()[:10]
        folder = folder / digest
    shutil.rmtree(folder, ignore_errors=True)
