from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from articles.api.views import api, no_such_endpoint
from articles.public import media as serve
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
    # Staff single sign-on (newsroom/accounts/sso_views.py): 404 unless OIDC_ISSUER is set.
    path("oidc/", include("newsroom.accounts.sso_urls")),
    # Before the public site's routes, whose section pattern would take "api".
    path("api/v1/", api.urls),
    re_path(r"^api/v1/(?P<rest>.*)$", no_such_endpoint),
    # Newsletters and the reader's page (/newsletters/, /account/): before the section pattern too.
    path("", include("newsroom.readers.urls")),
    path("", include("articles.public.urls")),
]

if settings.SERVE_MEDIA:
    # Only renditions are public, and immutable; originals only to staff (articles/public/media.py).
    urlpatterns[:0] = [
        path("media/renditions/<path:path>", serve.rendition),
        path("media/<path:path>", serve.original),
    ]
