"""HEAD is answered as GET is, headers and all: one ETag per encoding, and its 304, whichever method a
client validates with (pages from the page cache, feeds and the API alike)."""

import pytest

pytestmark = pytest.mark.django_db
GZIP = {"Accept-Encoding": "gzip"}
BROTLI = {"Accept-Encoding": "gzip, br"}
ZSTD = {"Accept-Encoding": "gzip, deflate, br, zstd"}


@pytest.fixture
def urls(make_article, settings):
    settings.PAGE_CACHE_SECONDS = 300  # pages as readers get them: the same bytes until a change
    story = make_article(headline="Tide tables")
    return ["/", story.get_absolute_url(), "/feeds/rss/", "/api/v1/stories/"]


@pytest.mark.parametrize("headers", [GZIP, BROTLI, ZSTD, {}], ids=["gzip", "br", "zstd", "identity"])
def test_head_and_get_carry_one_etag(client, urls, headers):
    for url in urls:
        client.get(url, headers=headers)  # the first GET fills the page cache
        got = client.get(url, headers=headers)
        head = client.head(url, headers=headers)
        assert got.status_code == head.status_code == 200, url
        assert got["ETag"] and head["ETag"] == got["ETag"], url
        assert head.get("Content-Encoding") == got.get("Content-Encoding"), url


@pytest.mark.parametrize("headers", [GZIP, BROTLI, ZSTD, {}], ids=["gzip", "br", "zstd", "identity"])
def test_a_tag_from_head_validates_the_get_and_back(client, urls, headers):
    for url in urls:
        client.get(url, headers=headers)
        tag = client.head(url, headers=headers)["ETag"]
        assert client.get(url, headers={**headers, "If-None-Match": tag}).status_code == 304, url
        tag = client.get(url, headers=headers)["ETag"]
        assert client.head(url, headers={**headers, "If-None-Match": tag}).status_code == 304, url
