from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, SiteSettings, SocialLink

pytestmark = pytest.mark.django_db


def test_article_page_shows_every_part_of_the_story(
    client, make_article, make_photo, make_source, make_author
):
    reuters = make_source(name="Reuters", slug="reuters", kind="agency")
    aljazeera = make_source(name="Al Jazeera", slug="al-jazeera", url="https://aljazeera.example")
    photo = make_photo(caption="Smoke rises from the shipyard", credit_source=reuters)
    author = make_author(name="Maya Lindqvist", slug="maya")
    article = make_article(
        headline="Russia warns of retaliation",
        standfirst="The ministry summoned the ambassador.",
        body="<p>First paragraph.</p><blockquote><p>“A quote.”</p></blockquote>",
        lead_photo=photo,
        authors=[author],
        sources=[aljazeera],
        tags=["Russia", "Crimea"],
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<h1 class="headline">Russia warns of retaliation</h1>' in html
    assert "The ministry summoned the ambassador." in html
    assert 'href="/author/maya/"' in html and "Maya Lindqvist" in html
    assert f'<time datetime="{timezone.localtime(article.published_at):%Y-%m-%dT%H:%M:%S%z}"' in html
    assert "<figure" in html and "<figcaption>Smoke rises from the shipyard" in html
    assert "(Photo: Reuters)" in html
    assert "<blockquote><p>“A quote.”</p></blockquote>" in html
    assert 'href="https://aljazeera.example"' in html and ">Al Jazeera</a>" in html
    assert 'href="/tag/russia/"' in html and 'href="/tag/crimea/"' in html
    assert 'fetchpriority="high"' in html


def test_header_carries_outlet_name_sections_and_social_links(client, make_article):
    site = SiteSettings.load()
    site.outlet_name = "English News"
    site.save()
    SocialLink.objects.create(site=site, network="youtube", url="https://youtube.example/x")
    make_article()
    html = client.get("/").content.decode()
    assert '<a class="brand" href="/">English News</a>' in html
    assert 'href="https://youtube.example/x"' in html and ">YouTube<" in html
    assert 'href="/world/"' in html


def test_home_shows_lead_and_latest(client, make_article):
    old = make_article(headline="Older story", published_at=timezone.now() - timedelta(days=1))
    new = make_article(headline="Newest story", published_at=timezone.now())
    html = client.get("/").content.decode()
    assert html.index("Newest story") < html.index("Older story")
    assert new.get_absolute_url() in html and old.get_absolute_url() in html


def test_section_listing_includes_child_sections(client, make_article, make_section, section):
    europe = make_section(name="Europe", slug="europe", parent=section)
    make_article(headline="In Europe", section=europe)
    make_article(headline="In World", section=section)
    html = client.get("/world/").content.decode()
    assert "In Europe" in html and "In World" in html
    html = client.get("/europe/").content.decode()
    assert "In Europe" in html and "In World" not in html


def test_tag_and_author_listings(client, make_article, make_author):
    author = make_author(slug="jo")
    make_article(headline="Tagged one", tags=["Crimea"], authors=[author])
    make_article(headline="Untagged one")
    html = client.get("/tag/crimea/").content.decode()
    assert "Tagged one" in html and "Untagged one" not in html
    html = client.get("/author/jo/").content.decode()
    assert "Tagged one" in html and "Untagged one" not in html


def test_listings_are_paginated_newest_first(client, make_article):
    for i in range(25):
        make_article(headline=f"Story {i:02d}", published_at=timezone.now() - timedelta(hours=i))
    page1 = client.get("/world/").content.decode()
    page2 = client.get("/world/?page=2").content.decode()
    assert "Story 00" in page1 and "Story 19" in page1 and "Story 20" not in page1
    assert "Story 20" in page2 and "Story 24" in page2
    assert page1.index("Story 00") < page1.index("Story 01")


@pytest.mark.parametrize("url", ["/world/", "/tag/harbour/", "/author/jo/"])
def test_older_link_only_while_older_stories_exist(client, make_article, make_author, url):
    author = make_author(slug="jo")
    for i in range(40):  # exactly two pages
        make_article(tags=["Harbour"], authors=[author], published_at=timezone.now() - timedelta(hours=i))
    page1 = client.get(url).content.decode()
    page2 = client.get(url, {"page": 2}).content.decode()
    assert 'rel="next"' in page1 and 'rel="prev"' not in page1
    assert 'rel="next"' not in page2 and 'rel="prev"' in page2
    assert "Page 2" in page2
    assert client.get(url, {"page": 3}).status_code == 404


def test_listings_never_count_their_stories(client, make_article):
    for _ in range(30):
        make_article(tags=["Harbour"])
    client.get("/")
    for url in ("/world/", "/tag/harbour/", "/world/?page=2"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert not [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]


@pytest.mark.parametrize("page", ["0", "3", "abc", "-1", "99999999999999999999", "100001", "1.5"])
def test_bad_page_number_is_404(client, make_article, page):
    make_article()
    assert client.get("/world/", {"page": page}).status_code == 404


def test_unknown_section_tag_author_are_404(client, db):
    assert client.get("/nowhere/").status_code == 404
    assert client.get("/tag/nothing/").status_code == 404
    assert client.get("/author/nobody/").status_code == 404
    assert client.get("/world/no-such-story/").status_code == 404


def test_draft_is_404_for_readers_and_previewable_by_staff(client, make_article, editor):
    draft = make_article(headline="Secret draft", status=Article.Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert "Secret draft" not in client.get("/").content.decode()
    client.force_login(editor)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "not visible to readers" in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_scheduled_story_is_hidden_until_its_time(client, make_article):
    article = make_article(headline="Future story", published_at=timezone.now() + timedelta(hours=1))
    assert client.get(article.get_absolute_url()).status_code == 404
    assert "Future story" not in client.get("/world/").content.decode()


def test_renamed_slug_redirects_permanently(client, make_article):
    article = make_article(slug="old-slug")
    article.slug = "new-slug"
    article.save()
    response = client.get("/world/old-slug/")
    assert response.status_code == 301
    assert response["Location"] == "/world/new-slug/"
    assert client.get("/world/new-slug/").status_code == 200


def test_wrong_section_in_url_redirects_to_canonical(client, make_article, make_section):
    make_article(slug="story")
    make_section(slug="sport", name="Sport")
    response = client.get("/sport/story/")
    assert response.status_code == 301 and response["Location"] == "/world/story/"


def test_related_articles_share_tags(client, make_article):
    article = make_article(tags=["Crimea"])
    make_article(headline="Also about Crimea", tags=["Crimea"])
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Related stories" in html and "Also about Crimea" in html


def test_a_section_moved_under_another_parent_takes_its_stories_along(
    client, section, make_section, make_article
):
    world, regions = section, make_section(name="Regions", slug="regions")
    europe = make_section(name="Europe", slug="europe", parent=world)
    make_article(section=europe, headline="Border talks resume")
    assert "Border talks resume" in client.get("/world/").content.decode()
    europe.parent = regions
    europe.save()
    assert "Border talks resume" not in client.get("/world/").content.decode()
    assert "Border talks resume" in client.get("/regions/").content.decode()
    assert "Border talks resume" in client.get("/").content.decode()


def test_a_story_moved_to_another_section_is_listed_there(client, section, make_section, make_article):
    world, sport = section, make_section(name="Sport", slug="sport")
    football = make_section(name="Football", slug="football", parent=sport)
    story = make_article(section=world, headline="Cup final moved")
    story.section = football
    story.save()
    assert "Cup final moved" in client.get("/sport/").content.decode()
    assert "Cup final moved" not in client.get("/world/").content.decode()


def test_reordering_a_section_leaves_its_stories_alone(section, make_article):
    make_article(section=section)
    section.refresh_from_db()
    section.order = 5
    with CaptureQueriesContext(connection) as queries:
        section.save()
    assert not [q["sql"] for q in queries if q["sql"].startswith('UPDATE "articles_article"')]
