"""Wire ingest in the audit log: each item that lands or changes is one row by the feed, whether the
worker's scheduler step polled it or an editor asked for a poll."""

import pytest

from articles import scheduler as schedule
from articles.models import WireItem
from articles.wire import polling
from newsroom.audit.models import AuditEntry
from tests.background import Answer
from tests.wire import feeds

pytestmark = pytest.mark.django_db


def wire_rows():
    return list(AuditEntry.objects.filter(object_type="articles.wireitem").order_by("id"))


def test_the_workers_poll_logs_each_new_item_once_by_its_feed(feed_server, make_feed):
    feed_server.answers["/rss"] = Answer(
        feeds.rss([("w-1", "Port strike ends", "<p>x</p>", "", []), ("w-2", "Floods", "<p>y</p>", "", [])])
    )
    feed = make_feed("/rss", name="Reuters world")
    assert schedule.tick() is True  # the worker's step: polls what is due, through the task queue
    rows = wire_rows()
    assert [r.action for r in rows] == ["wireitem.ingest", "wireitem.ingest"]
    assert {r.actor_label for r in rows} == {"system: wire feed Reuters world"} and rows[0].actor_id is None
    assert {r.object_id for r in rows} == {str(pk) for pk in WireItem.objects.values_list("pk", flat=True)}
    feed.refresh_from_db()
    polling.poll(feed)  # the same items again: nothing changed, nothing logged
    assert len(wire_rows()) == 2


def test_a_new_version_of_an_item_is_one_update_row(feed_server, make_feed):
    feed_server.answers["/rss"] = Answer(feeds.rss([("v-1", "Talks open", "<p>first</p>", "", [])]))
    feed = make_feed("/rss")
    polling.poll(feed)
    feed_server.answers["/rss"] = Answer(feeds.rss([("v-1", "Talks collapse", "<p>second</p>", "", [])]))
    feed.refresh_from_db()
    polling.poll(feed)
    assert [r.action for r in wire_rows()] == ["wireitem.ingest", "wireitem.update"]
    assert wire_rows()[1].summary.startswith("Version 2 from")
