"""Upload validation: is this file an image we accept, judged by its content, with a message an editor
understands."""

from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image, UnidentifiedImageError, features

# Pillow format -> the file extension the original is stored under.
ACCEPTED_FORMATS = {"JPEG": "jpg", "MPO": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
if features.check("avif"):
    ACCEPTED_FORMATS["AVIF"] = "avif"
ACCEPTED_NAMES = "JPEG, PNG, WebP, GIF or AVIF" if "AVIF" in ACCEPTED_FORMATS else "JPEG, PNG, WebP or GIF"
ACCEPTED_LABEL = f"a {ACCEPTED_NAMES}"


def validate_image_file(uploaded) -> str:
    """Check an upload by its content; return its Pillow format or raise a ValidationError that an
    editor understands."""
    size = getattr(uploaded, "size", None)
    if not size:
        raise ValidationError("The file is empty.", code="empty")
    if size > settings.PHOTO_MAX_BYTES:
        raise ValidationError(
            f"The file is {size / 1e6:.1f} MB; photos may be at most "
            f"{settings.PHOTO_MAX_BYTES / 1e6:.0f} MB.",
            code="too_large",
        )
    unreadable = f"This file is not a readable image (or it is damaged): upload {ACCEPTED_LABEL}."
    uploaded.seek(0)
    try:
        with Image.open(uploaded) as img:
            fmt = img.format
            width, height = img.size
            if fmt not in ACCEPTED_FORMATS:
                raise ValidationError(
                    f"{fmt or 'These'} files are not accepted: upload {ACCEPTED_LABEL}.", code="format"
                )
            if width * height > settings.PHOTO_MAX_PIXELS:
                raise ValidationError(
                    f"The image is {width}×{height} pixels; at most "
                    f"{settings.PHOTO_MAX_PIXELS / 1e6:g} megapixels are accepted.",
                    code="too_many_pixels",
                )
            img.verify()
        uploaded.seek(0)
        # verify() does not decode pixel data: a truncated JPEG only shows itself on load(). draft()
        # makes a JPEG decode at 1/8 scale, which still reads every byte.
        with Image.open(uploaded) as img:
            img.draft(None, (64, 64))
            img.load()
    except ValidationError:
        raise
    except Image.DecompressionBombError as exc:
        raise ValidationError(
            "The image claims to be too large to open safely (a “decompression bomb”).",
            code="too_many_pixels",
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ValidationError(unreadable, code="invalid") from exc
    finally:
        uploaded.seek(0)
    return fmt


def stored_name(name: str, fmt: str) -> str:
    """The upload's name with the extension of what it really is (a PNG named .jpg is stored as .png)."""
    stem = PurePosixPath(name).stem or "photo"
    return f"{stem}.{ACCEPTED_FORMATS[fmt]}"
