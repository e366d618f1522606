"""Builders shared by every wing of the suite: test images, uploads, and the admin forms' POST data.

Fixtures live in conftest.py; plain functions live here, and test modules import only from here (and
from htmlscan.py), never from one another.
"""

import io
import json
import struct
from html.parser import HTMLParser
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

# A Redis that refuses every connection (port 1 on loopback): the cache is down, for real.
DEAD_REDIS = {
    "default": {
        "BACKEND": "newsroom.redis_cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


def image_bytes(fmt="JPEG", size=(800, 600), color=(120, 60, 30), **save_kwargs) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, fmt, **save_kwargs)
    return out.getvalue()


def upload(name="photo.jpg", data=None, content_type="image/jpeg"):
    return SimpleUploadedFile(name, image_bytes() if data is None else data, content_type)


def with_iptc(jpeg: bytes, fields: dict[tuple[int, int], bytes]) -> bytes:
    """`jpeg` with an APP13 "Photoshop 3.0" segment holding an 8BIM 0x0404 (IPTC-IIM) resource."""
    iim = b"".join(b"\x1c" + bytes(key) + struct.pack(">H", len(v)) + v for key, v in fields.items())
    iim += b"\x00" * (len(iim) % 2)
    resource = b"8BIM" + b"\x04\x04" + b"\x00\x00" + struct.pack(">I", len(iim)) + iim
    payload = b"Photoshop 3.0\x00" + resource
    return jpeg[:2] + b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload + jpeg[2:]


def media_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def article_post(section_obj, **overrides):
    """The admin add form's POST, inline management forms included."""
    data = {
        "headline": "Ministry summons ambassador",
        "slug": "ministry-summons-ambassador",
        "standfirst": "A short standfirst.",
        "body": "<p>Body <strong>bold</strong></p>",
        "section": section_obj.pk,
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "embargo_until_0": "",
        "embargo_until_1": "",
        "seo_title": "",
        "meta_description": "",
    }
    for prefix in ("articleauthor_set", "articlesource_set", "corrections", "gallery_items"):
        data |= {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    data.update(overrides)
    return data


def photo_post(**overrides):
    data = {
        "image": upload("wire.jpg", image_bytes(size=(1200, 800))),
        "alt_text": "Smoke over a shipyard",
        "caption": "Smoke rises from the shipyard",
        "credit_text": "",
        "copyright": "",
        "rights": "agency",
        "focal_x": "0.5",
        "focal_y": "0.5",
    }
    data.update(overrides)
    return data


def filled_form(client, url, form_id="article_form", **fields) -> dict:
    """What a browser submits from the admin form at `url` with `fields` changed (read from its page)."""
    from tests.htmlscan import form_fields

    data = form_fields(client.get(url).content.decode(), form_id)
    data.update(fields)
    return data


def photo_edit_post(photo, **overrides):
    """The photo change form's POST for `photo` as it stands, keeping its file unless `image` is given."""
    data = photo_post(
        alt_text=photo.alt_text,
        caption=photo.caption,
        credit_source=photo.credit_source_id or "",
        credit_text=photo.credit_text,
        copyright=photo.copyright,
        rights=photo.rights,
        focal_x=str(photo.focal_x),
        focal_y=str(photo.focal_y),
    )
    del data["image"]
    if photo.may_redistribute:
        data["may_redistribute"] = "on"
    data.update(overrides)
    return data


class Head(HTMLParser):
    """The metadata of a page: <title>, <meta>, <link> and JSON-LD blocks."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.titles, self.metas, self.links, self.json_ld = [], {}, {}, []
        self._in = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "title":
            self._in, self._text = "title", ""
        elif tag == "meta" and "content" in attrs:
            key = attrs.get("property") or attrs.get("name")
            self.metas.setdefault(key, []).append(attrs["content"])
        elif tag == "link":
            self.links.setdefault(attrs.get("rel"), []).append(attrs)
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in, self._text = "json", ""

    def handle_data(self, data):
        if self._in:
            self._text += data

    def handle_endtag(self, tag):
        if self._in == "title" and tag == "title":
            self.titles.append(self._text)
        elif self._in == "json" and tag == "script":
            data = json.loads(self._text)
            self.json_ld += data if isinstance(data, list) else [data]
        else:
            return
        self._in = None

    def meta(self, key) -> str:
        [value] = self.metas[key]
        return value

    def typed(self, type_name) -> dict:
        [found] = [d for d in self.json_ld if d["@type"] == type_name]
        return found


def head(client, url, status=200) -> Head:
    """The metadata of the page at `url`, which must answer `status`."""
    response = client.get(url)
    assert response.status_code == status
    return Head(response.content.decode())
