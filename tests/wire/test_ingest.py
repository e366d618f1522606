"""Wire ingest against fixture feeds served on loopback: each format lands once, later versions update, and
the scheduler step (run by every worker) polls what is due."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles import scheduler as schedule
from articles.models import WireFeed, WireItem
from articles.wire import polling
from tests.background import Answer
from tests.wire import feeds

pytestmark = pytest.mark.django_db
Format = WireFeed.Format


def test_rss_items_land_once(feed_server, make_feed):
    feed_server.answers["/rss"] = Answer(
        feeds.rss(
            [
                ("r-1", "Port strike ends", "<p>Dockers return.</p>", "", ["Labour"]),
                ("r-2", "Rain in the north", "<p>Floods.</p>", "", []),
            ]
        ),  # fmt: skip
        headers={"Content-Type": "application/rss+xml"},
    )
    feed = make_feed("/rss")
    assert polling.poll(feed) == (2, 0)
    feed.refresh_from_db()
    assert polling.poll(feed) == (0, 0)  # the same items again: nothing new, nothing updated
    items = WireItem.objects.order_by("guid")
    assert [(i.guid, i.headline, i.version) for i in items] == [
        ("r-1", "Port strike ends", 1),
        ("r-2", "Rain in the north", 1),
    ]
    first = items[0]
    assert first.source.name == "Reuters" and first.feed == feed
    assert first.summary == "Summary of Port strike ends"
    assert first.body == "<p>Dockers return.</p>"
    assert first.subjects == ["Labour"]
    assert first.link == "https://agency.example/r-1"
    feed.refresh_from_db()
    assert feed.last_success_at is not None and feed.last_error == "" and feed.failures == 0


def test_the_same_item_from_two_feeds_of_the_agency_lands_once(feed_server, make_feed):
    body = feeds.rss([("shared-1", "Summit opens", "<p>Leaders meet.</p>", "", [])])
    feed_server.answers["/world"] = feed_server.answers["/top"] = Answer(body)
    polling.poll(make_feed("/world"))
    polling.poll(make_feed("/top"))
    assert WireItem.objects.count() == 1


def test_atom_items_land_with_their_media_content_picture(feed_server, make_feed):
    feed_server.answers["/atom"] = Answer(
        feeds.atom(
            [
                (
                    "urn:agency:a1",
                    "Quake hits coast",
                    "<p>A strong quake.</p>",
                    "https://img.agency.example/a1.jpg",
                    ["Disasters", "Asia"],
                    "2026-11-29T09:00:00Z",
                ),
            ]
        ),  # fmt: skip
        headers={"Content-Type": "application/atom+xml"},
    )
    assert polling.poll(make_feed("/atom", Format.ATOM)) == (1, 0)
    item = WireItem.objects.get()
    assert item.guid == "urn:agency:a1"
    assert item.picture_url == "https://img.agency.example/a1.jpg"
    assert item.subjects == ["Disasters", "Asia"]
    assert item.body == "<p>A strong quake.</p>"
    assert item.sent_at.isoformat() == "2026-11-29T09:00:00+00:00"


@pytest.mark.parametrize("make_item", [feeds.ninjs1, feeds.ninjs2], ids=["ninjs-1.x", "ninjs-2.x"])
def test_ninjs_items_land_with_picture_subjects_and_version(feed_server, make_feed, make_item):
    item = make_item("urn:agency:n1", "Harbour reopens", version=3, picture="https://img.agency.example/n1.jpg",
                     subjects=["Economy", "Transport"])  # fmt: skip
    feed_server.answers["/ninjs"] = Answer(
        feeds.as_json([item]), headers={"Content-Type": "application/json"}
    )
    feed = make_feed("/ninjs", Format.NINJS)
    assert polling.poll(feed) == (1, 0)
    assert polling.poll(feed) == (0, 0)
    stored = WireItem.objects.get()
    assert (stored.guid, stored.headline, stored.version) == ("urn:agency:n1", "Harbour reopens", 3)
    assert stored.summary == "Summary of Harbour reopens"
    assert stored.subjects == ["Economy", "Transport"]
    assert stored.picture_url == "https://img.agency.example/n1.jpg"  # the original, not the thumbnail
    assert stored.picture_caption and stored.picture_credit
    assert "<script" not in stored.body and "Harbour reopens" in stored.body


def test_a_ninjs_list_without_an_envelope_and_a_single_item_are_read(feed_server, make_feed):
    import json

    feed_server.answers["/list"] = Answer(json.dumps([feeds.ninjs2("urn:x:1", "One")]).encode())
    feed_server.answers["/single"] = Answer(json.dumps(feeds.ninjs1("urn:x:2", "Two")).encode())
    assert polling.poll(make_feed("/list", Format.NINJS)) == (1, 0)
    assert polling.poll(make_feed("/single", Format.NINJS)) == (1, 0)


def test_a_later_version_updates_the_item_and_an_older_one_does_not(feed_server, make_feed):
    feed = make_feed("/ninjs", Format.NINJS)
    feed_server.answers["/ninjs"] = Answer(feeds.as_json([feeds.ninjs2("urn:v:1", "Talks begin", version=2)]))
    polling.poll(feed)
    feed_server.answers["/ninjs"] = Answer(feeds.as_json([feeds.ninjs2("urn:v:1", "Talks stall", version=3)]))
    assert polling.poll(feed) == (0, 1)
    feed_server.answers["/ninjs"] = Answer(feeds.as_json([feeds.ninjs2("urn:v:1", "Talks begin", version=1)]))
    assert polling.poll(feed) == (0, 0)
    item = WireItem.objects.get()
    assert (item.headline, item.version) == ("Talks stall", 3)
    assert WireItem.objects.count() == 1


def test_an_rss_item_whose_text_changed_is_a_new_version(feed_server, make_feed):
    feed = make_feed("/rss")
    feed_server.answers["/rss"] = Answer(
        feeds.rss([("r-9", "Fire at depot", "<p>Crews attend.</p>", "", [])])
    )
    polling.poll(feed)
    feed_server.answers["/rss"] = Answer(feeds.rss([("r-9", "Fire at depot", "<p>Fire is out.</p>", "", [])]))
    assert polling.poll(feed) == (0, 1)
    item = WireItem.objects.get()
    assert item.version == 2 and item.body == "<p>Fire is out.</p>"


def test_conditional_get_sends_the_etag_and_a_304_changes_nothing(feed_server, make_feed):
    feed_server.answers["/rss"] = Answer(
        feeds.rss([("c-1", "First", "<p>x</p>", "", [])]),
        etag='"v1"',
        headers={"Last-Modified": "Sun, 29 Nov 2026 10:00:00 GMT"},
    )
    feed = make_feed("/rss")
    polling.poll(feed)
    feed.refresh_from_db()
    assert (feed.etag, feed.last_modified) == ('"v1"', "Sun, 29 Nov 2026 10:00:00 GMT")
    assert polling.poll(feed) == (0, 0)
    second = feed_server.seen[-1]
    assert second.headers["If-None-Match"] == '"v1"'
    assert second.headers["If-Modified-Since"] == "Sun, 29 Nov 2026 10:00:00 GMT"
    feed.refresh_from_db()
    assert feed.last_error == "" and WireItem.objects.count() == 1


def test_the_scheduler_step_polls_due_active_feeds_once(feed_server, make_feed):
    feed_server.answers["/due"] = Answer(feeds.rss([("d-1", "Due", "<p>x</p>", "", [])]))
    feed_server.answers["/later"] = Answer(feeds.rss([("l-1", "Later", "<p>x</p>", "", [])]))
    feed_server.answers["/off"] = Answer(feeds.rss([("o-1", "Off", "<p>x</p>", "", [])]))
    due = make_feed("/due")
    make_feed("/later").__class__.objects.filter(url__endswith="/later").update(
        next_poll_at=timezone.now() + timedelta(minutes=3)
    )
    make_feed("/off", active=False)
    assert schedule.tick() is True
    assert list(WireItem.objects.values_list("guid", flat=True)) == ["d-1"]
    due.refresh_from_db()
    assert due.next_poll_at > timezone.now()
    # Polled: not due again until its interval has passed.
    assert schedule.tick() is True
    assert [s.path for s in feed_server.seen] == ["/due"]


def test_poll_now_in_the_admin_polls_the_selected_feeds(feed_server, make_feed, client, editor):
    from django.urls import reverse

    feed_server.answers["/rss"] = Answer(feeds.rss([("n-1", "Polled on demand", "<p>x</p>", "", [])]))
    feed = make_feed("/rss")
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_wirefeed_changelist"),
        {"action": "poll_now", "_selected_action": [feed.pk]},
        follow=True,
    )
    assert "1 feed(s) queued for polling." in response.content.decode()
    assert WireItem.objects.get().headline == "Polled on demand"


def test_a_malformed_ninjs_item_is_skipped_and_the_others_land(feed_server, make_feed):
    good = feeds.ninjs2("urn:ok:1", "Fine item")
    bad = {
        **feeds.ninjs1("urn:bad:1", "Bad item"),
        "description_text": {"not": "text"},
        "subject": "Politics",
    }
    feed_server.answers["/ninjs"] = Answer(feeds.as_json([bad, good]))
    assert polling.poll(make_feed("/ninjs", Format.NINJS)) == (1, 0)
    assert WireItem.objects.get().guid == "urn:ok:1"


def test_a_ninjs_embargo_and_editors_note_land_with_the_item_and_a_changed_embargo_is_a_new_version(
    feed_server, make_feed
):
    item = feeds.ninjs1("urn:agency:e1", "Budget leaks", version=1)
    item |= {"embargoed": "2031-01-05T09:30:00+01:00", "ednote": "Embargoed: do not publish early."}
    feed_server.answers["/embargo"] = Answer(feeds.as_json([item]))
    feed = make_feed("/embargo", Format.NINJS)
    assert polling.poll(feed) == (1, 0)
    stored = WireItem.objects.get()
    assert stored.embargoed_until.isoformat() == "2031-01-05T08:30:00+00:00"
    assert stored.editors_note == "Embargoed: do not publish early."
    # Lifted early, without a version number: the content changed, so the item is updated.
    item.pop("version")
    item["embargoed"] = "2030-12-31T00:00:00Z"
    feed_server.answers["/embargo"] = Answer(feeds.as_json([item]))
    assert polling.poll(feed) == (0, 1)
    assert WireItem.objects.get().embargoed_until.isoformat() == "2030-12-31T00:00:00+00:00"
    # Without its offset (both formats require one), read as UTC: an embargo does not vanish for it.
    item["embargoed"] = "2030-12-30T18:00:00"
    feed_server.answers["/embargo"] = Answer(feeds.as_json([item]))
    assert polling.poll(feed) == (0, 1)
    assert WireItem.objects.get().embargoed_until.isoformat() == "2030-12-30T18:00:00+00:00"
    # One that is not a time at all is dropped, and the rest of the item still lands.
    item["embargoed"] = "next Tuesday"
    feed_server.answers["/embargo"] = Answer(feeds.as_json([item]))
    assert polling.poll(feed) == (0, 1)
    assert WireItem.objects.get().embargoed_until is None
