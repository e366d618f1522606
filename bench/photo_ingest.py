"""Benchmark (not a test): ingest a 24-megapixel wire JPEG as an upload does; report time and memory.

    .venv/bin/python bench/photo_ingest.py

The same code path as the admin's photo form: PhotoForm validation (content check, agency metadata), then
services.save_photo (store the original, make every rendition). It needs a migrated database
(DATABASE_URL); the row is rolled back and all files go to a temporary MEDIA_ROOT that is removed after.
"""

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZE = (6000, 4000)
TARGET_MB = 300


def make_image(path: Path) -> None:
    """A camera-like 24 MP JPEG with EXIF and GPS: gradients for sky and shade, noise for texture."""
    from PIL import Image

    width, height = SIZE
    channels = (
        Image.linear_gradient("L").resize(SIZE),
        Image.radial_gradient("L").resize(SIZE),
        Image.effect_noise(SIZE, 48),
    )
    exif = Image.Exif()
    exif.update({0x010F: "Bench", 0x0110: "Camera 24", 0x0112: 1, 0x013B: "Bench Photographer",
                 0x8298: "(c) Bench Agency", 0x010E: "A 24-megapixel benchmark picture"})  # fmt: skip
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}
    Image.merge("RGB", channels).save(path, "JPEG", quality=90, exif=exif)


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes on macOS, KiB on Linux


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="photo-ingest-"))
    try:
        source = work / "wire-24mp.jpg"
        # In a child process, so the generator's own full-size pixel buffer never counts in our peak.
        subprocess.run([sys.executable, __file__, "--make-image", str(source)], check=True)
        return ingest(source, media_root=work / "media")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def ingest(source: Path, *, media_root: Path) -> int:
    os.environ["MEDIA_ROOT"] = str(media_root)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings.base")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.files.uploadedfile import TemporaryUploadedFile
    from django.db import transaction

    from articles.admin.forms import PhotoForm
    from articles.photos import services

    # What Django hands the form for an upload over FILE_UPLOAD_MAX_MEMORY_SIZE: a file on disk.
    upload = TemporaryUploadedFile("wire-24mp.jpg", "image/jpeg", source.stat().st_size, None)
    with source.open("rb") as fh:
        shutil.copyfileobj(fh, upload)
    upload.seek(0)
    data = {"alt_text": "Benchmark picture", "rights": "agency", "focal_x": "0.3", "focal_y": "0.4"}

    rss_before = peak_rss_mb()
    tracemalloc.start()
    started, cpu_started = time.perf_counter(), time.process_time()
    with transaction.atomic():
        form = PhotoForm(data=data, files={"image": upload})
        if not form.is_valid():
            print(f"upload refused: {form.errors.as_text()}", file=sys.stderr)
            return 1
        checked = time.perf_counter()
        photo = services.save_photo(photo=form.save(commit=False))
        done, cpu_done = time.perf_counter(), time.process_time()
        transaction.set_rollback(True)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_peak = peak_rss_mb()

    files = [p for p in (media_root / "renditions").rglob("*") if p.is_file()]
    written = sum(p.stat().st_size for p in files) / 1e6
    mp, mb = SIZE[0] * SIZE[1] / 1e6, source.stat().st_size / 1e6
    ok = rss_peak < TARGET_MB
    for line in (
        f"photo ingest: {SIZE[0]}×{SIZE[1]} JPEG ({mp:.0f} MP, {mb:.1f} MB, EXIF with GPS)",
        f"  validate + read metadata  {checked - started:6.2f} s",
        f"  store + renditions        {done - checked:6.2f} s   ({len(files)} files, {written:.1f} MB)",
        f"  total                     {done - started:6.2f} s   ({cpu_done - cpu_started:.2f} s of CPU; "
        "wall time grows on a busy machine, CPU time much less)",
        f"  peak traced (tracemalloc) {traced_peak / 2**20:6.1f} MB   Python allocations only: Pillow's "
        "pixel buffers are C memory",
        f"  peak RSS (getrusage)      {rss_peak:6.1f} MB   whole process; {rss_before:.1f} MB before the "
        "ingest (Python, Django, Pillow loaded)",
        f"  target: peak RSS under {TARGET_MB} MB: {'met' if ok else 'MISSED'}",
        f"  stored as {photo.width}×{photo.height}; row rolled back, files removed",
    ):
        print(line)
    return 0 if ok else 1


if __name__ == "__main__":
    if sys.argv[1:2] == ["--make-image"]:
        make_image(Path(sys.argv[2]))
        sys.exit(0)
    sys.exit(main())
