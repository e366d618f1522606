"""Pictures for the demo and the bench archive, drawn with Pillow: no photograph of anyone, no licence."""

import io
import random

from PIL import Image, ImageDraw


def make_demo_image(palette, seed: int, size=(1920, 1280)) -> bytes:
    """A landscape-like picture: a two-colour sky, hills and a sun, different for every seed."""
    rng = random.Random(seed)
    top, bottom = palette
    img = Image.new("RGB", size)
    draw = ImageDraw.Draw(img)
    w, h = size
    for y in range(h):
        t = y / h
        draw.line(
            [(0, y), (w, y)],
            fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    draw.ellipse([w * 0.65, h * 0.12, w * 0.65 + h * 0.18, h * 0.30], fill=(250, 235, 200))
    for layer in range(4):
        shade = tuple(max(0, c - 40 * layer) for c in bottom)
        base = h * (0.55 + 0.1 * layer)
        points = [(0, h)] + [(x, base - rng.uniform(0, h * 0.15)) for x in range(0, w + 200, 200)] + [(w, h)]
        draw.polygon(points, fill=shade)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()
