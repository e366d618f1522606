"""Sitemaps, the Google News sitemap and robots.txt, validated against the published schemas."""

from datetime import timedelta
from pathlib import Path
from xml.etree import ElementTree

import pytest
import xmlschema
from django.utils import timezone

from articles.models import Article
from articles.public.sitemaps import ArticleSitemap

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).parent / "schemas"
NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


@pytest.fixture(scope="module")
def schemas():
    # "local": the schemas import each other from this folder and never reach for the network.
    return {
        name: xmlschema.XMLSchema(str(SCHEMAS / f"{name}.xsd"), allow="local")
        for name in ("sitemap", "siteindex", "news-sitemap")
    }


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "https://news.example.org"
    settings.PAGE_CACHE_SECONDS = 0


def fetch_xml(client, url, schema=None):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    body = response.content.decode()
    if schema is not None:
        schema.validate(body)
    return ElementTree.fromstring(response.content)


def locs(root) -> list[str]:
    return [loc.text for loc in root.iterfind(".//sm:loc", NS)]


def test_robots_txt_points_at_both_sitemaps(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines and "Disallow: /admin/" in lines
    assert "Sitemap: https://news.example.org/sitemap.xml" in lines
    assert "Sitemap: https://news.example.org/sitemap-news.xml" in lines


def test_index_lists_every_non_empty_sitemap_with_lastmod(client, schemas, make_article, make_author):
    newest = timezone.now() - timedelta(minutes=5)
    article = make_article(published_at=newest, tags=["Crimea"], authors=[make_author()])
    root = fetch_xml(client, "/sitemap.xml", schemas["siteindex"])
    entries = {e.find("sm:loc", NS).text: e.find("sm:lastmod", NS) for e in root.iterfind("sm:sitemap", NS)}
    base = "https://news.example.org/sitemap-"
    names = ("pages", "articles", "sections", "tags", "authors")
    assert set(entries) == {f"{base}{name}.xml" for name in names}
    # Stories change with their one modified time; listings when a story is published.
    article.refresh_from_db()
    assert entries[f"{base}articles.xml"].text == timezone.localtime(article.modified_at).isoformat()
    for name in ("sections", "tags", "authors"):
        assert entries[f"{base}{name}.xml"].text == timezone.localtime(newest).isoformat(), name
    assert entries[f"{base}pages.xml"] is None


def test_index_leaves_out_sitemaps_with_nothing_in_them(client, schemas, make_article):
    make_article()  # no tags, no authors
    root = fetch_xml(client, "/sitemap.xml", schemas["siteindex"])
    assert "https://news.example.org/sitemap-tags.xml" not in locs(root)
    assert "https://news.example.org/sitemap-authors.xml" not in locs(root)
    assert client.get("/sitemap-tags.xml").status_code == 404


def test_an_empty_site_still_has_a_valid_index(client, schemas):
    root = fetch_xml(client, "/sitemap.xml", schemas["siteindex"])
    assert locs(root) == ["https://news.example.org/sitemap-pages.xml"]


def test_article_sitemap_is_paginated_in_the_index(client, schemas, make_article, monkeypatch):
    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    articles = [make_article() for _ in range(5)]
    index = locs(fetch_xml(client, "/sitemap.xml", schemas["siteindex"]))
    base = "https://news.example.org/sitemap-articles.xml"
    assert [base, f"{base}?p=2", f"{base}?p=3"] == [loc for loc in index if loc.startswith(base)]
    seen = []
    for page in ("", "?p=2", "?p=3"):
        seen += locs(fetch_xml(client, f"/sitemap-articles.xml{page}", schemas["sitemap"]))
    assert seen == [f"https://news.example.org{a.get_absolute_url()}" for a in articles]
    assert client.get("/sitemap-articles.xml?p=4").status_code == 404
    assert client.get("/sitemap-articles.xml?p=x").status_code == 404


def test_article_sitemap_holds_only_what_readers_can_see(client, schemas, make_article):
    live = make_article(headline="Live")
    make_article(status=Article.Status.DRAFT)
    make_article(status=Article.Status.PUBLISHED, published_at=timezone.now() + timedelta(hours=1))
    make_article(status=Article.Status.UNPUBLISHED, published_at=timezone.now() - timedelta(hours=1))
    make_article(deleted_at=timezone.now())
    root = fetch_xml(client, "/sitemap-articles.xml", schemas["sitemap"])
    assert locs(root) == [f"https://news.example.org{live.get_absolute_url()}"]


def test_article_lastmod_is_its_modified_time(client, schemas, make_article):
    article = make_article(published_at=timezone.now() - timedelta(days=2))
    edited = timezone.now() - timedelta(hours=1)
    Article.objects.filter(pk=article.pk).update(content_modified_at=edited)
    root = fetch_xml(client, "/sitemap-articles.xml", schemas["sitemap"])
    assert root.find(".//sm:lastmod", NS).text == timezone.localtime(edited).isoformat()


def test_listing_sitemaps_hold_listings_with_published_stories(
    client, schemas, make_article, make_section, make_author, section
):
    europe = make_section(name="Europe", slug="europe", parent=section)
    make_section(name="Empty", slug="empty")
    writer, idle = make_author(slug="writer"), make_author(slug="idle")
    make_article(section=europe, tags=["Crimea"], authors=[writer])
    make_article(status=Article.Status.DRAFT, tags=["Secret"], authors=[idle])
    base = "https://news.example.org"
    sections = locs(fetch_xml(client, "/sitemap-sections.xml", schemas["sitemap"]))
    assert sorted(sections) == [f"{base}/europe/", f"{base}/world/"]
    assert locs(fetch_xml(client, "/sitemap-tags.xml", schemas["sitemap"])) == [f"{base}/tag/crimea/"]
    assert locs(fetch_xml(client, "/sitemap-authors.xml", schemas["sitemap"])) == [f"{base}/author/writer/"]
    pages = locs(fetch_xml(client, "/sitemap-pages.xml", schemas["sitemap"]))
    assert pages == [f"{base}/", f"{base}/corrections/", f"{base}/corrections-policy/"]


def test_news_sitemap_lists_the_last_48_hours(client, schemas, make_article, make_section):
    recent = make_article(
        headline="Fish & chips <price> rise", published_at=timezone.now() - timedelta(hours=2)
    )
    make_article(headline="Old news", published_at=timezone.now() - timedelta(hours=49))
    make_article(headline="Scheduled", published_at=timezone.now() + timedelta(hours=1))
    make_article(headline="Draft", status=Article.Status.DRAFT)
    root = fetch_xml(client, "/sitemap-news.xml", schemas["news-sitemap"])
    urls = root.findall("sm:url", NS)
    assert len(urls) == 1
    url = urls[0]
    assert url.find("sm:loc", NS).text == f"https://news.example.org{recent.get_absolute_url()}"
    assert url.find("news:news/news:publication/news:name", NS).text == "English News"
    assert url.find("news:news/news:publication/news:language", NS).text == "en"
    assert url.find("news:news/news:title", NS).text == "Fish & chips <price> rise"
    published = url.find("news:news/news:publication_date", NS).text
    assert published == timezone.localtime(recent.published_at).isoformat()


def test_schemas_reject_what_they_should(schemas):
    # The tests above could not fail if the schemas accepted anything.
    bad_news = (
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>https://x.example/a</loc>'
        "<news:news><news:publication><news:name>X</news:name><news:language>en-gb</news:language>"
        "</news:publication><news:publication_date>yesterday</news:publication_date>"
        "<news:title>T</news:title></news:news></url></urlset>"
    )
    assert len(list(schemas["news-sitemap"].iter_errors(bad_news))) == 2
    empty_index = '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>'
    assert not schemas["siteindex"].is_valid(empty_index)


@pytest.mark.parametrize("count", [1, 30])
@pytest.mark.parametrize(
    ("url", "budget"),
    [
        ("/sitemap.xml", 8),  # a count and a lastmod for each of four sitemaps
        ("/sitemap-articles.xml", 2),
        ("/sitemap-sections.xml", 2),
        ("/sitemap-tags.xml", 2),
        ("/sitemap-authors.xml", 2),
        ("/sitemap-news.xml", 2),  # the live stories updated lately, then the stories
    ],
)
def test_sitemap_queries_do_not_grow_with_items(
    client, django_assert_max_num_queries, make_article, make_author, make_section, count, url, budget
):
    for i in range(count):
        make_article(tags=[f"Tag {i}"], authors=[make_author()], section=make_section())
    client.get("/")  # fills the site-context cache
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200


def test_tag_and_author_lists_are_kept_between_requests(
    client, make_article, make_author, django_assert_num_queries
):
    make_article(tags=["Crimea"], authors=[make_author(slug="writer")])
    for url in ("/sitemap-tags.xml", "/sitemap-authors.xml"):
        assert client.get(url).status_code == 200
        # The GROUP BY over every link is not run again: the list comes from the cache.
        with django_assert_num_queries(0):
            assert client.get(url).status_code == 200


def test_a_new_tag_appears_once_the_kept_list_expires(client, schemas, make_article, settings):
    make_article(tags=["Crimea"])
    base = "https://news.example.org"
    assert locs(fetch_xml(client, "/sitemap-tags.xml", schemas["sitemap"])) == [f"{base}/tag/crimea/"]
    make_article(tags=["Kherson"])
    assert len(locs(fetch_xml(client, "/sitemap-tags.xml", schemas["sitemap"]))) == 1
    settings.LISTING_SITEMAP_SECONDS = 0
    assert locs(fetch_xml(client, "/sitemap-tags.xml", schemas["sitemap"])) == [
        f"{base}/tag/crimea/",
        f"{base}/tag/kherson/",
    ]
