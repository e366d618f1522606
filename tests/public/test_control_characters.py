"""Control characters (a vertical tab in wire copy, a bell from an old system) never reach the
database through any door, and a row that holds one anyway cannot break a feed or a sitemap."""

import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.urls import reverse

from articles.models import Article, Author, Correction, Section
from articles.sanitize import sanitize_html, strip_control
from tests.helpers import article_post

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_article_add")


def test_strip_control_keeps_text_and_the_whitespace_that_matters():
    assert strip_control("Floods\x0bhit\x0cthe\x1fvalley") == "Floods hit the valley"
    assert strip_control("Ring\x07 the\x00 bell\x7f\x9b") == "Ring the bell"
    assert strip_control("Tab\tnew\nline\r\n") == "Tab\tnew\nline\r\n"
    assert strip_control("Zürich — «quoted» 東京 🙂") == "Zürich — «quoted» 東京 🙂"
    assert strip_control("bad\ufffe\uffffend") == "badend"


def test_a_pasted_headline_is_cleaned_through_the_admin(editor_client, section):
    response = editor_client.post(
        ADD_URL,
        article_post(
            section,
            headline="Floods\x0bhit the valley\x07",
            standfirst="Rivers\x1crose overnight.",
            body="<p>Water\x0b everywhere\x00</p>",
            meta_description="Meta\x08 text",
        ),
    )
    assert response.status_code == 302, response.content[:2000]
    story = Article.objects.get()
    assert story.headline == "Floods hit the valley"
    assert story.standfirst == "Rivers rose overnight."
    assert story.body == "<p>Water  everywhere</p>"
    assert story.meta_description == "Meta text"


def test_every_model_save_strips_them(section, make_article):
    section.description = "Desk\x0bnotes"
    section.save()
    author = Author.objects.create(name="Ann\x07 Lee", slug="ann-lee", bio="Bio\x1b here")
    story = make_article(headline="Clean")
    note = Correction.objects.create(article=story, text="Fixed\x0c a date.")
    assert Section.objects.get(pk=section.pk).description == "Desk notes"
    assert Author.objects.values_list("name", "bio").get(pk=author.pk) == ("Ann Lee", "Bio here")
    assert Correction.objects.get(pk=note.pk).text == "Fixed  a date."


def test_the_body_sanitiser_drops_them():
    assert sanitize_html("<p>a\x0bb\x01c</p>") == "<p>a bc</p>"


@pytest.fixture
def dirty_story(make_article, settings):
    """A story whose row holds control characters anyway (written by update(), as a bulk import might)."""
    settings.PAGE_CACHE_SECONDS = 0
    story = make_article(headline="placeholder")
    Article.objects.filter(pk=story.pk).update(
        headline="Dam\x0breopens\x07", standfirst="Safe\x1b now", body="<p>Body\x01</p>"
    )
    Correction.objects.filter(pk=Correction.objects.create(article=story, text="x").pk).update(
        text="Note\x0c"
    )
    return story


@pytest.mark.parametrize(
    "url", ["/feeds/rss/", "/feeds/atom/", "/feeds/section/world/rss/", "/feeds/corrections/rss/"]
)
def test_feeds_stay_well_formed_around_a_dirty_row(client, dirty_story, url):
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert "Dam reopens" in feed.entries[0].title


def test_the_news_sitemap_stays_well_formed_around_a_dirty_row(client, dirty_story):
    response = client.get("/sitemap-news.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    ns = {"news": "http://www.google.com/schemas/sitemap-news/0.9"}
    assert root.find(".//news:title", ns).text == "Dam reopens"
