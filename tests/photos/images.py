"""Images made for the photo tests with Pillow, and the small checks they share."""

import io
import itertools
import struct
import zlib
from pathlib import Path

from PIL import Image

from articles.images import renditions
from articles.models import Photo
from tests.helpers import photo_post as base_photo_post


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
