"""The flush moves each count from the cache into the database exactly once: run twice, run at once with
another, or killed halfway."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from articles.caching import counters
from articles.models import ReadFlush, ReadSource, StoryReads
from articles.readership import flush
from articles.scheduler import tick
from tests.helpers import DEAD_REDIS

pytestmark = pytest.mark.django_db


def totals():
    return dict(StoryReads.objects.values_list("article_id", "reads"))


def test_running_the_flush_twice_moves_each_read_once(send, make_article, flushed, redis):
    story = make_article()
    send(story)
    send(story, REMOTE_ADDR="198.51.100.1")
    assert flushed() == 2
    assert flushed() == 0
    assert totals() == {story.pk: 2}
    send(story, REMOTE_ADDR="198.51.100.2")
    assert flushed() == 1
    assert totals() == {story.pk: 3}
    assert ReadSource.objects.get(article=story).reads == 3


def test_reads_land_in_their_hour(send, make_article, flushed, redis, monkeypatch):
    story = make_article()
    ten = datetime(2026, 12, 7, 10, 59, 59, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: ten)
    send(story)
    monkeypatch.setattr(timezone, "now", lambda: ten + timedelta(seconds=2))
    send(story, REMOTE_ADDR="198.51.100.3")
    flushed(now=ten + timedelta(hours=1))
    assert list(StoryReads.objects.order_by("hour").values_list("hour", "reads")) == [
        (ten.replace(minute=0, second=0), 1),
        (ten.replace(hour=11, minute=0, second=0), 1),
    ]


def test_a_flush_killed_before_its_commit_is_finished_by_the_next(
    send, make_article, flushed, redis, monkeypatch
):
    story = make_article()
    send(story)

    def die(name):
        raise SystemExit("worker killed")

    monkeypatch.setattr(flush, "_apply", die)
    with pytest.raises(SystemExit):
        flush.flush()
    assert totals() == {}
    assert len(counters.pending(flush.REGISTRY)) == 2  # renamed, not lost
    monkeypatch.undo()
    assert flushed() == 1
    assert totals() == {story.pk: 1}
    assert counters.pending(flush.REGISTRY) == []


def test_a_flush_killed_after_its_commit_does_not_count_again(
    send, make_article, flushed, redis, monkeypatch
):
    story = make_article()
    send(story)
    monkeypatch.setattr(counters, "drop", lambda *args, **kwargs: None)  # killed before dropping the hashes
    assert flushed() == 1
    assert len(counters.pending(flush.REGISTRY)) == 2
    monkeypatch.undo()
    assert flushed() == 0
    assert totals() == {story.pk: 1}
    assert counters.pending(flush.REGISTRY) == []


def test_two_flushes_applying_the_same_batch_count_it_once(send, make_article, redis):
    story = make_article()
    send(story)
    moved = counters.take(
        {"reads:h:" + flush.hour_of(timezone.now()): "reads:moving:x:h:2026120710"}, registry=flush.REGISTRY
    )
    assert moved == ["reads:moving:x:h:2026120710"]
    # Two workers found it in the registry at once: the second waits on the first's row and skips it.
    assert flush._apply(moved[0]) == 1
    assert flush._apply(moved[0]) == 0
    assert totals() == {story.pk: 1}
    assert ReadFlush.objects.filter(batch=moved[0]).count() == 1


def test_the_scheduler_step_enqueues_one_flush_per_interval(send, make_article, redis, commit):
    story = make_article()
    send(story)
    assert commit(tick)
    assert totals() == {story.pk: 1}
    send(story, REMOTE_ADDR="198.51.100.4")
    assert commit(tick)  # not due again yet: the count waits in Redis
    assert totals() == {story.pk: 1}
    assert flush.flush() == 1


def test_with_redis_down_the_flush_moves_nothing_and_fails_nothing(make_article):
    with override_settings(CACHES=DEAD_REDIS):
        assert flush.flush() == 0
        assert not flush.enqueue_if_due()
