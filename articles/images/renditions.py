"""Renditions: their geometry, their files, and where they live.

Renditions are made once, at upload (and again when the editor moves the focal point), by
`make_renditions`, not lazily on first request: the first reader of a breaking story must not pay for
resizing a 24-megapixel wire photo, and a page render never touches the disk. They live under
`renditions/<hash of the file name>/<focal point>/`, so templates build URLs from the row alone (no query,
no disk check), a replaced file or a moved focal point gets URLs that no CDN has cached, and the files can
be found from the file name alone once the row is gone.

Renditions are WebP with a JPEG fallback. AVIF is accepted on upload but not made: this Pillow encodes it
several times slower than WebP and JPEG together, which would put seconds on every upload.

They are written to the `renditions` storage (storage.py) by a thread pool, since object storage costs a
round trip per file, and served as immutable for a year. That holds because their path changes whenever
their content can: the original's name is new for every upload (services.py puts a random folder in it,
so a name freed by a deleted photo is never reused) and the focal point is in the path. A change to how
renditions are encoded must change their path too (a new folder name here), not rewrite them in place.
"""

import hashlib
import io
import math
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageCms, ImageOps

from . import storage

WIDTHS = (320, 640, 960, 1280, 1920)
# name -> aspect ratio (width / height); None keeps the photo's own shape.
CROPS = {"original": None, "16x9": 16 / 9, "1x1": 1.0}
OG_SIZE = (1200, 630)
FORMATS = (("webp", "WEBP", "image/webp"), ("jpg", "JPEG", "image/jpeg"))
OG_NAME = "og-1200.jpg"
# Search engines ask for a story's picture at 16:9, 1:1 and 4:3; readers never see this one.
FOUR_THREE_SIZE = (1200, 900)
FOUR_THREE_NAME = "4x3-1200.jpg"
# Orientations 5-8 turn the picture by 90°: what readers see is the stored image on its side.
SIDEWAYS = {5, 6, 7, 8}


@dataclass(frozen=True)
class Rendition:
    url: str
    width: int
    height: int


def name_dir(image_name: str) -> PurePosixPath:
    return PurePosixPath(storage.RENDITIONS_PREFIX) / hashlib.sha1(image_name.encode()).hexdigest()[:16]


def rendition_dir(photo) -> PurePosixPath:
    focal = f"{round(photo.focal_x * 1000):04d}-{round(photo.focal_y * 1000):04d}"
    return name_dir(photo.image.name) / focal


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
    base, files = rendition_dir(photo), storage.renditions()
    return [
        Rendition(files.url(str(base / f"{stem}.{ext}")), w, h)
        for stem, w, h in planned_renditions(photo, crop)
    ]


def rendition_for_width(photo, width: int, crop: str = "original", ext: str = "jpg") -> Rendition | None:
    """The smallest rendition still sharp at `width` (else the largest), building one URL instead of all."""
    planned = planned_renditions(photo, crop)
    if not planned:
        return None
    stem, w, h = next((p for p in planned if p[1] >= width), planned[-1])
    return Rendition(storage.renditions().url(str(rendition_dir(photo) / f"{stem}.{ext}")), w, h)


def og_image(photo) -> Rendition:
    url = storage.renditions().url(str(rendition_dir(photo) / OG_NAME))
    return Rendition(url, OG_SIZE[0], OG_SIZE[1])


def four_three_image(photo) -> Rendition:
    url = storage.renditions().url(str(rendition_dir(photo) / FOUR_THREE_NAME))
    return Rendition(url, FOUR_THREE_SIZE[0], FOUR_THREE_SIZE[1])


def has_renditions(photo) -> bool:
    # The Open Graph image is written last: when it is there, the whole set is; a set made before the
    # 4:3 image existed lacks it, and is made again by make_renditions.
    return storage.renditions().exists(str(rendition_dir(photo) / OG_NAME)) and storage.renditions().exists(
        str(rendition_dir(photo) / FOUR_THREE_NAME)
    )


def _decode_scale(photo) -> float:
    """The smallest fraction of full size that still holds every rendition without upscaling."""
    needed = [min(photo.width, WIDTHS[-1]) / photo.width]
    for crop in CROPS:
        crop_w, _ = _crop_size(photo.width, photo.height, crop)
        needed.append(min(crop_w, WIDTHS[-1]) / crop_w)
    for size in (OG_SIZE, FOUR_THREE_SIZE):
        left, _, right, _ = crop_box(photo.width, photo.height, size[0] / size[1], 0.5, 0.5)
        needed.append(min(1.0, size[0] / (right - left)))
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


def _encode(img: Image.Image, fmt: str) -> bytes:
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
    return buffer.getvalue()


def _write(img: Image.Image, base: PurePosixPath, stem: str, formats=FORMATS) -> None:
    """Encode `img` in each format and store it: one worker's job. Both formats in one job because
    Pillow's save() sets attributes on the image, so two threads must not save the same image at once."""
    files = storage.renditions()
    for ext, fmt, _ in formats:
        storage.put(files, str(base / f"{stem}.{ext}"), ContentFile(_encode(img, fmt)))


def open_original(photo):
    """The photo's original for reading: the upload just stored while it is still in hand (left open:
    it is read twice), else the file from the storage."""
    in_hand = getattr(photo.image, "_file", None)
    if isinstance(in_hand, UploadedFile) and not in_hand.closed:
        in_hand.seek(0)
        return nullcontext(in_hand)
    return photo.image.open("rb")


def make_renditions(photo) -> None:
    """Write every rendition of `photo`: orientation applied, sRGB, no EXIF, GPS, XMP or IPTC kept.

    Resizing runs here, largest first; encoding and storing run in a thread pool (Pillow and the network
    both release the GIL). On any failure the writes still running finish before the error is raised,
    so the caller's clean-up sees every file that was written.
    """
    base = rendition_dir(photo)
    with open_original(photo) as fh, Image.open(fh) as original:
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
    if storage.workers() == 1:
        og = _make_all(photo, img, base, lambda job, *args: job(*args))
    else:
        with ThreadPoolExecutor(max_workers=storage.workers(), thread_name_prefix="renditions") as pool:
            futures = []
            try:
                og = _make_all(photo, img, base, lambda job, *args: futures.append(pool.submit(job, *args)))
            finally:
                # Even when resizing failed, wait for the writes under way: the caller's clean-up must see
                # every file. After the first failed write, the ones not yet started are dropped.
                _, pending = wait(futures, return_when=FIRST_EXCEPTION)
                for future in pending:
                    future.cancel()
                wait(pending)
            for future in futures:
                if not future.cancelled():
                    future.result()
    # Last, once every other file is stored: its presence says the set is complete (has_renditions).
    _write(og, base, OG_NAME.removesuffix(".jpg"), [f for f in FORMATS if f[1] == "JPEG"])


def _make_all(photo, img: Image.Image, base: PurePosixPath, run) -> Image.Image:
    """Make each rendition and hand it to `run(_write, ...)`; return the Open Graph image."""
    for crop, ratio in CROPS.items():
        if ratio is None:
            source = img
        else:
            source = img.crop(crop_box(img.width, img.height, ratio, photo.focal_x, photo.focal_y))
        # Largest first, each made from the one before: several times faster than resizing the full
        # image every time, and no visible loss at these ratios.
        for stem, w, h in reversed(planned_renditions(photo, crop)):
            source = source.resize((w, h), Image.Resampling.LANCZOS, reducing_gap=2.0)
            run(_write, source, base, stem)
    box = crop_box(img.width, img.height, OG_SIZE[0] / OG_SIZE[1], photo.focal_x, photo.focal_y)
    # Search engines' 4:3 picture (structured.py): one size, JPEG, with the others.
    box_43 = crop_box(img.width, img.height, 4 / 3, photo.focal_x, photo.focal_y)
    four_three = img.crop(box_43).resize(FOUR_THREE_SIZE, Image.Resampling.LANCZOS, reducing_gap=3.0)
    run(
        _write, four_three, base, FOUR_THREE_NAME.removesuffix(".jpg"), [f for f in FORMATS if f[1] == "JPEG"]
    )
    return img.crop(box).resize(OG_SIZE, Image.Resampling.LANCZOS, reducing_gap=3.0)


# --- Removing files -------------------------------------------------------------------------------


def delete_photo_files(photo, image_name: str | None = None) -> None:
    """Remove an original (`image_name`, else the photo's file) and every rendition made from it.

    Works from the name alone: after a delete the row, and its id, are gone.
    """
    name = image_name or photo.image.name
    if not name:
        return
    storage.originals().delete(name)
    storage.delete_tree(storage.renditions(), str(name_dir(name)))


def delete_renditions(photo) -> None:
    """Remove the rendition set of the photo's current file and focal point (a half-written one)."""
    storage.delete_tree(storage.renditions(), str(rendition_dir(photo)))


def delete_stale_files(*, keep: PurePosixPath, replaced_name: str | None = None) -> None:
    """After a save: remove the replaced original with its renditions, and every rendition set of the
    current file except `keep` (the one for the current focal point)."""
    if replaced_name and name_dir(replaced_name) != keep.parent:
        delete_photo_files(None, replaced_name)
    files = storage.renditions()
    try:
        folders, _ = files.listdir(str(keep.parent))
    except FileNotFoundError:
        return
    for folder in folders:
        if folder != keep.name:
            storage.delete_tree(files, str(keep.parent / folder))
