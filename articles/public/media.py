"""Media served by Django where no web server or object storage does it (development, tests, the demo).

Renditions are public and immutable, like on a CDN; originals keep the uploader's metadata (GPS
included), so only staff who may see the photo library get them, never cached by anyone else: the
local stand-in for the signed URLs object storage gives staff.
"""

import mimetypes
from pathlib import Path

from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404
from django.views.static import serve

from articles.images import storage


def rendition(request, path):
    files = storage.renditions()
    if not isinstance(files, FileSystemStorage):
        raise Http404("Renditions are served by object storage.")
    # The storage's own folder, read per request: tests point MEDIA_ROOT at a temporary one.
    response = serve(request, path, document_root=Path(files.location) / storage.RENDITIONS_PREFIX)
    response.headers["Cache-Control"] = storage.IMMUTABLE
    return response


def original(request, path):
    files = storage.originals()
    if not isinstance(files, FileSystemStorage) or not request.user.has_perm("articles.view_photo"):
        raise Http404
    try:
        fh = files.open(path, "rb")
    except OSError:  # missing, or a folder
        raise Http404 from None
    content_type, _ = mimetypes.guess_type(path)
    response = FileResponse(fh, content_type=content_type or "application/octet-stream")
    response.headers["Cache-Control"] = "private, no-store"
    return response
