"""Benchmark (not a test): one photo upload with its renditions, written serially and in parallel, to the
local disk and to an S3 API (moto's server on loopback, started here).

    .venv/bin/python bench/photo_storage.py [--repeat 3] [--port 8093]

Times services.save_photo (store the original, make and store every rendition) for a 12-megapixel JPEG,
median of --repeat runs; each run is rolled back and its files removed. Needs a migrated database
(DATABASE_URL). On a loaded machine wall times grow; compare the rows with each other.
"""

import argparse
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZE = (4000, 3000)


def make_jpeg() -> bytes:
    from PIL import Image

    channels = (
        Image.linear_gradient("L").resize(SIZE),
        Image.radial_gradient("L").resize(SIZE),
        Image.effect_noise(SIZE, 48),
    )
    out = io.BytesIO()
    Image.merge("RGB", channels).save(out, "JPEG", quality=88)
    return out.getvalue()


def start_moto(port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/data.json", timeout=1).close()
            return server
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise SystemExit("moto's server did not start") from None
            time.sleep(0.2)


def one_upload(data: bytes) -> tuple[float, int]:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction

    from articles.images import renditions, storage
    from articles.models import Photo
    from articles.photos import services

    photo = Photo(image=SimpleUploadedFile("wire.jpg", data, "image/jpeg"), alt_text="Benchmark")
    with transaction.atomic():
        started = time.perf_counter()
        services.save_photo(photo=photo)
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    files = len(list(storage.walk(storage.renditions(), str(renditions.rendition_dir(photo)))))
    renditions.delete_photo_files(photo, photo.image.name)
    return elapsed, files


def store_only(count: int, size: int, workers: int) -> float:
    """Store `count` files of `size` bytes in the renditions storage (what a photo's set costs in round
    trips, without the image work), serially or with `workers` threads; remove them after."""
    from concurrent.futures import ThreadPoolExecutor

    from django.core.files.base import ContentFile

    from articles.images import storage

    files, payload = storage.renditions(), os.urandom(size)
    names = [f"renditions/bench/{i}.jpg" for i in range(count)]
    started = time.perf_counter()
    if workers == 1:
        for name in names:
            storage.put(files, name, ContentFile(payload))
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(lambda name: storage.put(files, name, ContentFile(payload)), names))
    elapsed = time.perf_counter() - started
    storage.delete_tree(files, "renditions/bench")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--port", type=int, default=8093)
    parser.add_argument("--workers", type=int, default=8)
    args = parser.parse_args()

    os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="photo-storage-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings.base")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import override_settings

    from newsroom.settings.base import media_storages

    data = make_jpeg()
    moto = start_moto(args.port)
    s3_env = {
        "MEDIA_STORAGE": "s3",
        "AWS_STORAGE_BUCKET_NAME": "bench-originals",
        "AWS_RENDITIONS_BUCKET_NAME": "bench-renditions",
        "AWS_S3_ENDPOINT_URL": f"http://127.0.0.1:{args.port}",
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
    }
    print(f"one {SIZE[0]}×{SIZE[1]} JPEG ({len(data) / 1e6:.1f} MB) uploaded, median of {args.repeat}:")
    try:
        for label, env in (("local disk", {}), ("S3 (moto, loopback)", s3_env)):
            storages, _ = media_storages(env)
            with override_settings(STORAGES={**django.conf.settings.STORAGES, **storages}):
                if env:
                    call_command("setup_media_buckets", "--create", stdout=io.StringIO())
                for workers in (1, args.workers):
                    with override_settings(PHOTO_STORAGE_WORKERS=workers):
                        one_upload(data)  # warm: connections, imports
                        runs = [one_upload(data) for _ in range(args.repeat)]
                    median = statistics.median(t for t, _ in runs)
                    stored = statistics.median(store_only(31, 60_000, workers) for _ in range(args.repeat))
                    kind = "serial" if workers == 1 else f"{workers} threads"
                    print(
                        f"  {label:20} {kind:10} upload {median:5.2f} s ({runs[0][1]} renditions + original);"
                        f"  storing 31 files alone {stored:5.2f} s"
                    )
    finally:
        moto.terminate()
        moto.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
