"""Social cards and structured data on the pages that are not stories: every page type says what it
is, with an image, to social networks and search engines."""

import pytest

from articles.models import Article, SiteSettings, SocialLink
from tests.helpers import head

pytestmark = pytest.mark.django_db

SITE = "https://news.example.org"
DEFAULT_IMAGE = f"{SITE}/static/img/social-default.png"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def stories(make_article, make_author, make_section, section):
    europe = make_section(name="Europe", slug="europe", parent=section, description="Stories from Europe.")
    maya = make_author(name="Maya Lindqvist", slug="maya", bio="Maya covers energy and climate.")
    return [
        make_article(headline=f"Story {i}", section=europe, authors=[maya], tags=["Flooding"])
        for i in range(3)
    ]


PAGES = {
    "/": ("English News", "The latest news from English News."),
    "/europe/": ("Europe | English News", "Stories from Europe."),
    "/world/": ("World | English News", "The latest World stories from English News."),
    "/tag/flooding/": ("Flooding | English News", "The latest Flooding stories from English News."),
    "/author/maya/": ("Maya Lindqvist | English News", "Maya covers energy and climate."),
    "/search/?q=story": (
        "Search | English News",
        "Search every story published by English News, by keyword, section and date.",
    ),
    "/corrections/": (
        "Corrections and updates | English News",
        "Every correction and update English News has made to a published story, newest first.",
    ),
}


@pytest.mark.parametrize("url", PAGES)
def test_every_page_type_has_a_complete_social_card(client, stories, url):
    title, description = PAGES[url]
    page = head(client, url)
    assert page.meta("og:title") == title
    assert page.meta("og:description") == page.meta("description") == description
    assert page.meta("og:url") == f"{SITE}{url.split('?')[0]}"
    assert page.meta("og:image") == DEFAULT_IMAGE
    assert (page.meta("og:image:width"), page.meta("og:image:height")) == ("1200", "630")
    assert page.meta("og:image:alt") == page.meta("twitter:image:alt") == "English News"
    assert page.meta("twitter:card") == "summary_large_image"


@pytest.mark.parametrize("url", ["/", "/europe/", "/tag/flooding/", "/author/maya/", "ARTICLE"])
def test_indexed_pages_allow_large_image_previews(client, stories, url):
    url = stories[0].get_absolute_url() if url == "ARTICLE" else url
    assert head(client, url).meta("robots") == "max-image-preview:large"


def test_search_results_stay_out_of_the_index(client, stories):
    assert head(client, "/search/?q=story").meta("robots") == "noindex, follow"


def test_twitter_site_comes_from_the_outlets_x_profile(client, stories, django_capture_on_commit_callbacks):
    assert "twitter:site" not in head(client, "/").metas
    with django_capture_on_commit_callbacks(execute=True):
        SocialLink.objects.create(site=SiteSettings.load(), network="x", url="https://x.com/englishnews")
    for url in ("/", stories[0].get_absolute_url(), "/europe/"):
        assert head(client, url).meta("twitter:site") == "@englishnews"


def test_the_default_image_is_served_at_the_size_it_claims(client):
    from django.contrib.staticfiles import finders
    from PIL import Image

    with Image.open(finders.find("img/social-default.png")) as image:
        assert image.size == (1200, 630)


def test_section_page_is_a_collection_of_its_stories(client, stories):
    page = head(client, "/europe/")
    collection = page.typed("CollectionPage")
    assert collection["name"] == "Europe | English News"
    assert collection["description"] == "Stories from Europe."
    assert collection["url"] == f"{SITE}/europe/"
    listed = [item["url"] for item in collection["mainEntity"]["itemListElement"]]
    newest_first = Article.objects.published().order_by("-published_at", "-id")
    assert listed == [f"{SITE}{story.get_absolute_url()}" for story in newest_first]
    assert [item["position"] for item in collection["mainEntity"]["itemListElement"]] == [1, 2, 3]
    crumbs = page.typed("BreadcrumbList")["itemListElement"]
    assert [(c["name"], c["item"]) for c in crumbs] == [
        ("Home", f"{SITE}/"),
        ("World", f"{SITE}/world/"),
        ("Europe", f"{SITE}/europe/"),
    ]


def test_tag_page_is_a_collection_too(client, stories):
    collection = head(client, "/tag/flooding/").typed("CollectionPage")
    assert len(collection["mainEntity"]["itemListElement"]) == 3


def test_author_page_is_a_profile_of_a_person(client, stories):
    page = head(client, "/author/maya/")
    profile = page.typed("ProfilePage")
    assert profile["mainEntity"] == {
        "@type": "Person",
        "name": "Maya Lindqvist",
        "url": f"{SITE}/author/maya/",
        "description": "Maya covers energy and climate.",
        "worksFor": {"@type": "NewsMediaOrganization", "name": "English News", "url": f"{SITE}/"},
    }
    assert [c["name"] for c in page.typed("BreadcrumbList")["itemListElement"]] == ["Home", "Maya Lindqvist"]


def test_an_agency_byline_is_an_organization(client, make_article, make_author):
    agency = make_author(name="Reuters staff", slug="reuters-staff", is_agency=True)
    make_article(authors=[agency])
    entity = head(client, "/author/reuters-staff/").typed("ProfilePage")["mainEntity"]
    assert entity["@type"] == "Organization" and "worksFor" not in entity
    assert entity["description"] == "Stories by Reuters staff for English News."


def test_a_long_bio_is_cut_to_forty_words_for_the_description(client, make_article, make_author):
    author = make_author(name="Ann Writer", slug="ann", bio=" ".join(f"word{i}" for i in range(60)))
    make_article(authors=[author])
    description = head(client, "/author/ann/").meta("description")
    assert description == " ".join(f"word{i}" for i in range(40)) + "…"
