"""What editors see of reads: a story's own (today, in all, by hour, where readers came from) and the
desk's "doing well now", each in a bounded number of queries."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import ReadSource, StoryReads

pytestmark = pytest.mark.django_db


def hour(back=0):
    return timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(hours=back)


def change_page(client, story):
    response = client.get(reverse("admin:articles_article_change", args=[story.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_storys_page_shows_its_reads(editor_client, make_article):
    story = make_article()
    StoryReads.objects.create(article=story, hour=hour(), reads=7)
    StoryReads.objects.create(article=story, hour=hour(5), reads=3)
    StoryReads.objects.create(article=story, hour=hour(24 * 10), reads=100)
    ReadSource.objects.create(article=story, day=date.today(), source="search", domain="google", reads=6)
    ReadSource.objects.create(article=story, day=date.today(), source="newsletter", domain="daily", reads=4)
    html = change_page(editor_client, story)
    section = html[html.index('id="reads"') :]
    assert "<strong>10</strong> in the last 24 hours" in section and "<strong>110</strong> in all" in section
    assert section.count("<rect ") == 24 and "<title>" in section
    assert '<th scope="row">Search engine</th><td>google</td><td>6</td>' in section
    assert '<th scope="row">Newsletter</th><td>daily</td><td>4</td>' in section
    assert "<script" not in section


def test_a_story_never_read_says_so(editor_client, make_article):
    html = change_page(editor_client, make_article())
    section = html[html.index('id="reads"') :]
    section = section[: section.index("</section>")]
    assert "No reads counted yet." in section and "<svg" not in section


def test_a_draft_has_no_reads_panel(editor_client, make_article):
    from articles.models import Article

    html = change_page(editor_client, make_article(status=Article.Status.DRAFT, published_at=None))
    assert 'id="reads"' not in html


def test_the_reads_panel_costs_two_queries_however_many_hours(
    editor_client, make_article, django_assert_num_queries
):
    story = make_article()
    change_page(editor_client, story)
    with CaptureQueriesContext(connection) as before:
        change_page(editor_client, story)
    for n in range(24):
        StoryReads.objects.create(article=story, hour=hour(n), reads=n + 1)
        ReadSource.objects.create(
            article=story, day=date.today(), source="other", domain=f"site{n}.example", reads=1
        )
    with django_assert_num_queries(len(before.captured_queries)):
        html = change_page(editor_client, story)
    assert html.count("<rect ") == 24


def test_the_desk_shows_what_is_doing_well_now(editor_client, make_article):
    from articles.models import Article

    rising, steady = make_article(headline="Rising story"), make_article(headline="Steady story")
    hidden = make_article(headline="Withdrawn story", status=Article.Status.UNPUBLISHED)
    StoryReads.objects.create(article=rising, hour=hour(), reads=50)
    StoryReads.objects.create(article=rising, hour=hour(1), reads=5)
    StoryReads.objects.create(article=steady, hour=hour(), reads=20)
    StoryReads.objects.create(article=steady, hour=hour(1), reads=30)
    StoryReads.objects.create(article=hidden, hour=hour(), reads=99)
    html = editor_client.get(reverse("admin:index")).content.decode()
    panel = html[html.index('id="desk-doing-well"') :]
    panel = panel[: panel.index("</section>")]
    assert panel.index("Rising story") < panel.index("Steady story")
    assert '<td>50 <span class="desk-rising"' in panel and "<td>20</td>" in panel
    assert "Withdrawn story" not in panel


def test_the_desk_panel_is_empty_without_reads(editor_client):
    html = editor_client.get(reverse("admin:index")).content.decode()
    assert "No reads counted this hour yet." in html
