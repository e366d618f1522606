"""What readers see of each block, read-mores resolved when the page is rendered, in bounded queries."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from articles.models import Article, Photo
from articles.publishing import editing, workflow

pytestmark = pytest.mark.django_db


def page(article) -> str:
    response = Client().get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def body_of(html: str) -> str:
    return html.split('<div class="story-body">', 1)[1].split("</div>\n", 1)[0]


def readmore(story) -> str:
    return f'<aside data-block="readmore" data-story-id="{story.pk}"></aside>'


def test_each_block_renders_for_readers(make_article, block_body, other_story):
    body, photo = block_body
    html = body_of(page(make_article(body=body)))
    assert (
        '<figure class="pull-quote"><blockquote><p>We will <em>rebuild</em> it</p></blockquote>'
        "<figcaption>Ana Ruiz, mayor</figcaption></figure>"
    ) in html
    # The library's photo: responsive renditions, its caption and credit.
    assert '<figure class="figure">' in html and 'type="image/webp" srcset="' in html
    assert f'alt="{photo.alt_text}"' in html and 'loading="lazy"' in html
    assert 'The old pier at dawn <span class="credit">(Photo: Harbour Agency)</span>' in html
    assert (
        f'<p class="read-more"><a href="{other_story.get_absolute_url()}"><img class="read-more-photo"'
        in html
    )
    assert '<span class="read-more-headline">Ferry timetable changes</span>' in html
    assert (
        '<aside class="fact-box" aria-labelledby="fact-box-1"><h2 id="fact-box-1">The pier</h2>'
        "<ul><li>Built 1902</li><li>310 m long</li></ul></aside>"
    ) in html
    assert 'data-embed-src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"' in html
    assert "data-block" not in html and "<!--" not in html


def test_a_photo_block_may_carry_its_own_caption(make_article, make_photo):
    photo = make_photo(caption="Library caption", credit_text="J. Doe")
    caption = "<figcaption>For this story</figcaption>"
    body = f'<figure data-block="photo" data-photo-id="{photo.pk}">{caption}</figure>'
    html = body_of(page(make_article(body=body)))
    assert '<figcaption>For this story <span class="credit">(Photo: J. Doe)</span></figcaption>' in html
    assert "Library caption" not in html


def test_a_renamed_story_shows_its_new_headline_even_from_stored_fragments(
    settings, make_article, other_story, editor
):
    settings.FRAGMENT_CACHE_SECONDS = 300
    article = make_article(body=f"<p>Text.</p>{readmore(other_story)}")
    assert "Ferry timetable changes" in page(article)
    other_story.headline = "Ferry timetable changes again"
    editing.save_edit(article=other_story, user=editor)
    html = page(article)
    assert "Ferry timetable changes again" in html


@pytest.mark.parametrize("how", ["unpublished", "scheduled", "trashed", "deleted"])
def test_a_read_more_to_a_story_readers_cannot_see_leaves_nothing(make_article, other_story, editor, how):
    article = make_article(body=f"<p>Text.</p>{readmore(other_story)}<p>More.</p>")
    if how == "unpublished":
        workflow.unpublish(article=other_story, user=editor)
    elif how == "scheduled":
        Article.objects.filter(pk=other_story.pk).update(published_at=timezone.now() + timedelta(days=1))
    elif how == "trashed":
        workflow.trash(article=other_story, user=editor)
    else:
        Article.objects.filter(pk=other_story.pk).delete()
    html = body_of(page(article))
    assert html.strip() == "<p>Text.</p><p>More.</p>"


def test_a_photo_deleted_since_leaves_the_story_readable(make_article, make_photo):
    photo = make_photo()
    article = make_article(body=f'<p>One.</p><figure data-block="photo" data-photo-id="{photo.pk}"></figure>')
    Photo.objects.filter(pk=photo.pk).delete()
    assert body_of(page(article)).strip() == "<p>One.</p>"


def test_unknown_figures_and_asides_render_their_content_only(make_article):
    html = body_of(page(make_article(body="<figure><p>Loose</p></figure><aside><p>Side</p></aside>")))
    assert html.strip() == "<p>Loose</p><p>Side</p>"


def test_fact_boxes_have_unique_headings(make_article):
    box = '<aside data-block="factbox"><h2>{}</h2><p>Text</p></aside>'
    html = page(make_article(body=box.format("One") + box.format("Two")))
    assert re.findall(r'id="(fact-box-\d)"', html) == ["fact-box-1", "fact-box-2"]


def _story_with(count, make_article, make_photo):
    photos = [make_photo() for _ in range(count)]
    others = [make_article(headline=f"Other {i}", lead_photo=make_photo()) for i in range(count)]
    body = "".join(
        f'<p>Para {i}.</p><figure data-block="photo" data-photo-id="{photo.pk}"></figure>{readmore(other)}'
        '<figure data-block="pullquote"><blockquote><p>Quote</p></blockquote></figure>'
        '<aside data-block="factbox"><h2>Facts</h2><p>Fact</p></aside><p>https://youtu.be/dQw4w9WgXcQ</p>'
        for i, (photo, other) in enumerate(zip(photos, others, strict=True))
    )
    return make_article(body=body)


@pytest.mark.parametrize("count", [1, 6])
def test_a_story_reads_every_block_photo_and_story_in_one_query_each(
    client, django_assert_max_num_queries, make_article, make_photo, count
):
    article = _story_with(count, make_article, make_photo)
    client.get("/")  # fills the site-context cache
    # The story page's own budget (tests/public/test_query_counts.py: 9) plus photos and read-mores, and
    # keeping the markup and the related stories' cards it rendered (articles/markup/).
    with django_assert_max_num_queries(13):
        html = client.get(article.get_absolute_url()).content.decode()
    assert html.count('<p class="read-more">') == count and html.count('class="pull-quote"') == count


@pytest.mark.parametrize("count", [1, 6])
def test_from_stored_fragments_read_mores_cost_one_query(
    client, settings, django_assert_num_queries, make_article, make_photo, count
):
    settings.FRAGMENT_CACHE_SECONDS = 300
    article = _story_with(count, make_article, make_photo)
    client.get(article.get_absolute_url())
    # Routing, and the read-more stories as they are now.
    with django_assert_num_queries(2):
        html = client.get(article.get_absolute_url()).content.decode()
    assert html.count('<p class="read-more">') == count
