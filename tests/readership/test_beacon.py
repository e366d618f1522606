"""The beacon through the real middleware: what counts as a read, and what it leaves behind."""

import json
import re

import pytest
from django.core import serializers
from django.test import override_settings

from articles.models import ReadFlush, ReadSource, StoryReads
from tests.helpers import DEAD_REDIS
from tests.readership.conftest import READER_IP

pytestmark = pytest.mark.django_db


def reads_of(story) -> int:
    return sum(StoryReads.objects.filter(article=story).values_list("reads", flat=True))


def test_a_beacon_counts_a_read(send, make_article, flushed):
    story = make_article()
    response = send(story)
    assert response.status_code == 204 and response["Cache-Control"] == "no-store"
    assert response.content == b""
    assert flushed() == 1
    assert reads_of(story) == 1


def test_the_beacon_is_counted_in_real_redis(send, make_article, flushed, redis):
    story, other = make_article(), make_article()
    send(story)
    send(other)
    send(other, HTTP_USER_AGENT="Mozilla/5.0 (Macintosh) Firefox/133.0")
    assert flushed() == 3
    assert (reads_of(story), reads_of(other)) == (1, 2)


@pytest.mark.parametrize(
    "agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0)",
        "facebookexternalhit/1.1",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/131.0 Safari/537.36",
        "curl/8.5.0",
        "python-requests/2.32",
        "",
    ],
)
def test_a_bot_is_not_counted(send, make_article, flushed, agent):
    story = make_article()
    assert send(story, HTTP_USER_AGENT=agent).status_code == 204
    flushed()
    assert reads_of(story) == 0


@pytest.mark.parametrize(
    "header",
    [
        {"HTTP_SEC_PURPOSE": "prefetch"},
        {"HTTP_SEC_PURPOSE": "prefetch;prerender"},
        {"HTTP_PURPOSE": "prefetch"},
    ],
)
def test_a_prefetch_is_not_counted(send, make_article, flushed, header):
    story = make_article()
    assert send(story, **header).status_code == 204
    flushed()
    assert reads_of(story) == 0


@pytest.mark.parametrize("site", ["cross-site", "same-site", "none"])
def test_a_beacon_from_another_site_is_not_counted(send, make_article, flushed, site):
    story = make_article()
    assert send(story, HTTP_SEC_FETCH_SITE=site).status_code == 204
    flushed()
    assert reads_of(story) == 0


def test_a_browser_without_fetch_metadata_is_counted(send, make_article, flushed):
    story = make_article()
    send(story, HTTP_SEC_FETCH_SITE=None)
    flushed()
    assert reads_of(story) == 1


@pytest.mark.parametrize("body", ["", "s=", "s=abc", "s=-4", "s=0", "s=" + "9" * 40, "r=x"])
def test_bad_input_is_answered_and_not_counted(client, body, flushed):
    response = client.post("/r/", data=body, content_type="text/plain", HTTP_USER_AGENT="Mozilla/5.0 Firefox")
    assert response.status_code == 204
    assert flushed() == 0


def test_a_story_that_does_not_exist_is_dropped_at_the_flush(send, flushed):
    send(10**12)
    flushed()
    assert not StoryReads.objects.exists()


def test_a_readers_repeat_reads_of_a_story_count_once_a_day(send, make_article, flushed, redis):
    story = make_article()
    for _ in range(3):
        send(story)
    send(story, REMOTE_ADDR="198.51.100.9")  # another reader
    flushed()
    assert reads_of(story) == 2


def test_repeat_reads_count_each_time_without_the_dedup(send, make_article, flushed, settings):
    settings.READS_DEDUP = False
    story = make_article()
    for _ in range(3):
        send(story)
    flushed()
    assert reads_of(story) == 3


def test_the_beacon_sets_no_cookie_and_reads_no_session(send, make_article, django_assert_num_queries):
    story = make_article()
    with django_assert_num_queries(0):
        response = send(story)
    assert response.cookies == {} and "Set-Cookie" not in response
    assert "Vary" not in response


def test_no_address_is_stored_in_redis_or_the_database(send, make_article, flushed, redis):
    story = make_article()
    send(story, referrer="https://www.google.com/", HTTP_X_FORWARDED_FOR=READER_IP)
    send(story, referrer="https://news.example.net/page", REMOTE_ADDR="2001:db8::77")
    everything = b" ".join(
        [key + b"=" + repr(redis.dump(key)).encode() for key in redis.keys(f"{redis.prefix}:*")]
    ).decode(errors="replace")
    assert redis.keys(f"{redis.prefix}:*:reads:seen:*")  # the dedup keys are there, as hashes
    assert READER_IP not in everything and "2001:db8" not in everything
    flushed()
    rows = [*StoryReads.objects.all(), *ReadSource.objects.all(), *ReadFlush.objects.all()]
    stored = serializers.serialize("json", rows)
    assert not re.search(r"\b\d{1,3}(\.\d{1,3}){3}\b|\b[0-9a-f]{1,4}(:[0-9a-f]{0,4}){2,7}\b", stored)
    assert {
        (r["fields"]["source"], r["fields"]["domain"]) for r in json.loads(stored) if "source" in r["fields"]
    } == {
        ("search", "google"),
        ("other", "news.example.net"),
    }


@pytest.mark.parametrize(
    ("referrer", "query", "source", "domain"),
    [
        ("", "", "direct", ""),
        ("https://www.google.co.uk/", "", "search", "google"),
        ("https://duckduckgo.com/", "", "search", "duckduckgo.com"),
        ("https://t.co/abc", "", "social", "t.co"),
        ("https://m.facebook.com/story", "", "social", "facebook.com"),
        ("https://www.example.org/a/b?c=d", "", "other", "example.org"),
        ("http://testserver/world/", "", "site", ""),
        ("", "?utm_source=daily&utm_medium=email", "newsletter", "daily"),
        ("https://mail.example.com/", "?nl=morning-briefing", "newsletter", "morning-briefing"),
    ],
)
def test_where_a_reader_came_from(send, make_article, flushed, referrer, query, source, domain):
    story = make_article()
    send(story, referrer=referrer, query=query.replace("&", "%26"))
    flushed()
    assert list(ReadSource.objects.values_list("source", "domain", "reads")) == [(source, domain, 1)]


def test_with_redis_down_the_beacon_still_answers(send, make_article, db):
    story = make_article()
    with override_settings(CACHES=DEAD_REDIS):
        response = send(story)
    assert response.status_code == 204 and response["Cache-Control"] == "no-store"


def test_a_get_is_not_the_beacon(client):
    assert client.get("/r/").status_code == 404
