"""The database router: only anonymous reads of public pages may leave the primary (newsroom/ops/dbrouter.py).
The replica itself is exercised for real in test_replica.py."""

import secrets

import pytest
from django.db import router
from django.http import HttpResponse
from django.test import RequestFactory

from articles.caching import pagecache, store, walgate
from articles.models import Article
from newsroom.ops import dbrouter

pytestmark = pytest.mark.django_db


@pytest.fixture
def replicas(settings):
    settings.DATABASE_REPLICAS = ["replica0"]


def mark_for(request, *, write=False):
    """What the middleware decided for `request`: (eligible while the view ran, the response)."""
    seen = {}

    def view(request):
        seen["eligible"] = dbrouter._eligible.get()
        if write:
            router.db_for_write(Article)
            seen["after_write"] = dbrouter._eligible.get()
        return HttpResponse("ok")

    response = dbrouter.ReplicaMiddleware(view)(request)
    return seen, response


@pytest.mark.parametrize("path", ["/", "/news/a-story/", "/feeds/latest/", "/search/?q=harbour"])
def test_anonymous_get_of_a_public_page_may_read_a_replica(replicas, path):
    seen, response = mark_for(RequestFactory().get(path))
    assert seen["eligible"] is True
    assert "read_primary" not in response.cookies
    assert dbrouter._eligible.get() is False  # nothing leaks into the next request


@pytest.mark.parametrize(
    "request_",
    [
        RequestFactory().get("/admin/articles/article/"),
        RequestFactory().get("/preview/abc/"),
        RequestFactory().post("/search/", {"q": "x"}),
        RequestFactory(headers={"cookie": "sessionid=abc"}).get("/"),
        RequestFactory(headers={"cookie": "read_primary=1"}).get("/"),
    ],
    ids=["admin", "preview", "post", "signed-in", "pinned after a write"],
)
def test_staff_admin_writes_and_recent_writers_read_the_primary(replicas, request_):
    seen, _ = mark_for(request_)
    assert seen["eligible"] is False


def test_without_replicas_nothing_is_eligible():
    seen, _ = mark_for(RequestFactory().get("/"))
    assert seen["eligible"] is False


def test_a_write_moves_the_rest_of_the_request_to_the_primary_and_pins_the_client(replicas):
    seen, response = mark_for(RequestFactory().get("/"), write=True)
    assert seen == {"eligible": True, "after_write": False}
    cookie = response.cookies["read_primary"]
    assert cookie["max-age"] == 10 and cookie["httponly"]


def test_a_post_pins_the_client_to_the_primary(replicas):
    _, response = mark_for(RequestFactory().post("/search/"))
    assert "read_primary" in response.cookies


def test_outside_a_request_everything_reads_the_primary(replicas):
    # Services, commands and the task worker never pass the middleware.
    assert router.db_for_read(Article) == "default"
    assert router.db_for_write(Article) == "default"


def test_replicas_are_never_migrated(replicas):
    assert router.allow_migrate("replica0", "articles") is False
    assert router.allow_migrate("default", "articles") is True


def test_a_server_that_is_not_a_standby_is_never_used_as_a_replica(replicas, settings):
    # The test database is a primary: pg_last_wal_replay_lsn() is NULL there.
    assert dbrouter._replay_position("default") is None
    assert dbrouter.usable("default", 0) is False


def test_a_publish_raises_the_wal_gate_before_superseding_pages(replicas, make_article, commit, monkeypatch):
    before = walgate.primary_position()
    article = make_article(headline="Gate")
    order = []
    record, invalidate = walgate.record, pagecache.invalidate_keys
    monkeypatch.setattr(walgate, "record", lambda: (order.append("gate"), record()))
    monkeypatch.setattr(pagecache, "invalidate_keys", lambda keys: (order.append("pages"), invalidate(keys)))
    article.headline = "Gate raised"
    commit(article.save)
    # First, once for the commit; the modified time it moves (Article.refresh_modified) is a write of its
    # own, gated again before the pages are superseded (once, with the commit's own keys).
    assert order == ["gate", "gate", "pages"]
    assert walgate.gate() >= before


@pytest.fixture
def redis_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.redis_cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/11",
            "KEY_PREFIX": f"infra-test-{secrets.token_hex(4)}",
        }
    }
    if store.call("get", "probe") is None and store.in_outage():
        pytest.skip("no Redis on 127.0.0.1:6379")


def test_the_gate_never_goes_down_in_redis(replicas, redis_cache):
    assert walgate._raise_gate(10**12) == 10**12
    assert walgate._raise_gate(5) == 10**12
    assert walgate.gate() == 10**12


def test_the_gate_never_goes_down(replicas):
    walgate._raise_gate(10**12)
    walgate._raise_gate(5)
    assert walgate.gate() == 10**12


def test_with_the_cache_down_the_gate_is_unknown_and_readers_use_the_primary(replicas, monkeypatch):
    monkeypatch.setattr(store, "_outage_until", float("inf"))
    assert walgate.gate() is None
    assert dbrouter.choose() == "default"


def test_lsns_compare_as_positions():
    assert walgate.parse_lsn("0/16B3748") < walgate.parse_lsn("1/0") < walgate.parse_lsn("A/10")
