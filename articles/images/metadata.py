"""Agency metadata: caption, credit and copyright read from IPTC, XMP and EXIF."""

import xml.etree.ElementTree as ET

from PIL import Image, IptcImagePlugin

_NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
    "xml": "http://www.w3.org/XML/1998/namespace",
}


def _first_text(value) -> str:
    if isinstance(value, list | tuple):
        value = value[0] if value else b""
    if isinstance(value, bytes):
        # IPTC rarely declares its encoding; UTF-8 is the modern norm and Latin-1 the old one.
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            value = value.decode("latin-1")
    return str(value or "").replace("\x00", "").strip()


def _xmp_values(raw) -> dict[str, str]:
    """dc:description, dc:creator, dc:rights and photoshop:Credit from an XMP packet.

    Parsed by namespace, not by prefix (any prefix is legal). Pillow's own getxmp() needs defusedxml;
    ElementTree is safe enough here: it never fetches external entities and expat caps entity expansion.
    """
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw or "")
    text = text.strip("\x00 \t\r\n\ufeff")
    if not text:
        return {}
    try:
        root = ET.fromstring(text)
    except ET.ParseError:
        return {}
    found = {}
    for key, ns, local in (
        ("caption", "dc", "description"),
        ("creator", "dc", "creator"),
        ("copyright", "dc", "rights"),
        ("credit", "photoshop", "Credit"),
    ):
        tag = f"{{{_NS[ns]}}}{local}"
        for el in root.iter(tag):
            items = list(el.iter(f"{{{_NS['rdf']}}}li"))
            # rdf:Alt holds one entry per language: prefer the default one.
            default = [li for li in items if li.get(f"{{{_NS['xml']}}}lang") == "x-default"]
            value = "".join((default or items or [el])[0].itertext())
            if value.strip():
                found[key] = value.strip()
                break
        else:
            # The short form: a property written as an attribute of rdf:Description.
            for desc in root.iter(f"{{{_NS['rdf']}}}Description"):
                if desc.get(tag, "").strip():
                    found[key] = desc.get(tag).strip()
                    break
    return found


def read_metadata(uploaded) -> dict[str, str]:
    """Caption, credit and copyright embedded by agencies (IPTC first, then XMP, then EXIF)."""
    found = {"caption": "", "credit": "", "copyright": ""}
    uploaded.seek(0)
    try:
        with Image.open(uploaded) as img:
            iptc = IptcImagePlugin.getiptcinfo(img) or {}
            xmp = _xmp_values(img.info.get("xmp") or img.info.get("XML:com.adobe.xmp") or b"")
            exif = img.getexif()
    except (OSError, SyntaxError, ValueError, TypeError, IndexError, KeyError):
        # Metadata is a convenience: a photo whose metadata cannot be read still uploads.
        return found
    finally:
        uploaded.seek(0)
    candidates = {
        "caption": [iptc.get((2, 120)), xmp.get("caption"), exif.get(0x010E)],
        "credit": [iptc.get((2, 110)), iptc.get((2, 80)), xmp.get("credit"), xmp.get("creator"),
                   exif.get(0x013B)],
        "copyright": [iptc.get((2, 116)), xmp.get("copyright"), exif.get(0x8298)],
    }  # fmt: skip
    for key, values in candidates.items():
        for value in values:
            if text := _first_text(value):
                found[key] = text
                break
    return found
