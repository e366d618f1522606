"""Text responses leave compressed, safely: zstd, Brotli or gzip for pages, feeds, sitemaps and the API,
whichever the client takes best (gzip padded against BREACH), brotli and gzip side files for static
files, and conditional requests still answered with a 304 whatever the encoding."""

import gzip
import re

import brotli
import pytest

try:
    from compression import zstd  # Python 3.14
except ImportError:
    from backports import zstd
from django.core.management import call_command
from django.test import RequestFactory, override_settings
from whitenoise.middleware import WhiteNoiseMiddleware

pytestmark = pytest.mark.django_db

NONCE = re.compile(rb'nonce="[^"]*"')
GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate"}
BROTLI = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}
CHROME = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br, zstd"}
DECODE = {"gzip": gzip.decompress, "br": brotli.decompress, "zstd": zstd.decompress, None: bytes}


def _body(response) -> bytes:
    return DECODE[response.get("Content-Encoding")](response.content)


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
    assert "accept-encoding" in packed["Vary"].lower()
    assert "Content-Encoding" not in plain
    # The same page, but for the CSP nonce each response gets.
    assert NONCE.sub(b"", _body(packed)) == NONCE.sub(b"", plain.content)
    if len(plain.content) > 2000:
        assert len(packed.content) < len(plain.content) / 2


@pytest.mark.parametrize(
    "accept, coding",
    [
        (CHROME, "zstd"),
        (BROTLI, "br"),
        (GZIP, "gzip"),
        ({"HTTP_ACCEPT_ENCODING": "br;q=0.5, gzip"}, "gzip"),  # the client's own order wins
        ({"HTTP_ACCEPT_ENCODING": "zstd;q=0, br"}, "br"),  # q=0: never that one
        ({"HTTP_ACCEPT_ENCODING": "identity"}, None),
    ],
)
@pytest.mark.parametrize("url", ["/", "ARTICLE", "/feeds/rss/", "/api/v1/stories/"])
def test_each_client_gets_the_best_encoding_it_takes(client, make_article, url, accept, coding):
    stories = [make_article(headline=f"Ferry timetable changes, part {i}") for i in range(8)]
    url = stories[0].get_absolute_url() if url == "ARTICLE" else url
    plain = client.get(url)
    packed = client.get(url, **accept)
    assert packed.status_code == 200 and packed.get("Content-Encoding") == coding
    assert NONCE.sub(b"", _body(packed)) == NONCE.sub(b"", plain.content)
    if coding:
        assert "accept-encoding" in packed["Vary"].lower() and len(packed.content) < len(plain.content) / 2


def test_brotli_saves_bytes_over_gzip_on_the_home_page(client, make_article):
    for i in range(12):
        make_article(headline=f"Harbour works delayed by the storm, day {i}")
    sizes = {name: len(client.get("/", **how).content) for name, how in (("gzip", GZIP), ("br", BROTLI))}
    assert sizes["br"] < sizes["gzip"], sizes


def test_cache_hits_are_compressed_too(client, make_article, settings):
    settings.PAGE_CACHE_SECONDS = 60
    make_article()
    client.get("/")
    hit = client.get("/", **GZIP)
    assert hit["X-Cache"] == "HIT" and hit["Content-Encoding"] == "gzip"


@pytest.mark.parametrize("accept", [GZIP, BROTLI, CHROME], ids=["gzip", "br", "zstd"])
def test_a_compressed_page_still_answers_conditional_requests(client, make_article, settings, accept):
    settings.PAGE_CACHE_SECONDS = 60
    make_article()
    first = client.get("/", **accept)
    etag = first["ETag"]
    assert etag.startswith('W/"'), "a compressed body is not byte-identical: its ETag is weak"
    again = client.get("/", HTTP_IF_NONE_MATCH=etag, **accept)
    assert again.status_code == 304 and again.content == b""
    # A client that got the page uncompressed (strong ETag) is answered the same way.
    plain = client.get("/")
    assert client.get("/", HTTP_IF_NONE_MATCH=plain["ETag"], **accept).status_code == 304


def test_pages_with_a_csrf_token_differ_on_every_response(client):
    """BREACH guesses a secret from compressed sizes: the token is masked anew and the gzip stream
    padded with a random number of bytes each time, so two responses never repeat their length
    pattern byte for byte."""
    for accept, coding in ((GZIP, "gzip"), (BROTLI, "br"), (CHROME, "zstd")):
        first = client.get("/admin/login/", **accept)
        second = client.get("/admin/login/", **accept)
        assert first["Content-Encoding"] == second["Content-Encoding"] == coding
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
