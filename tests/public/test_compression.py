"""Text responses leave compressed, safely: gzip for pages, feeds and sitemaps (padded against BREACH),
brotli and gzip side files for static files, and conditional requests still answered with a 304."""

import gzip
import re

import pytest
from django.core.management import call_command
from django.test import RequestFactory, override_settings
from whitenoise.middleware import WhiteNoiseMiddleware

pytestmark = pytest.mark.django_db

NONCE = re.compile(rb'nonce="[^"]*"')
GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def _body(response) -> bytes:
    return (
        gzip.decompress(response.content) if response.get("Content-Encoding") == "gzip" else response.content
    )


@pytest.mark.parametrize(
    "url, content_type",
    [
        ("/", "text/html"),
        ("ARTICLE", "text/html"),
        ("/world/", "text/html"),
        ("/feeds/rss/", "application/rss+xml"),
        ("/feeds/atom/", "application/atom+xml"),
        ("/sitemap-news.xml", "application/xml"),
        ("/sitemap.xml", "application/xml"),
    ],
)
def test_text_responses_are_gzipped_for_clients_that_ask(client, make_article, url, content_type):
    stories = [make_article(headline=f"A story about the river crossing, part {i}") for i in range(12)]
    url = stories[0].get_absolute_url() if url == "ARTICLE" else url
    plain = client.get(url)
    packed = client.get(url, **GZIP)
    assert packed.status_code == 200 and packed["Content-Type"].startswith(content_type)
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert "Content-Encoding" not in plain
    # The same page, but for the CSP nonce each response gets.
    assert NONCE.sub(b"", _body(packed)) == NONCE.sub(b"", plain.content)
    if len(plain.content) > 2000:
        assert len(packed.content) < len(plain.content) / 2


def test_cache_hits_are_compressed_too(client, make_article, settings):
    settings.PAGE_CACHE_SECONDS = 60
    make_article()
    client.get("/")
    hit = client.get("/", **GZIP)
    assert hit["X-Cache"] == "HIT" and hit["Content-Encoding"] == "gzip"


def test_a_compressed_page_still_answers_conditional_requests(client, make_article, settings):
    settings.PAGE_CACHE_SECONDS = 60
    make_article()
    first = client.get("/", **GZIP)
    etag = first["ETag"]
    assert etag.startswith('W/"'), "a compressed body is not byte-identical: its ETag is weak"
    again = client.get("/", HTTP_IF_NONE_MATCH=etag, **GZIP)
    assert again.status_code == 304 and again.content == b""
    # A client that got the page uncompressed (strong ETag) is answered the same way.
    plain = client.get("/")
    assert client.get("/", HTTP_IF_NONE_MATCH=plain["ETag"], **GZIP).status_code == 304


def test_pages_with_a_csrf_token_differ_on_every_response(client):
    """BREACH guesses a secret from compressed sizes: the token is masked anew and the gzip stream
    padded with a random number of bytes each time, so two responses never repeat their length
    pattern byte for byte."""
    first = client.get("/admin/login/", **GZIP)
    second = client.get("/admin/login/", **GZIP)
    assert first["Content-Encoding"] == second["Content-Encoding"] == "gzip"
    assert first.content != second.content
    assert b"csrfmiddlewaretoken" in _body(first)


def test_static_files_are_collected_with_brotli_and_gzip_twins(tmp_path, settings):
    settings.STATIC_ROOT = tmp_path
    # The project's own files: the apps' (the admin's hundreds) are compressed the same way, only slower.
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    css = [p for p in (tmp_path / "css").iterdir() if p.name.startswith("site.") and p.suffix == ".css"]
    hashed = next(p for p in css if p.name != "site.css")
    assert (tmp_path / "css" / f"{hashed.name}.br").exists()
    assert (tmp_path / "css" / f"{hashed.name}.gz").exists()

    with override_settings(DEBUG=False, WHITENOISE_USE_FINDERS=False, WHITENOISE_AUTOREFRESH=False):
        serve = WhiteNoiseMiddleware(lambda request: None)
        request = RequestFactory().get(f"/static/css/{hashed.name}", HTTP_ACCEPT_ENCODING="gzip, br")
        response = serve(request)
    assert response.status_code == 200 and response["Content-Encoding"] == "br"
    # Hashed names change with their content: browsers may keep them for a year.
    assert "immutable" in response["Cache-Control"] and "max-age=315360000" in response["Cache-Control"]
