"""Where photo files live: two storages, reached only through Django's storage API.

`default` holds the originals: private, since they keep the uploader's metadata (GPS included); on
object storage their URLs are signed and short-lived, for staff. `renditions` holds what readers load:
public, cached for a year as immutable (a rendition's path changes whenever its content can, see
renditions.py), optionally behind a CDN domain. Locally both are folders under MEDIA_ROOT; on S3 they
may share a bucket (renditions under `renditions/`) or use two. Nothing reads MEDIA_ROOT directly, so the
same code runs on one machine and on many.
"""

import contextlib
import posixpath
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, default_storage, storages

# Renditions never change under their URL: browsers and CDNs may keep them for a year without asking.
IMMUTABLE = "public, max-age=31536000, immutable"
RENDITIONS_PREFIX = "renditions"


def originals() -> Storage:
    return default_storage


def renditions() -> Storage:
    # A settings override that names only `default` (a test, an old deployment) keeps one storage for all.
    return storages["renditions"] if "renditions" in settings.STORAGES else default_storage


def workers() -> int:
    """Threads that write one photo's files at once: object storage is a round trip per file. At most
    10, the connections boto3 keeps per client: more would open and drop a connection per file."""
    return min(max(1, settings.PHOTO_STORAGE_WORKERS), 10)


def absolute_url(url: str) -> str:
    """A media URL readers can follow from anywhere: a storage that answers absolute URLs (a CDN or a
    bucket) is used as is, and only a site-relative one gets SITE_URL in front."""
    if url.startswith(("https://", "http://", "//")):
        return url
    return f"{settings.SITE_URL}{url}"


def walk(storage: Storage, prefix: str, folders: list | None = None) -> Iterator[str]:
    """Every file name under the folder `prefix` (recursively), through the storage API; the folders
    met are appended to `folders`, parents first."""
    try:
        subfolders, files = storage.listdir(prefix)
    except FileNotFoundError:
        return
    for name in files:
        yield posixpath.join(prefix, name) if prefix else name
    for folder in subfolders:
        path = posixpath.join(prefix, folder) if prefix else folder
        if folders is not None:
            folders.append(path)
        yield from walk(storage, path, folders)


def delete_all(storage: Storage, names) -> None:
    """Delete `names` in parallel (one request each on object storage); a missing file is no error."""
    names = list(names)
    if len(names) <= 1:
        for name in names:
            storage.delete(name)
        return
    with ThreadPoolExecutor(max_workers=min(workers(), len(names))) as pool:
        # list(): re-raise the first failure here rather than lose it.
        list(pool.map(storage.delete, names))


def delete_tree(storage: Storage, prefix: str) -> None:
    folders = [prefix]
    delete_all(storage, walk(storage, prefix, folders))
    if isinstance(storage, FileSystemStorage):
        # Object storage has no folders; a disk keeps emptied ones unless they go too (deepest first).
        for folder in reversed(folders):
            # Gone already, or a file was written there meanwhile: either way it stays as it is.
            with contextlib.suppress(OSError):
                storage.delete(folder)


def bucket_policy(bucket: str, prefix: str = RENDITIONS_PREFIX) -> dict:
    """The S3 bucket policy production uses: anyone may GET renditions, nothing else is public.

    Originals stay private by default (no ACLs: Object Ownership "bucket owner enforced"), reachable only
    through URLs the app signs for staff.
    """
    resource = f"arn:aws:s3:::{bucket}/{prefix}/*" if prefix else f"arn:aws:s3:::{bucket}/*"
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PublicRenditions",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": resource,
            }
        ],
    }


def put(storage: Storage, name: str, content) -> None:
    """Store `content` under exactly `name`, replacing a file there: Django's save() would otherwise pick
    another name on a storage that does not overwrite (the originals')."""
    if storage.get_available_name(name) != name:
        storage.delete(name)
    stored = storage.save(name, content)
    if stored != name:
        storage.delete(stored)
        raise OSError(f"{name} was stored as {stored} (written at the same time by someone else?)")


class StorageUnavailable(Exception):
    """The photo storage could not be reached, or refused the work: nothing was saved."""

    MESSAGE = "Photo storage is unavailable right now, so the photo was not saved. Try again in a moment."

    def __init__(self, message: str = MESSAGE):
        super().__init__(message)


def is_outage(exc: BaseException) -> bool:
    """Whether `exc` is the storage failing (unreachable, refusing, out of space) rather than a bug or
    bad input: object storage's connection and service errors, and a disk's own errors (an errno)."""
    if isinstance(exc, StorageUnavailable):
        return True
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:  # boto3 is a dependency; without it there is no object storage to fail
        return isinstance(exc, OSError) and exc.errno is not None
    # An OSError without an errno is Pillow's ("image file is truncated"), not the disk's.
    return isinstance(exc, BotoCoreError | ClientError) or (
        isinstance(exc, OSError) and exc.errno is not None
    )
