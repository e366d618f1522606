from pathlib import Path

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.static import serve

from newsroom.accounts import twofactor

admin.site.site_header = "Newsroom"
admin.site.site_title = "Newsroom admin"
admin.site.index_title = "Newsroom"

# 400, 403 and 404 use Django's handlers with the site's templates; the 500 page avoids the database.
handler500 = "articles.public.errors.server_error"

urlpatterns = [
    # Browsers ask for /favicon.ico on pages that name no icon (the admin's).
    path("favicon.ico", RedirectView.as_view(url=f"{settings.STATIC_URL}img/favicon.svg", permanent=True)),
    path("admin/2fa/", twofactor.two_factor, name="two_factor"),
    path("admin/", admin.site.urls),
    path("", include("articles.public.urls")),
]

if settings.SERVE_MEDIA:

    def serve_rendition(request, path):
        # Only renditions are public: originals keep the uploader's metadata (GPS included).
        # MEDIA_ROOT is read per request so tests can point it at a temporary folder.
        return serve(request, path, document_root=Path(settings.MEDIA_ROOT) / "renditions")

    urlpatterns.insert(0, path("media/renditions/<path:path>", serve_rendition))
