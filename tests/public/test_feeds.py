"""RSS 2.0 and Atom feeds, read back with feedparser as an aggregator would."""

from datetime import UTC, datetime, timedelta

import feedparser
import pytest
from django.utils import timezone
from django.utils.html import escape

from articles.models import Article
from articles.public import feeds

pytestmark = pytest.mark.django_db

KINDS = ["rss", "atom"]


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "https://news.example.org"
    settings.PAGE_CACHE_SECONDS = 0


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return response, feed


@pytest.fixture
def story(make_article, make_photo, make_author, make_source):
    reuters = make_source(name="Reuters", slug="reuters")
    return make_article(
        headline="Dam & bridge <reopen> after floods",
        standfirst="Engineers declared both safe on Tuesday.",
        published_at=datetime(2026, 7, 1, 9, 30, tzinfo=UTC),
        lead_photo=make_photo(alt_text="The dam at dusk", credit_source=reuters),
        authors=[make_author(name="Maya Lindqvist", slug="maya"), make_author(name="Jo Park", slug="jo")],
        tags=["Flooding", "Infrastructure"],
    )


@pytest.mark.parametrize("kind", KINDS)
def test_site_feed_carries_full_metadata(client, story, kind):
    response, feed = parse(client, f"/feeds/{kind}/")
    expected_type = "application/rss+xml" if kind == "rss" else "application/atom+xml"
    assert response["Content-Type"].startswith(expected_type)
    assert feed.version == ("rss20" if kind == "rss" else "atom10")
    assert feed.feed.title == "English News"
    assert feed.feed.link == "https://news.example.org/"
    assert feed.feed.language == "en-gb"
    [entry] = feed.entries
    assert entry.title == "Dam & bridge <reopen> after floods"
    assert entry.link == f"https://news.example.org{story.get_absolute_url()}"
    assert entry.summary == "Engineers declared both safe on Tuesday."
    assert entry.id == f"tag:news.example.org,2026:article:{story.pk}"
    assert [a.name for a in entry.authors] == ["Maya Lindqvist", "Jo Park"]
    assert [t.term for t in entry.tags] == ["World", "Flooding", "Infrastructure"]
    assert entry.published_parsed[:5] == (2026, 7, 1, 9, 30)
    [media] = entry.media_content
    assert media["url"].startswith("https://news.example.org/media/renditions/") and media["url"].endswith(
        ".jpg"
    )
    assert (media["width"], media["height"], media["medium"]) == ("1200", "630", "image")
    assert entry.media_credit[0]["content"] == "Reuters"


def test_dates_state_their_offset(client, story):
    # Written in UTC with the offset spelled out, so no reader has to guess the site's time zone.
    rss = client.get("/feeds/rss/").content.decode()
    assert "<pubDate>Wed, 01 Jul 2026 09:30:00 +0000</pubDate>" in rss
    assert "<lastBuildDate>Wed, 01 Jul 2026 09:30:00 +0000</lastBuildDate>" in rss
    atom = client.get("/feeds/atom/").content.decode()
    assert "<published>2026-07-01T09:30:00+00:00</published>" in atom


def test_atom_updated_is_the_stories_modified_time(client, story, editor):
    Article.objects.filter(pk=story.pk).update(content_modified_at=datetime(2026, 7, 2, 12, 0, tzinfo=UTC))
    _, feed = parse(client, "/feeds/atom/")
    assert feed.entries[0].updated_parsed[:5] == (2026, 7, 2, 12, 0)
    assert feed.entries[0].published_parsed[:5] == (2026, 7, 1, 9, 30)


def test_guid_survives_new_slug_section_and_headline(client, story, make_section):
    _, before = parse(client, "/feeds/rss/")
    story.slug, story.headline, story.section = "renamed", "A new headline", make_section(name="Local")
    story.save()
    _, after = parse(client, "/feeds/rss/")
    assert after.entries[0].link != before.entries[0].link
    assert after.entries[0].id == before.entries[0].id == feeds.article_guid(story.pk)
    assert 'isPermaLink="false"' in client.get("/feeds/rss/").content.decode()


def test_story_without_byline_or_photo_is_still_well_formed(client, make_article):
    make_article(headline="Brief", standfirst="")
    for kind in KINDS:
        _, feed = parse(client, f"/feeds/{kind}/")
        entry = feed.entries[0]
        assert entry.summary == "Brief" and "media_content" not in entry
    _, atom = parse(client, "/feeds/atom/")
    assert atom.feed.author == "English News"  # Atom needs an author for byline-less entries


def test_feeds_hold_only_published_stories_newest_first(client, make_article):
    make_article(headline="Older", published_at=timezone.now() - timedelta(hours=2))
    make_article(headline="Newer", published_at=timezone.now() - timedelta(hours=1))
    make_article(headline="Draft", status=Article.Status.DRAFT)
    make_article(headline="Scheduled", published_at=timezone.now() + timedelta(hours=1))
    make_article(headline="Trashed", deleted_at=timezone.now())
    make_article(headline="Pulled", status=Article.Status.UNPUBLISHED, published_at=timezone.now())
    for kind in KINDS:
        _, feed = parse(client, f"/feeds/{kind}/")
        assert [e.title for e in feed.entries] == ["Newer", "Older"]


def test_feed_is_capped(client, make_article):
    for _ in range(feeds.FEED_SIZE + 2):
        make_article()
    _, feed = parse(client, "/feeds/rss/")
    assert len(feed.entries) == feeds.FEED_SIZE


@pytest.mark.parametrize("kind", KINDS)
def test_section_tag_and_author_feeds(client, make_article, make_section, make_author, section, kind):
    europe = make_section(name="Europe", slug="europe", parent=section, description="From Lisbon to Kyiv.")
    sport = make_section(name="Sport", slug="sport")
    maya = make_author(name="Maya", slug="maya")
    make_article(headline="In Europe", section=europe, tags=["Crimea"], authors=[maya])
    make_article(headline="In Sport", section=sport)
    _, world = parse(client, f"/feeds/section/world/{kind}/")
    assert [e.title for e in world.entries] == ["In Europe"]  # sub-sections count for their parent
    assert world.feed.title == "World | English News"
    assert world.feed.link == "https://news.example.org/world/"
    _, europe_feed = parse(client, f"/feeds/section/europe/{kind}/")
    assert europe_feed.feed.get("subtitle") == "From Lisbon to Kyiv."
    _, tag = parse(client, f"/feeds/tag/crimea/{kind}/")
    assert [e.title for e in tag.entries] == ["In Europe"] and tag.feed.link.endswith("/tag/crimea/")
    _, author = parse(client, f"/feeds/author/maya/{kind}/")
    assert [e.title for e in author.entries] == ["In Europe"] and author.feed.link.endswith("/author/maya/")
    _, sport_feed = parse(client, f"/feeds/section/sport/{kind}/")
    assert [e.title for e in sport_feed.entries] == ["In Sport"]


@pytest.mark.parametrize(
    "url", ["/feeds/section/nope/rss/", "/feeds/tag/nope/atom/", "/feeds/author/nope/rss/", "/feeds/json/"]
)
def test_unknown_feeds_are_404(client, url):
    assert client.get(url).status_code == 404


def test_self_links_point_at_the_feed_itself(client, make_article):
    make_article(tags=["Crimea"])
    rss = client.get("/feeds/tag/crimea/rss/").content.decode()
    assert '<atom:link href="https://news.example.org/feeds/tag/crimea/rss/" rel="self"/>' in rss
    atom = client.get("/feeds/atom/").content.decode()
    assert '<link href="https://news.example.org/feeds/atom/" rel="self"/>' in atom


def test_pages_advertise_their_feeds(client, make_article):
    make_article()
    html = client.get("/").content.decode()
    assert '<link rel="alternate" type="application/rss+xml" title="English News" href="/feeds/rss/">' in html
    assert 'type="application/atom+xml"' in html and 'href="/feeds/atom/"' in html


@pytest.mark.parametrize("count", [1, 25])
@pytest.mark.parametrize(
    "url", ["/feeds/rss/", "/feeds/atom/", "/feeds/tag/crimea/rss/", "/feeds/author/jo/atom/"]
)
def test_feed_queries_do_not_grow_with_items(
    client, django_assert_max_num_queries, make_article, make_author, make_photo, make_source, count, url
):
    jo, photo = make_author(slug="jo"), make_photo(credit_source=make_source())
    for i in range(count):
        make_article(tags=["Crimea", f"Tag {i}"], authors=[jo, make_author()], lead_photo=photo)
    client.get("/")  # fills the site-context cache
    # The listing's row (tag/author feeds), the stories, their bylines and their tags.
    with django_assert_max_num_queries(4):
        assert client.get(url).status_code == 200


# --- What feed readers show -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_items_carry_the_whole_story(client, story, kind):
    Article.objects.filter(pk=story.pk).update(body="<p>The <strong>dam</strong> held.</p><p>Second par.</p>")
    _, feed = parse(client, f"/feeds/{kind}/")
    [entry] = feed.entries
    [content] = entry.content
    assert content.type == "text/html"
    html = content.value
    assert html.startswith("<p><strong>Engineers declared both safe on Tuesday.</strong></p><figure>")
    assert 'alt="The dam at dusk"' in html and "(Photo: Reuters)" in html
    assert html.endswith("<p>The <strong>dam</strong> held.</p><p>Second par.</p>")
    # The summary stays the short standfirst; the alt text is the image's, never the item's text.
    assert entry.summary == "Engineers declared both safe on Tuesday."
    response = client.get(f"/feeds/{kind}/")
    assert b"media:description" not in response.content


def test_the_body_in_a_feed_is_the_sanitised_one(client, make_article):
    make_article(body='<p onclick="steal()">Hi<script>alert(1)</script></p>')
    _, feed = parse(client, "/feeds/rss/")
    html = feed.entries[0].content[0].value
    assert "onclick" not in html and "<script" not in html and "Hi" in html


@pytest.mark.parametrize("kind", KINDS)
def test_feeds_have_a_logo(client, story, kind):
    response, feed = parse(client, f"/feeds/{kind}/")
    if kind == "rss":
        assert feed.feed.image.href == "https://news.example.org/static/img/logo.png"
        assert feed.feed.image.link == "https://news.example.org/"
        assert int(feed.feed.image.width) <= 144 and int(feed.feed.image.height) <= 400
    else:
        assert feed.feed.logo == "https://news.example.org/static/img/logo.png"
        assert feed.feed.icon == "https://news.example.org/static/img/favicon.svg"


def test_channel_descriptions_are_escaped_like_item_descriptions(client, make_section, make_author):
    """RSS readers render a channel description as HTML: markup in a bio or a section's description
    shows as the text it is, as it does in an item's description."""
    make_section(name="Odd", slug="odd", description="Where <b>bold</b> & <i>odd</i> stories go")
    make_author(name="Ann", slug="ann", bio="Writes <script>alert(1)</script> & more")
    for url, text in [
        ("/feeds/section/odd/rss/", "Where <b>bold</b> & <i>odd</i> stories go"),
        ("/feeds/author/ann/rss/", "Writes <script>alert(1)</script> & more"),
    ]:
        response, feed = parse(client, url)
        # Escaped for HTML, then for XML: no markup of the text's own reaches a reader.
        assert escape(escape(text)).encode() in response.content
        # Read as HTML (what readers do), the description is the text, markup shown as characters.
        assert feed.feed.subtitle == escape(text)
    # Atom's subtitle is plain text: escaped once by XML, no more.
    _, atom = parse(client, "/feeds/section/odd/atom/")
    assert atom.feed.subtitle == "Where <b>bold</b> & <i>odd</i> stories go"
