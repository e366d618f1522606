"""What readers see of a live story: order, pin, key events, corrections, the end, JSON-LD, pages."""

import json
import re

import pytest

from articles.live import services
from articles.models import Article

pytestmark = pytest.mark.django_db


def json_ld(html: str) -> list[dict]:
    [payload] = re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)
    return json.loads(payload)


def entry_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<article class="live-entry[^"]*" id="entry-(\d+)"', html)]


def test_entries_are_newest_first_with_the_pinned_one_on_top(client, live_story, post, editor):
    first, second, third = (post(live_story, f"<p>Entry {n}</p>") for n in range(3))
    services.set_flags(entry=first, user=editor, pinned=True)
    html = client.get(live_story.get_absolute_url()).content.decode()
    assert entry_ids(html) == [first.pk, third.pk, second.pk]
    assert f'class="live-entry live-entry--pinned" id="entry-{first.pk}"' in html
    assert "Pinned" in html


def test_pinning_another_entry_unpins_the_first(live_story, post, editor):
    first, second = post(live_story, pinned=True), post(live_story)
    services.set_flags(entry=second, user=editor, pinned=True)
    first.refresh_from_db()
    assert not first.pinned and live_story.live_entries.filter(pinned=True).get() == second


def test_key_events_link_to_their_entries(client, live_story, post):
    post(live_story, "<p>Ordinary</p>")
    key = post(
        live_story,
        "<p>The river burst its banks at the old bridge.</p>",
        title="River bursts",
        key_event=True,
    )
    html = client.get(live_story.get_absolute_url()).content.decode()
    events = html.split('class="live-key-events"')[1].split("</nav>")[0]
    assert f'href="#entry-{key.pk}"' in events and "River bursts" in events
    assert events.count("<li>") == 1


def test_key_events_without_a_title_use_the_first_words(client, live_story, post):
    post(live_story, "<p>Evacuation ordered for three districts near the coast tonight</p>", key_event=True)
    html = client.get(live_story.get_absolute_url()).content.decode()
    assert "Evacuation ordered for three districts" in html.split("live-key-events")[1]


def test_no_key_events_hides_the_list(client, live_story, post):
    post(live_story)
    html = client.get(live_story.get_absolute_url()).content.decode()
    assert re.search(r'<nav class="live-key-events"[^>]*hidden', html)


def test_a_correction_shows_its_note_and_keeps_the_old_text(client, live_story, post, editor):
    entry = post(live_story, "<p>Forty people were rescued.</p>")
    services.correct_entry(entry=entry, user=editor, body="<p>Fourteen people were rescued.</p>",
                           note="This entry said forty people were rescued; it was fourteen.")  # fmt: skip
    html = client.get(live_story.get_absolute_url()).content.decode()
    assert "Fourteen people were rescued." in html and "Forty people" not in html
    assert "This entry said forty people were rescued; it was fourteen." in html
    edit = entry.edits.get()
    assert (edit.action, edit.body, edit.user) == ("correct", "<p>Forty people were rescued.</p>", editor)


def test_a_withdrawn_entry_leaves_the_page(client, live_story, post, editor):
    kept, withdrawn = post(live_story, "<p>Kept</p>"), post(live_story, "<p>Mistaken report</p>")
    services.withdraw_entry(entry=withdrawn, user=editor, note="Unconfirmed")
    html = client.get(live_story.get_absolute_url()).content.decode()
    assert entry_ids(html) == [kept.pk] and "Mistaken report" not in html
    withdrawn.refresh_from_db()
    assert withdrawn.status == "withdrawn"  # kept for the record


def test_the_end_is_announced_and_the_page_stops_following(client, live_story, post, editor):
    post(live_story)
    html = client.get(live_story.get_absolute_url()).content.decode()
    assert "data-live-endpoint" in html and "Live coverage has ended" not in html
    services.end_coverage(article=live_story, user=editor)
    html = client.get(live_story.get_absolute_url()).content.decode()
    assert "Live coverage has ended" in html and "data-live-endpoint" not in html


def test_entries_render_photo_embed_author_and_sanitised_body(
    client, live_story, post, make_photo, make_author, editor
):
    byline = make_author(name="Maya Lindqvist", user=editor)
    photo = make_photo(alt_text="Flooded street", caption="Water in the high street")
    post(live_story, '<p>Look<script>alert(1)</script> <a href="javascript:x()">here</a></p>',
         photo=photo, embed_url="https://www.youtube.com/watch?v=abc123")  # fmt: skip
    html = client.get(live_story.get_absolute_url()).content.decode()
    section = html.split('class="live"')[1]
    assert "<script>alert" not in section and "javascript:" not in section
    assert 'alt="Flooded street"' in section and "Water in the high street" in section
    assert 'href="https://www.youtube.com/watch?v=abc123"' in section
    assert "Maya Lindqvist" in section and byline.pk


def test_live_blog_posting_json_ld(client, live_story, post, editor):
    entry = post(live_story, "<p>Winds of 140 km/h.</p>", title="Landfall")
    data = json_ld(client.get(live_story.get_absolute_url()).content.decode())
    story = next(item for item in data if item.get("@type") == "LiveBlogPosting")
    assert "coverageStartTime" in story and "coverageEndTime" not in story
    [update] = story["liveBlogUpdate"]
    assert update["@type"] == "BlogPosting" and update["headline"] == "Landfall"
    assert update["url"].endswith(f"{live_story.get_absolute_url()}#entry-{entry.pk}")
    assert update["articleBody"] == "Winds of 140 km/h."
    services.end_coverage(article=live_story, user=editor)
    story = json_ld(client.get(live_story.get_absolute_url()).content.decode())[0]
    assert story["coverageEndTime"]


def test_an_ordinary_story_stays_a_news_article(client, make_article):
    story = make_article()
    html = client.get(story.get_absolute_url()).content.decode()
    assert json_ld(html)[0]["@type"] == "NewsArticle" and 'class="live"' not in html and "live.js" not in html


def test_a_new_entry_moves_the_story_modified_time(live_story, post):
    before = Article.objects.get(pk=live_story.pk)
    entry = post(live_story)
    after = Article.objects.get(pk=live_story.pk)
    assert after.revised_at >= entry.published_at and after.modified_at > before.modified_at
    assert after.updated_at > before.updated_at


def test_older_entries_are_on_later_pages_and_key_events_link_there(client, live_story, post):
    old_key = post(live_story, "<p>First</p>", title="Opening key event", key_event=True)
    for n in range(55):
        post(live_story, f"<p>Entry {n}</p>")
    first = client.get(live_story.get_absolute_url()).content.decode()
    assert len(entry_ids(first)) == 50 and old_key.pk not in entry_ids(first)
    assert f'href="?page=2#entry-{old_key.pk}"' in first and 'rel="next"' in first
    second = client.get(live_story.get_absolute_url() + "?page=2").content.decode()
    assert old_key.pk in entry_ids(second) and len(entry_ids(second)) == 6
    assert "data-live-endpoint" not in second  # an older page does not follow new entries
    assert f'href="#entry-{old_key.pk}"' in second


@pytest.mark.parametrize("page", ["3", "0", "x", "-1", "1.5"])
def test_a_page_of_entries_that_does_not_exist_is_a_404(client, live_story, post, page):
    post(live_story)
    assert client.get(live_story.get_absolute_url(), {"page": page}).status_code == 404


def test_html_escapes_in_json_ld_survive(client, live_story, post):
    post(live_story, "<p>a &lt;/script&gt; b</p>", title="</script><b>x</b>")
    html = client.get(live_story.get_absolute_url()).content.decode()
    assert "</script><b>" not in html
    assert json_ld(html)[0]["liveBlogUpdate"][0]["headline"] == "</script><b>x</b>"
