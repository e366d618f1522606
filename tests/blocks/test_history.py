"""Blocks survive everything a body goes through: the sanitiser, revisions and their diffs, a restore (as a
new version, or a live story's pending changes), and the feeds, where they fall back to plain HTML."""

import feedparser
import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Article, PendingVersion
from articles.publishing import editing, workflow
from articles.publishing.revisions import record_revision
from articles.sanitize import sanitize_html

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        (
            '<figure data-block="photo" data-photo-id="12" onclick="steal()" style="x" class="big" id="a">'
            "</figure>",
            '<figure data-block="photo" data-photo-id="12"></figure>',
        ),
        (
            '<figure data-block="photo" data-photo-id="12 onerror=alert(1)"></figure>',
            '<figure data-block="photo"></figure>',
        ),
        ('<figure data-block="script" data-photo-id="3"></figure>', '<figure data-photo-id="3"></figure>'),
        (
            '<aside data-block="readmore" data-story-id="javascript:alert(1)" data-embed-src="https://evil.example">'
            "</aside>",
            '<aside data-block="readmore"></aside>',
        ),
        (
            '<aside data-block="factbox" onmouseover="x"><h2>T</h2><script>alert(1)</script>'
            "<ul><li>a</li></ul></aside>",
            '<aside data-block="factbox"><h2>T</h2><ul><li>a</li></ul></aside>',
        ),
        (
            '<figure data-block="pullquote"><blockquote><p>Q<img src=x onerror=alert(1)></p></blockquote>'
            '<figcaption><a href="javascript:alert(1)">Who</a></figcaption></figure>',
            '<figure data-block="pullquote"><blockquote><p>Q</p></blockquote>'
            '<figcaption><a rel="noopener noreferrer">Who</a></figcaption></figure>',
        ),
        ("<p><!--read-more:5--></p>", ""),
        ('<div data-block="photo" data-photo-id="1">x</div>', "x"),
    ],
    ids=[
        "handlers",
        "id-not-a-number",
        "unknown-kind",
        "story-id-script",
        "script-in-box",
        "quote-xss",
        "forged-marker",
        "other-element",
    ],  # fmt: skip
)
def test_the_sanitiser_keeps_blocks_and_strips_everything_else(dirty, clean):
    assert sanitize_html(dirty) == clean


def test_sanitised_blocks_render_nothing_dangerous(make_article):
    body = (
        '<figure data-block="photo" data-photo-id="1 onerror=alert(1)"></figure>'
        '<aside data-block="readmore" data-story-id="x"></aside><p><!--read-more:1--></p>'
        '<p><a href="https://youtu.be/dQw4w9WgXcQ" title="&quot; onmouseover=&quot;x">https://youtu.be/dQw4w9WgXcQ</a></p>'
    )
    html = Client().get(make_article(body=body).get_absolute_url()).content.decode()
    story = html.split('<div class="story-body">', 1)[1].split("</article>", 1)[0]
    assert "onerror" not in story and 'onmouseover="' not in story and "read-more" not in story
    assert 'data-embed-title="YouTube video: &quot; onmouseover=&quot;x"' in story


def revisions_diff(client, article, old, new) -> str:
    url = reverse("admin:articles_article_revision_diff", args=[article.pk, old, new])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_revision_diff_names_each_block_that_changed(
    editor_client, editor, make_article, block_body, make_photo
):
    body, photo = block_body
    article = make_article(body=body, status=Article.Status.DRAFT)
    record_revision(article=article, user=editor)
    other_photo = make_photo(caption="The new pier")
    article.body = (
        body.replace("Ana Ruiz, mayor", "Ana Ruiz, the mayor")
        .replace(f'data-photo-id="{photo.pk}"', f'data-photo-id="{other_photo.pk}"')
        .replace("<li>310 m long</li>", "<li>312 m long</li>")
    )
    editing.save_edit(article=article, user=editor, loaded_version=article.version)
    html = revisions_diff(editor_client, article, 1, 2)
    assert "Ana Ruiz, <ins>the </ins>mayor" in html
    assert (
        f"<del>#{photo.pk}:" in html
        and f"<ins>#{other_photo.pk}:" in html
        and "“The <del>old</del> <ins>new</ins>" in html
    )
    assert "<del>310</del> <ins>312</ins>" in html
    assert "[Fact box] The pier / Built 1902 / <del>310</del> <ins>312</ins> m long" in html
    assert "Read more #" in html and "Ferry timetable changes" in html


def test_restoring_a_revision_brings_its_blocks_back(editor_client, editor, make_article, block_body):
    body, _ = block_body
    article = make_article(body=body, status=Article.Status.DRAFT)
    record_revision(article=article, user=editor)
    stored = Article.objects.get(pk=article.pk).body
    article.body = "<p>Cut down to one line.</p>"
    editing.save_edit(article=article, user=editor, loaded_version=article.version)
    url = reverse("admin:articles_article_revision_restore", args=[article.pk, 1])
    assert editor_client.post(url).status_code == 302
    article.refresh_from_db()
    assert article.body == stored and article.version == 3


def test_restoring_a_live_storys_revision_makes_its_blocks_pending(
    editor_client, editor, make_article, block_body
):
    body, _ = block_body
    article = make_article(body=body)
    record_revision(article=article, user=editor)
    stored = Article.objects.get(pk=article.pk).body
    article.body = "<p>Cut down.</p>"
    editing.save_edit(article=article, user=editor, loaded_version=article.version)
    url = reverse("admin:articles_article_revision_restore", args=[article.pk, 1])
    assert editor_client.post(url).status_code == 302
    assert PendingVersion.objects.get(article=article).data["body"] == stored
    url = reverse("admin:articles_article_pending_preview", args=[article.pk])
    preview = editor_client.get(url, follow=True).content.decode()
    assert 'class="pull-quote"' in preview and 'class="fact-box"' in preview


@pytest.fixture
def site_url(settings):
    settings.SITE_URL = "https://news.example.org"


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_feeds_carry_the_blocks_as_plain_html(client, site_url, make_article, block_body, other_story, kind):
    body, photo = block_body
    make_article(headline="Pier story", body=body)
    feed = feedparser.parse(client.get(f"/feeds/{kind}/").content)
    assert not feed.bozo
    entry = next(e for e in feed.entries if e.title == "Pier story")
    html = entry.content[0].value
    assert "<blockquote><p>We will <em>rebuild</em> it</p><p>— Ana Ruiz, mayor</p></blockquote>" in html
    assert 'src="https://news.example.org/media/renditions/' in html and '/original-960.jpg"' in html
    assert "<figcaption>The old pier at dawn (Photo: Harbour Agency)</figcaption></figure>" in html
    assert (
        f'<p>Read more: <a href="https://news.example.org{other_story.get_absolute_url()}">'
        "Ferry timetable changes</a></p>"
    ) in html
    assert "<h3>The pier</h3><ul><li>Built 1902</li><li>310 m long</li></ul>" in html
    assert '<p><a href="https://youtu.be/dQw4w9WgXcQ">YouTube: Pier film</a></p>' in html
    assert "data-block" not in html and "embed-consent" not in html and "<button" not in html


def test_a_feed_drops_a_read_more_to_an_unpublished_story(
    client, site_url, make_article, other_story, editor
):
    make_article(
        headline="Pier story",
        body=f'<p>Text.</p><aside data-block="readmore" data-story-id="{other_story.pk}"></aside>',
    )
    workflow.unpublish(article=other_story, user=editor)
    feed = feedparser.parse(client.get("/feeds/rss/").content)
    entry = next(e for e in feed.entries if e.title == "Pier story")
    # The standfirst leads the feed's full text; the read-more to an unpublished story is gone.
    assert entry.content[0].value == "<p><strong>A standfirst.</strong></p><p>Text.</p>"


@pytest.mark.parametrize("count", [1, 10])
def test_a_feed_reads_block_photos_and_stories_in_one_query_each(
    client, site_url, django_assert_max_num_queries, make_article, make_photo, count
):
    for i in range(count):
        photo, other = make_photo(), make_article(headline=f"Other {i}")
        make_article(
            body=f'<figure data-block="photo" data-photo-id="{photo.pk}"></figure>'
            f'<aside data-block="readmore" data-story-id="{other.pk}"></aside>'
        )
    client.get("/")  # fills the site-context cache
    # The feed's own budget (tests/public/test_feeds.py: 4) plus the blocks' photos and stories.
    with django_assert_max_num_queries(6):
        body = client.get("/feeds/rss/").content.decode()
    assert body.count("Read more: ") == count
