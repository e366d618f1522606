"""Renditions: their geometry, their files, and where they live.

Renditions are made once, at upload (and again when the editor moves the focal point), by
`make_renditions`, not lazily on first request: the first reader of a breaking story must not pay for
resizing a 24-megapixel wire photo, and a page render never touches the disk. They live under
`renditions/<hash of the file name>/<focal point>/`, so templates build URLs from the row alone (no query,
no disk check), a replaced file or a moved focal point gets URLs that no CDN has cached, and the files can
be found from the file name alone once the row is gone.

Renditions are WebP with a JPEG fallback. AVIF is accepted on upload but not made: this Pillow encodes it
several times slower than WebP and JPEG together, which would put seconds on every upload.
"""

import hashlib
import io
import math
import shutil
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageCms, ImageOps

WIDTHS = (320, 640, 960, 1280, 1920)
# name -> aspect ratio (width / height); None keeps the photo's own shape.
CROPS = {"original": None, "16x9": 16 / 9, "1x1": 1.0}
OG_SIZE = (1200, 630)
FORMATS = (("webp", "WEBP", "image/webp"), ("jpg", "JPEG", "image/jpeg"))
OG_NAME = "og-1200.jpg"
# Orientations 5-8 turn the picture by 90°: what readers see is the stored image on its side.
SIDEWAYS = {5, 6, 7, 8}


@dataclass(frozen=True)
class Rendition:
    url: str
    width: int
    height: int


def _name_dir(image_name: str) -> PurePosixPath:
    return PurePosixPath("renditions") / hashlib.sha1(image_name.encode()).hexdigest()[:16]


def rendition_dir(photo) -> PurePosixPath:
    focal = f"{round(photo.focal_x * 1000):04d}-{round(photo.focal_y * 1000):04d}"
    return _name_dir(photo.image.name) / focal


def crop_box(width: int, height: int, ratio: float, fx: float, fy: float):
    """The largest box of `ratio` inside width×height, centred on the focal point where it fits."""
    if width / height > ratio:
        box_w, box_h = round(height * ratio), height
    else:
        box_w, box_h = width, round(width / ratio)
    box_w, box_h = max(box_w, 1), max(box_h, 1)
    left = min(max(round(fx * width - box_w / 2), 0), width - box_w)
    top = min(max(round(fy * height - box_h / 2), 0), height - box_h)
    return left, top, left + box_w, top + box_h


def _crop_size(width: int, height: int, crop: str) -> tuple[int, int]:
    ratio = CROPS[crop]
    if ratio is None:
        return width, height
    left, top, right, bottom = crop_box(width, height, ratio, 0.5, 0.5)
    return right - left, bottom - top


def planned_renditions(photo, crop: str = "original") -> list[tuple[str, int, int]]:
    """(file stem, width, height) of each rendition of `crop`, computed without touching the disk."""
    if not photo.width or not photo.height:
        return []
    src_w, src_h = _crop_size(photo.width, photo.height, crop)
    widths = [w for w in WIDTHS if w < src_w] + [min(src_w, WIDTHS[-1])]
    return [(f"{crop}-{w}", w, max(1, round(w * src_h / src_w))) for w in sorted(set(widths))]


def srcset(photo, crop: str = "original", ext: str = "jpg") -> list[Rendition]:
    base = rendition_dir(photo)
    return [
        Rendition(default_storage.url(str(base / f"{stem}.{ext}")), w, h)
        for stem, w, h in planned_renditions(photo, crop)
    ]


def rendition_for_width(photo, width: int, crop: str = "original", ext: str = "jpg") -> Rendition | None:
    """The smallest rendition still sharp at `width` (else the largest), building one URL instead of all."""
    planned = planned_renditions(photo, crop)
    if not planned:
        return None
    stem, w, h = next((p for p in planned if p[1] >= width), planned[-1])
    return Rendition(default_storage.url(str(rendition_dir(photo) / f"{stem}.{ext}")), w, h)


def og_image(photo) -> Rendition:
    return Rendition(default_storage.url(str(rendition_dir(photo) / OG_NAME)), OG_SIZE[0], OG_SIZE[1])


def has_renditions(photo) -> bool:
    # The Open Graph image is written last: when it is there, the whole set is.
    return default_storage.exists(str(rendition_dir(photo) / OG_NAME))


def _decode_scale(photo) -> float:
    """The smallest fraction of full size that still holds every rendition without upscaling."""
    needed = [min(photo.width, WIDTHS[-1]) / photo.width]
    for crop in CROPS:
        crop_w, _ = _crop_size(photo.width, photo.height, crop)
        needed.append(min(crop_w, WIDTHS[-1]) / crop_w)
    left, _, right, _ = crop_box(photo.width, photo.height, OG_SIZE[0] / OG_SIZE[1], 0.5, 0.5)
    needed.append(min(1.0, OG_SIZE[0] / (right - left)))
    return max(needed)


def _to_srgb(img: Image.Image) -> Image.Image:
    """Pixels in sRGB, RGB or RGBA: renditions carry no profile, and browsers assume sRGB."""
    has_alpha = img.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in img.info
    target = "RGBA" if has_alpha else "RGB"
    icc = img.info.get("icc_profile")
    if icc and img.mode in ("RGB", "RGBA", "CMYK", "L"):
        try:
            # Agency photos often come in Adobe RGB or CMYK: dropping the profile without converting
            # would show them dull or garish.
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            srgb = ImageCms.createProfile("sRGB")
            return ImageCms.profileToProfile(img, source, srgb, outputMode=target)
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass
    return img if img.mode == target else img.convert(target)


def _save(img: Image.Image, name: str, fmt: str) -> None:
    buffer = io.BytesIO()
    if fmt == "JPEG":
        if img.mode == "RGBA":
            # JPEG has no transparency: lay the picture on white, as a page background would show it.
            flat = Image.new("RGB", img.size, (255, 255, 255))
            flat.paste(img, mask=img.getchannel("A"))
            img = flat
        img.save(buffer, "JPEG", quality=82, optimize=True, progressive=True)
    else:
        img.save(buffer, "WEBP", quality=80, method=2)
    if default_storage.exists(name):
        default_storage.delete(name)
    default_storage.save(name, ContentFile(buffer.getvalue()))


def make_renditions(photo) -> None:
    """Write every rendition of `photo`: orientation applied, sRGB, no EXIF, GPS, XMP or IPTC kept."""
    base = rendition_dir(photo)
    with photo.image.open("rb") as fh, Image.open(fh) as original:
        if photo.width and photo.height:
            # A JPEG can decode at 1/2, 1/4 or 1/8 scale: a 24 MP photo then needs a quarter of the
            # memory and time. draft() works on the stored (unrotated) image.
            scale = _decode_scale(photo)
            w, h = math.ceil(photo.width * scale), math.ceil(photo.height * scale)
            sideways = original.getexif().get(0x0112, 1) in SIDEWAYS
            original.draft(None, (h, w) if sideways else (w, h))
        original.load()
        # In place: an upright photo then needs no second full-size copy.
        ImageOps.exif_transpose(original, in_place=True)
        img = _to_srgb(original)
    # Nothing of the original's metadata may reach a published file.
    img.info = {}
    for crop, ratio in CROPS.items():
        if ratio is None:
            source = img
        else:
            source = img.crop(crop_box(img.width, img.height, ratio, photo.focal_x, photo.focal_y))
        # Largest first, each made from the one before: several times faster than resizing the full
        # image every time, and no visible loss at these ratios.
        for stem, w, h in reversed(planned_renditions(photo, crop)):
            source = source.resize((w, h), Image.Resampling.LANCZOS, reducing_gap=2.0)
            for ext, fmt, _ in FORMATS:
                _save(source, str(base / f"{stem}.{ext}"), fmt)
    box = crop_box(img.width, img.height, OG_SIZE[0] / OG_SIZE[1], photo.focal_x, photo.focal_y)
    og = img.crop(box).resize(OG_SIZE, Image.Resampling.LANCZOS, reducing_gap=3.0)
    _save(og, str(base / OG_NAME), "JPEG")


# --- Files on disk --------------------------------------------------------------------------------


def _media_path(relative: PurePosixPath) -> Path:
    return Path(settings.MEDIA_ROOT) / relative


def delete_photo_files(photo, image_name: str | None = None) -> None:
    """Remove an original (`image_name`, else the photo's file) and every rendition made from it.

    Works from the name alone: after a delete the row, and its id, are gone.
    """
    name = image_name or photo.image.name
    if not name:
        return
    if default_storage.exists(name):
        default_storage.delete(name)
    shutil.rmtree(_media_path(_name_dir(name)), ignore_errors=True)


def delete_renditions(photo) -> None:
    """Remove the rendition set of the photo's current file and focal point (a half-written one)."""
    shutil.rmtree(_media_path(rendition_dir(photo)), ignore_errors=True)


def delete_stale_files(*, keep: PurePosixPath, replaced_name: str | None = None) -> None:
    """After a save: remove the replaced original with its renditions, and every rendition set of the
    current file except `keep` (the one for the current focal point)."""
    if replaced_name and _name_dir(replaced_name) != keep.parent:
        delete_photo_files(None, replaced_name)
    parent = _media_path(keep.parent)
    if parent.is_dir():
        for folder in parent.iterdir():
            if folder.name != keep.name:
                shutil.rmtree(folder, ignore_errors=True)
