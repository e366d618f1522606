"""The breaking news banner on every page until it expires or is cleared, and the caches in front of the
fronts: a saved layout or banner shows on the next request, a scheduled one or an expiry at its time."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from articles.caching.site import SITE_CONTEXT_KEY
from articles.frontpage import services
from articles.models import BreakingBanner

pytestmark = pytest.mark.django_db

BANNER = 'aria-label="Breaking news"'


def shows_banner(response) -> bool:
    return BANNER in response.content.decode()


@pytest.fixture
def page_cache_on(settings):
    # Longer than any clock move below: a page leaves the cache by being superseded, not by its age.
    settings.PAGE_CACHE_SECONDS = 86400
    settings.CDN_CACHE_SECONDS = 60
    settings.CDN_STALE_SECONDS = 30


def test_the_banner_is_on_every_public_page(client, make_article, banner):
    article = make_article(headline="Storm", tags=["Weather"])
    banner("Storm warning for the coast", link=article.get_absolute_url())
    for url in ("/", "/world/", article.get_absolute_url(), "/tag/weather/", "/search/?q=storm", "/nowhere/"):
        html = client.get(url).content.decode()
        assert BANNER in html, url
        assert f'<a href="{article.get_absolute_url()}">Storm warning for the coast</a>' in html, url


def test_the_banner_escapes_what_it_is_given(client, banner):
    banner("Polls <close> & “count”")
    html = client.get("/").content.decode()
    assert "Polls &lt;close&gt; &amp; “count”" in html
    assert "<close>" not in html


def test_a_new_banner_replaces_the_one_showing(client, banner):
    first = banner("First line")
    banner("Second line")
    html = client.get("/").content.decode()
    assert "Second line" in html and "First line" not in html
    first.refresh_from_db()
    assert first.state == "Cleared"
    assert BreakingBanner.objects.showing().count() == 1


def test_a_cleared_banner_leaves_every_page_at_once(client, banner, editor, commit, page_cache_on):
    shown = banner("Bridge closed")
    assert shows_banner(client.get("/")) and client.get("/")["X-Cache"] == "HIT"
    commit(services.clear_banner, banner=shown, user=editor)
    response = client.get("/")
    assert not shows_banner(response) and response["X-Cache"] == "MISS"


def test_an_expired_banner_leaves_cached_pages_at_its_time(client, banner, clock, page_cache_on):
    banner("Voting ends soon", expires_at=timezone.now() + timedelta(minutes=5))
    assert client.get("/")["X-Cache"] == "MISS"
    assert client.get("/")["X-Cache"] == "HIT"
    clock.move(timedelta(minutes=4))
    assert client.get("/")["X-Cache"] == "HIT" and shows_banner(client.get("/"))
    clock.move(timedelta(minutes=5, seconds=1))
    response = client.get("/")
    assert not shows_banner(response)
    assert response["X-Cache"] == "MISS"


def test_an_expired_banner_is_hidden_from_the_kept_site_context(client, banner, clock):
    """Without the page cache, the site context (kept an hour) still holds the banner: the page checks
    its expiry itself."""
    banner("Voting ends soon", expires_at=timezone.now() + timedelta(minutes=5))
    assert shows_banner(client.get("/"))
    clock.move(timedelta(minutes=6))
    assert cache.get(SITE_CONTEXT_KEY)["banner"] is not None
    assert not shows_banner(client.get("/"))


def test_a_cdn_keeps_no_page_past_the_banner_expiry(client, banner, page_cache_on):
    banner("Voting ends soon", expires_at=timezone.now() + timedelta(seconds=40))
    control = client.get("/")["Cache-Control"]
    s_maxage = int(re.search(r"s-maxage=(\d+)", control).group(1))
    stale = re.search(r"stale-while-revalidate=(\d+)", control)
    stale = int(stale.group(1)) if stale else 0
    assert s_maxage <= 40 and s_maxage + stale <= 40


def test_without_anything_scheduled_the_cdn_times_are_the_settings(client, make_article, page_cache_on):
    make_article()
    control = client.get("/")["Cache-Control"]
    assert "s-maxage=60" in control and "stale-while-revalidate=30" in control


def test_a_saved_layout_shows_on_the_next_request(client, make_article, arrange, page_cache_on):
    old, new = make_article(headline="Old lead"), make_article(headline="New lead")
    # Layout times are kept to the second: the earlier one must not share the new one's second.
    arrange([old], live_from=timezone.now() - timedelta(minutes=1))
    assert client.get("/")["X-Cache"] == "MISS" and client.get("/")["X-Cache"] == "HIT"
    arrange([new])
    response = client.get("/")
    assert response["X-Cache"] == "MISS"
    assert response.content.decode().index("New lead") < response.content.decode().index("Old lead")


def test_a_scheduled_layout_takes_over_cached_pages_at_its_time(
    client, make_article, arrange, clock, page_cache_on
):
    now_lead, morning_lead = make_article(headline="Evening lead"), make_article(headline="Morning lead")
    arrange([now_lead])
    arrange([morning_lead], live_from=timezone.now() + timedelta(hours=8))
    assert client.get("/")["X-Cache"] == "MISS"
    html = client.get("/").content.decode()
    assert html.index("Evening lead") < html.index("Morning lead")
    assert client.get("/")["X-Cache"] == "HIT"
    clock.move(timedelta(hours=8, seconds=1))
    response = client.get("/")
    assert response["X-Cache"] == "MISS"
    html = response.content.decode()
    assert html.index("Morning lead") < html.index("Evening lead")
