"""A broken feed records its error and backs off; it never stops the others. Private addresses are refused
unless allowed; credentials are used but never shown or logged."""

import logging

import pytest
from django.urls import reverse

from articles import outbound
from articles import scheduler as schedule
from articles.models import WireFeed, WireItem
from articles.wire import polling
from tests.background import Answer
from tests.wire import feeds

pytestmark = pytest.mark.django_db
Format = WireFeed.Format
TOKEN = "tok-SECRET-7f3a9c"


def test_broken_feeds_are_contained_and_the_good_one_still_lands(feed_server, make_feed, settings):
    settings.OUTBOUND_TIMEOUT_SECONDS = 0.3
    settings.WIRE_MAX_BYTES = 4000
    feed_server.answers.update({
        "/bad-xml": Answer(b"<?xml version='1.0'?><rss version='2.0'><channel><item><title>Oops</channel>"),
        "/error": Answer(b"Internal error", 500),
        "/slow": Answer(feeds.rss([("s-1", "Slow", "<p>x</p>", "", [])]), delay=1.0),
        "/huge": Answer(feeds.rss([(f"h-{i}", "Huge " * 20, "<p>x</p>" * 20, "", []) for i in range(40)])),
        "/bad-json": Answer(b'{"items": [{"uri": "urn:x"'),
        "/good": Answer(feeds.rss([("g-1", "Good news", "<p>Fine.</p>", "", [])])),
    })  # fmt: skip
    expected = {
        "/bad-xml": "not valid XML",
        "/error": "HTTP 500",
        "/slow": "timed out",
        "/huge": "larger than 4000 bytes",
        "/bad-json": "not valid JSON",
    }
    for path in expected:
        make_feed(path, Format.NINJS if path == "/bad-json" else Format.RSS, name=f"A {path}")
    good = make_feed("/good", name="Z good")  # polled last
    assert schedule.tick() is True
    assert list(WireItem.objects.values_list("guid", flat=True)) == ["g-1"]
    good.refresh_from_db()
    assert good.last_error == "" and good.last_success_at is not None
    for path, error in expected.items():
        feed = WireFeed.objects.get(url=feed_server.url(path))
        assert error in feed.last_error, (path, feed.last_error)
        assert feed.failures == 1 and feed.last_success_at is None and feed.last_polled_at is not None


def test_a_failing_feed_keeps_its_last_success_and_backs_off(feed_server, make_feed):
    feed = make_feed("/rss", poll_minutes=5)
    feed_server.answers["/rss"] = Answer(feeds.rss([("b-1", "Fine", "<p>x</p>", "", [])]))
    polling.poll(feed)
    feed.refresh_from_db()
    succeeded = feed.last_success_at
    feed_server.answers["/rss"] = Answer(b"gone", 502)
    for failures in (1, 2, 3):
        polling.poll(feed)
        feed.refresh_from_db()
        assert feed.failures == failures
    assert feed.last_success_at == succeeded and "HTTP 502" in feed.last_error
    # 5, 10, then 20 minutes: the third failure waits four intervals.
    assert 19 * 60 < (feed.next_poll_at - feed.last_polled_at).total_seconds() <= 20 * 60


def test_private_addresses_are_refused_when_the_setting_is_off(feed_server, make_feed, settings):
    feed_server.answers["/rss"] = Answer(feeds.rss([("p-1", "Private", "<p>x</p>", "", [])]))
    feed = make_feed("/rss")
    settings.OUTBOUND_ALLOW_PRIVATE_ADDRESSES = False
    polling.poll(feed)
    feed.refresh_from_db()
    assert "refused" in feed.last_error and feed_server.seen == [] and WireItem.objects.count() == 0


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "localhost", "10.1.2.3", "192.168.0.10", "169.254.169.254", "::1", "::ffff:127.0.0.1",
     "fe80::1", "100.64.0.1", "0.0.0.0"],
)  # fmt: skip
def test_every_private_kind_of_address_is_refused(host, settings):
    settings.OUTBOUND_ALLOW_PRIVATE_ADDRESSES = False
    with pytest.raises(outbound.OutboundError, match="refused"):
        outbound.resolve(host, 80)


def test_urls_with_other_schemes_or_credentials_are_refused():
    for url in ["file:///etc/passwd", "ftp://agency.example/feed", "http://user:pw@agency.example/feed"]:
        with pytest.raises(outbound.OutboundError):
            outbound.fetch(url)


def test_redirects_are_followed_and_checked_and_credentials_stay_with_their_host(
    feed_server, make_feed, settings
):
    feed_server.answers["/old"] = Answer(b"", 301, headers={"Location": "http://localhost:8061/new"})
    feed_server.answers["/new"] = Answer(feeds.rss([("m-1", "Moved", "<p>x</p>", "", [])]))
    feed = make_feed("/old", auth=WireFeed.Auth.BEARER, auth_secret=TOKEN)
    assert polling.poll(feed) == (1, 0)
    first, second = feed_server.seen
    assert first.headers["Authorization"] == f"Bearer {TOKEN}"
    assert "Authorization" not in second.headers  # another host: the token is not passed on


def test_a_redirect_to_a_private_address_is_refused(feed_server, make_feed, settings, monkeypatch):
    # Pretend 127.0.0.1 is a public address and every other one private: the agency's first answer is
    # allowed, its redirect to [::1] (loopback) must be checked again and refused.
    settings.OUTBOUND_ALLOW_PRIVATE_ADDRESSES = False
    monkeypatch.setattr(outbound, "_allowed", lambda address: address == "127.0.0.1")
    feed_server.answers["/old"] = Answer(b"", 302, headers={"Location": "http://[::1]:8061/internal"})
    feed = make_feed("/old")
    polling.poll(feed)
    feed.refresh_from_db()
    assert "refused" in feed.last_error and "::1" in feed.last_error
    assert [seen.path for seen in feed_server.seen] == ["/old"]


@pytest.mark.parametrize(
    "auth, extra, header, value",
    [
        (WireFeed.Auth.BEARER, {}, "Authorization", f"Bearer {TOKEN}"),
        (WireFeed.Auth.HEADER, {"auth_header": "X-Api-Key"}, "X-Api-Key", TOKEN),
        (WireFeed.Auth.BASIC, {"auth_username": "newsroom"}, "Authorization",
         "Basic bmV3c3Jvb206dG9rLVNFQ1JFVC03ZjNhOWM="),
    ],
)  # fmt: skip
def test_credentials_are_sent(feed_server, make_feed, auth, extra, header, value):
    feed_server.answers["/rss"] = Answer(feeds.rss([]))
    polling.poll(make_feed("/rss", auth=auth, auth_secret=TOKEN, **extra))
    assert feed_server.seen[0].headers[header] == value


def test_credentials_never_show_in_the_admin_a_repr_or_the_logs(
    feed_server, make_feed, client, editor, caplog
):
    feed_server.answers["/rss"] = Answer(b"denied", 401)
    feed = make_feed("/rss", name="Reuters World", auth=WireFeed.Auth.BEARER, auth_secret=TOKEN)
    with caplog.at_level(logging.DEBUG):
        polling.poll(feed)
    feed.refresh_from_db()
    assert "HTTP 401" in feed.last_error and "HTTP 401" in caplog.text
    client.force_login(editor)
    listing = client.get(reverse("admin:articles_wirefeed_changelist")).content.decode()
    form = client.get(reverse("admin:articles_wirefeed_change", args=[feed.pk])).content.decode()
    assert "Reuters World" in listing and "Yes (hidden)" in form
    for shown in (listing, form, repr(feed), str(feed), caplog.text, feed.last_error):
        assert TOKEN not in shown


def feed_post(feed, **overrides):
    data = {
        "name": feed.name, "source": feed.source_id, "section": feed.section_id, "url": feed.url,
        "format": feed.format, "poll_minutes": feed.poll_minutes, "active": "on", "auth": feed.auth,
        "auth_header": feed.auth_header, "auth_username": feed.auth_username, "secret": "",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_the_secret_is_written_kept_when_left_empty_and_removed_on_request(make_feed, client, editor):
    feed = make_feed("/rss")
    client.force_login(editor)
    url = reverse("admin:articles_wirefeed_change", args=[feed.pk])
    assert client.post(url, feed_post(feed, auth="bearer", secret=TOKEN)).status_code == 302
    feed.refresh_from_db()
    assert feed.auth_secret == TOKEN
    assert client.post(url, feed_post(feed)).status_code == 302
    feed.refresh_from_db()
    assert feed.auth_secret == TOKEN
    assert client.post(url, feed_post(feed, clear_secret="on")).status_code == 302
    feed.refresh_from_db()
    assert feed.auth_secret == ""


def test_a_feed_url_with_credentials_or_another_scheme_is_a_form_error(make_feed, client, editor):
    feed = make_feed("/rss")
    client.force_login(editor)
    url = reverse("admin:articles_wirefeed_change", args=[feed.pk])
    response = client.post(url, feed_post(feed, url="http://user:pw@agency.example/feed"))
    assert response.status_code == 200 and "credentials fields" in response.content.decode()


def test_reporters_cannot_manage_feeds(make_feed, client, reporter):
    feed = make_feed("/rss")
    client.force_login(reporter)
    assert client.get(reverse("admin:articles_wirefeed_change", args=[feed.pk])).status_code == 403
    assert client.get(reverse("admin:articles_wirefeed_changelist")).status_code == 403
