"""What search engines and social networks read from each public page: titles, descriptions, canonical
links, Open Graph, Twitter cards and JSON-LD."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image

from articles.models import Article, Correction, SiteSettings
from tests.helpers import Head, head

pytestmark = pytest.mark.django_db

SITE = "https://news.example.org"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def story(make_article, make_photo, make_author, make_source, make_section, section):
    europe = make_section(name="Europe", slug="europe", parent=section)
    reuters = make_source(name="Reuters", slug="reuters")
    article = make_article(
        headline="Dam reopens after floods",
        standfirst="Engineers declared it safe.",
        section=europe,
        published_at=datetime(2026, 7, 1, 9, 30, tzinfo=UTC),
        lead_photo=make_photo(alt_text="The dam at dusk", credit_source=reuters),
        authors=[
            make_author(name="Maya Lindqvist", slug="maya"),
            make_author(name="Reuters staff", is_agency=True),
        ],
        sources=[reuters],
        tags=["Flooding", "Infrastructure"],
    )
    Correction.objects.create(article=article, text="The dam is 40 m high, not 60 m.")
    corrected = datetime(2026, 7, 2, 8, 0, tzinfo=UTC)
    # As the correction's commit leaves it (Article.refresh_modified).
    Article.objects.filter(pk=article.pk).update(revised_at=corrected, content_modified_at=corrected)
    article.refresh_from_db()
    return article


# --- Every public page ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "ARTICLE",
        "/world/",
        "/europe/",
        "/tag/flooding/",
        "/author/maya/",
        "/search/",
        "/search/?q=dam",
        "/search/?q=nothing+like+it",
        "/corrections/",
        "/corrections-policy/",
    ],
)
def test_every_public_page_has_title_description_and_canonical(client, story, url):
    url = story.get_absolute_url() if url == "ARTICLE" else url
    page = head(client, url)
    [title] = page.titles
    assert title.strip() and title.endswith("English News")
    description = page.meta("description")
    assert len(description) >= 20, description
    [canonical] = page.links["canonical"]
    assert canonical["href"].startswith(f"{SITE}/") and "?" not in canonical["href"]
    assert page.meta("og:site_name") == "English News"
    assert page.meta("og:url").startswith(f"{SITE}/")
    assert page.meta("og:title") and page.meta("twitter:card") in ("summary", "summary_large_image")


def test_titles_and_descriptions_say_what_the_page_is(client, story, make_author):
    make_author(name="Jo Park", slug="jo", bio="Jo covers energy and transport from Leeds.")
    section = story.section
    section.description = "News from across the continent."
    section.save()
    expectations = {
        "/": ("English News", "The latest news from English News."),
        "/world/": ("World | English News", "The latest World stories from English News."),
        "/europe/": ("Europe | English News", "News from across the continent."),
        "/tag/flooding/": ("Flooding | English News", "The latest Flooding stories from English News."),
        "/author/maya/": ("Maya Lindqvist | English News", "Stories by Maya Lindqvist for English News."),
        "/author/jo/": ("Jo Park | English News", "Jo covers energy and transport from Leeds."),
        "/search/?q=dam": ("Search results for “dam” | English News", None),
    }
    for url, (title, description) in expectations.items():
        page = head(client, url)
        assert page.titles == [title], url
        if description:
            assert page.meta("description") == description, url


def test_home_description_comes_from_site_settings(client, story):
    site = SiteSettings.load()
    site.description = "Independent news from the north."
    site.save()
    assert head(client, "/").meta("description") == "Independent news from the north."


def test_later_listing_pages_are_their_own_canonical(client, make_article):
    for _ in range(21):
        make_article()
    page = head(client, "/world/?page=2")
    assert page.titles == ["World (page 2) | English News"]
    assert page.links["canonical"][0]["href"] == f"{SITE}/world/?page=2"


def test_listing_pages_link_their_feeds(client, story):
    for url, feed in [
        ("/world/", "section/world"),
        ("/tag/flooding/", "tag/flooding"),
        ("/author/maya/", "author/maya"),
    ]:
        alternates = {link["type"]: link["href"] for link in head(client, url).links["alternate"]}
        assert alternates == {
            "application/rss+xml": f"/feeds/{feed}/rss/",
            "application/atom+xml": f"/feeds/{feed}/atom/",
        }
        assert client.get(alternates["application/rss+xml"]).status_code == 200


def test_search_results_are_not_indexed(client, story):
    page = head(client, "/search/?q=dam")
    assert page.meta("robots") == "noindex, follow"
    assert page.links["canonical"][0]["href"] == f"{SITE}/search/"


def test_not_found_page_is_not_indexed(client):
    assert head(client, "/no-such-section/", status=404).meta("robots") == "noindex"


# --- Article pages --------------------------------------------------------------------------------


def rendition_size(media_root: Path, url: str) -> tuple[int, int]:
    path = url.removeprefix(f"{SITE}/media/")
    with Image.open(media_root / path) as img:
        return img.size


def test_article_open_graph_and_twitter_card(client, story, media_root):
    page = head(client, story.get_absolute_url())
    assert page.meta("og:type") == "article"
    assert page.meta("og:title") == "Dam reopens after floods"
    assert page.meta("og:description") == "Engineers declared it safe."
    assert page.meta("og:url") == f"{SITE}/europe/{story.slug}/"
    image = page.meta("og:image")
    assert image.startswith(f"{SITE}/media/")
    # The size stated is the size of the file served.
    assert rendition_size(media_root, image) == (
        int(page.meta("og:image:width")),
        int(page.meta("og:image:height")),
    )
    assert page.meta("og:image:alt") == "The dam at dusk"
    assert page.meta("twitter:card") == "summary_large_image"
    # In the site's time zone, offset stated.
    assert page.meta("article:published_time") == timezone.localtime(story.published_at).isoformat()
    assert page.meta("article:modified_time") == timezone.localtime(story.revised_at).isoformat()
    assert page.meta("article:section") == "Europe"
    assert page.metas["article:tag"] == ["Flooding", "Infrastructure"]


def test_article_without_photo_shares_the_site_image(client, make_article):
    article = make_article()
    page = head(client, article.get_absolute_url())
    assert page.meta("og:image") == f"{SITE}/static/img/social-default.png"
    assert page.meta("og:image:alt") == page.meta("twitter:image:alt") == "English News"
    assert page.meta("twitter:card") == "summary_large_image"
    # Search engines get no picture rather than the outlet's logo card as the story's image.
    assert "image" not in page.typed("NewsArticle")


def test_editors_can_override_title_and_description(client, make_article):
    article = make_article(
        headline="A long headline written for the front page",
        seo_title="Short search title",
        meta_description="What searchers should read in the results.",
    )
    page = head(client, article.get_absolute_url())
    assert page.titles == ["Short search title | English News"]
    assert page.meta("description") == "What searchers should read in the results."
    assert page.meta("og:description") == "What searchers should read in the results."
    assert page.typed("NewsArticle")["description"] == "What searchers should read in the results."


def test_article_json_ld_news_article(client, story, media_root):
    data = head(client, story.get_absolute_url()).typed("NewsArticle")
    assert data["@context"] == "https://schema.org"
    assert data["headline"] == "Dam reopens after floods"
    assert data["mainEntityOfPage"] == data["url"] == f"{SITE}{story.get_absolute_url()}"
    assert datetime.fromisoformat(data["datePublished"]) == story.published_at
    assert datetime.fromisoformat(data["dateModified"]) == story.revised_at
    assert data["author"] == [
        {"@type": "Person", "name": "Maya Lindqvist", "url": f"{SITE}/author/maya/"},
        {
            "@type": "Organization",
            "name": "Reuters staff",
            "url": f"{SITE}{story.authors.get(is_agency=True).get_absolute_url()}",
        },
    ]
    assert data["isAccessibleForFree"] is True
    assert data["articleSection"] == "Europe" and data["keywords"] == ["Flooding", "Infrastructure"]
    publisher = data["publisher"]
    assert publisher["name"] == "English News" and publisher["@type"].endswith("Organization")
    assert publisher["logo"]["url"] == f"{SITE}/static/img/logo.png"
    with Image.open(Path(__file__).parents[2] / "static/img/logo.png") as logo:
        assert logo.size == (publisher["logo"]["width"], publisher["logo"]["height"])
    # Google asks for 16:9, 4:3 and 1:1 crops, each file really that shape.
    ratios = set()
    for url in data["image"]:
        width, height = rendition_size(media_root, url)
        assert width * height >= 50_000, url
        ratios.add(round(width / height, 2))
    assert {1.78, 1.33, 1.0} <= ratios


def test_article_json_ld_breadcrumbs(client, story):
    crumbs = head(client, story.get_absolute_url()).typed("BreadcrumbList")["itemListElement"]
    assert [(c["position"], c["name"], c["item"]) for c in crumbs] == [
        (1, "Home", f"{SITE}/"),
        (2, "World", f"{SITE}/world/"),
        (3, "Europe", f"{SITE}/europe/"),
        (4, "Dam reopens after floods", f"{SITE}{story.get_absolute_url()}"),
    ]


def test_json_ld_cannot_be_broken_out_of(client, make_article):
    article = make_article(headline="</script><script>alert(1)</script> & more")
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert Head(html).typed("NewsArticle")["headline"] == "</script><script>alert(1)</script> & more"


# --- Home page ------------------------------------------------------------------------------------


def test_home_json_ld_organization_and_site_search(client, story):
    page = head(client, "/")
    organization = next(d for d in page.json_ld if d["@type"].endswith("Organization"))
    assert organization["name"] == "English News" and organization["url"] == f"{SITE}/"
    assert organization["logo"]["url"] == f"{SITE}/static/img/logo.png"
    website = page.typed("WebSite")
    action = website["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert action["query-input"] == "required name=search_term_string"
    template = action["target"]["urlTemplate"]
    assert template == f"{SITE}/search/?q={{search_term_string}}"
    # The template leads to a working search.
    html = client.get(template.removeprefix(SITE).replace("{search_term_string}", "dam")).content.decode()
    assert "<mark>Dam</mark> reopens after floods" in html
