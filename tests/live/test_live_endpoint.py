"""The endpoint live.js polls: what changed since a count, 304 when nothing did, short cache headers."""

import pytest

from articles.live import services
from articles.models import Article

pytestmark = pytest.mark.django_db


def url(story, after=0):
    return f"/live/{story.pk}/entries?after={after}"


def test_new_entries_since_the_count(client, live_story, post):
    page = client.get(live_story.get_absolute_url()).content.decode()
    seq = int(page.split('data-live-seq="')[1].split('"')[0])
    entry = post(live_story, "<p>Power cut across the north.</p>", title="Power cut")
    answer = client.get(url(live_story, seq))
    assert answer.status_code == 200 and answer["Content-Type"] == "application/json"
    data = answer.json()
    assert [item["id"] for item in data["entries"]] == [entry.pk]
    assert "Power cut across the north." in data["entries"][0]["html"]
    assert f'id="entry-{entry.pk}"' in data["entries"][0]["html"]
    assert data["seq"] > seq and data["ended"] is False


def test_nothing_new_is_a_304(client, live_story, post):
    post(live_story)
    seq = client.get(url(live_story)).json()["seq"]
    first = client.get(url(live_story, seq))
    assert first.status_code == 200 and first.json()["entries"] == []
    again = client.get(url(live_story, seq), headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304


def test_a_new_entry_changes_the_answer_to_the_same_request(client, live_story, post):
    seq = client.get(url(live_story)).json()["seq"]
    etag = client.get(url(live_story, seq))["ETag"]
    post(live_story, "<p>Later</p>")
    answer = client.get(url(live_story, seq), headers={"If-None-Match": etag})
    assert answer.status_code == 200 and len(answer.json()["entries"]) == 1


def test_corrections_pins_and_withdrawals_reach_open_pages(client, live_story, post, editor):
    first, second = post(live_story, "<p>Ten</p>"), post(live_story, "<p>Rumour</p>")
    seq = client.get(url(live_story)).json()["seq"]
    services.correct_entry(entry=first, user=editor, body="<p>Eleven</p>", note="It was eleven.")
    services.set_flags(entry=first, user=editor, pinned=True, key_event=True)
    services.withdraw_entry(entry=second, user=editor)
    data = client.get(url(live_story, seq)).json()
    by_id = {item["id"]: item for item in data["entries"]}
    assert by_id[second.pk] == {"id": second.pk, "removed": True}
    assert by_id[first.pk]["pinned"] and "Eleven" in by_id[first.pk]["html"]
    assert "It was eleven." in by_id[first.pk]["html"]
    assert f'href="#entry-{first.pk}"' in data["key_events"]


def test_the_end_reaches_open_pages(client, live_story, post, editor):
    post(live_story)
    seq = client.get(url(live_story)).json()["seq"]
    services.end_coverage(article=live_story, user=editor)
    data = client.get(url(live_story, seq)).json()
    assert data["ended"] and "Live coverage has ended" in data["ended_html"]


def test_an_entry_waiting_for_approval_is_not_sent(client, live_story, reporter, post):
    seq = client.get(url(live_story)).json()["seq"]
    waiting = post(live_story, "<p>From the scene</p>", user=reporter)
    assert waiting.status == "pending"
    assert client.get(url(live_story, seq)).json()["entries"] == []


def test_short_cache_headers(client, live_story):
    response = client.get(url(live_story))
    assert "public" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]
    assert "s-maxage=1" in response["Cache-Control"]


def test_a_story_that_is_not_live_is_a_404(client, make_article, live_story, editor):
    assert client.get(url(make_article())).status_code == 404
    assert client.get("/live/999999/entries?after=0").status_code == 404
    Article.objects.filter(pk=live_story.pk).update(status=Article.Status.UNPUBLISHED)
    missing = client.get(url(live_story))
    assert missing.status_code == 404 and "max-age=0" in missing["Cache-Control"]


def test_a_draft_live_story_is_a_404(client, make_article, editor):
    draft = make_article(status=Article.Status.DRAFT)
    services.start_coverage(article=draft, user=editor)
    assert client.get(url(draft)).status_code == 404


@pytest.mark.parametrize("after", ["", "abc", "-1", "1.5", "١", "9" * 30, "1%00"])
def test_a_bad_count_is_a_400(client, live_story, after):
    response = client.get(f"/live/{live_story.pk}/entries?after={after}")
    assert response.status_code == 400 and "after" in response.json()["error"]


def test_a_missing_count_is_a_400(client, live_story):
    assert client.get(f"/live/{live_story.pk}/entries").status_code == 400


def test_too_many_changes_ask_for_a_reload(client, live_story, post):
    for _ in range(101):
        post(live_story)
    assert client.get(url(live_story)).json()["reload"] is True


def test_nothing_new_costs_one_query(client, live_story, post, django_assert_num_queries):
    post(live_story)
    seq = client.get(url(live_story)).json()["seq"]
    with django_assert_num_queries(1):
        client.get(url(live_story, seq))
