"""Redis with Sentinel: the cache follows a failover, and nothing stale survives it.

The unit tests pin the two rules the failover relies on; the last test kills a real Redis primary watched by
three Sentinels while readers load two gunicorn workers, with a publish made while the primary is gone.
"""

import secrets
import signal
import threading
import time

import pytest
from django.test import override_settings

from articles.caching import pagecache, store
from tests.helpers import DEAD_REDIS
from tests.infra.engines import (
    REDIS_SERVER,
    AppServer,
    Editor,
    RedisSentinelSet,
    app_environment,
    migrate,
    shared_server_url,
    wait_for,
)

REDIS_PRIMARY, REDIS_REPLICA, SENTINELS, APP_PORT = 8111, 8112, (8113, 8114, 8115), 8116


@pytest.mark.django_db
def test_the_read_that_notices_a_recovery_already_sees_the_new_generation(monkeypatch):
    before = pagecache.current_stamp()[0]
    monkeypatch.setattr(store, "OUTAGE_BACKOFF_SECONDS", 0.0)
    with override_settings(CACHES=DEAD_REDIS):
        store.call("get", "anything")  # an invalidation made now would be lost
    # This very read (the page cache's MGET, say) must not return what was stored before the outage.
    assert store.call("get", pagecache.STATE_KEY)["generation"] != before


@pytest.mark.django_db
def test_a_new_generation_is_never_older_than_one_already_used():
    used = pagecache.current_stamp()[0]
    # A promoted Redis replica may hold an older state than pages already stored elsewhere.
    store.set(
        pagecache.STATE_KEY, {"generation": 1, "next_scheduled": None, "live_until": 0, "checked_at": 0}, None
    )
    pagecache.invalidate()
    assert pagecache.current_stamp()[0] > used


class Readers:
    """Threads reading pages until stopped, recording (started, path, status, body) of every request."""

    def __init__(self, app, paths, threads=3):
        self.app, self.paths, self.stop_event = app, paths, threading.Event()
        self.results, self.lock = [], threading.Lock()
        self.threads = [threading.Thread(target=self.read, args=(n,)) for n in range(threads)]
        for thread in self.threads:
            thread.start()

    def read(self, n):
        deadline = time.monotonic() + 120  # bounded whatever happens
        i = n
        while not self.stop_event.is_set() and time.monotonic() < deadline:
            path = self.paths[i % len(self.paths)]
            i += 1
            started = time.monotonic()
            try:
                status, body, _ = self.app.get(path)
            except OSError as exc:
                status, body = None, repr(exc)
            with self.lock:
                self.results.append((started, path, status, body))
            time.sleep(0.02)

    def stop(self):
        self.stop_event.set()
        for thread in self.threads:
            thread.join()
        return self.results


@pytest.fixture
def stack():
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    started = []
    try:
        redis = RedisSentinelSet(REDIS_PRIMARY, REDIS_REPLICA, SENTINELS)
        started.append(redis.stop)
        env = app_environment(
            DATABASE_URL=shared_server_url("newsroom_infra_cluster"),
            REDIS_URL="",
            REDIS_SENTINELS=redis.addresses,
            REDIS_SENTINEL_MASTER="newsroom",
            CACHE_PREFIX=f"infra-failover-{secrets.token_hex(4)}",
        )
        migrate(env)
        editor = Editor(env)
        started.append(editor.stop)
        app = AppServer(APP_PORT, env, workers=2)
        started.append(app.stop)
        yield redis, editor, app
    finally:
        for stop in reversed(started):
            stop()


def test_killing_the_redis_primary_under_load_fails_no_request_and_serves_nothing_stale(stack):
    redis, editor, app = stack
    first = editor.publish(f"Council meets {secrets.token_hex(3)}")
    assert app.get("/")[2].get("X-Cache") == "MISS"
    assert app.get("/")[2].get("X-Cache") == "HIT"  # the home page is in Redis, and so on its replica

    readers = Readers(app, ["/", first["url"], "/news/"])
    try:
        # Frozen, then killed once the Sentinels have promoted the replica: a publish made meanwhile loses
        # its invalidation, so the promoted replica still holds the old home page under the old generation.
        redis.primary.process.send_signal(signal.SIGSTOP)
        headline = f"Published during the failover {secrets.token_hex(3)}"
        fresh = editor.publish(headline)
        published_at = time.monotonic()
        wait_for(
            lambda: redis.master_port() == REDIS_REPLICA, timeout=30, what="Sentinel failover", every=0.2
        )
        redis.primary.kill()
        # Until the cache serves hits again from the new primary (every worker past its outage backoff).
        wait_for(
            lambda: app.get("/")[2].get("X-Cache") == "HIT" and app.get("/")[2].get("X-Cache") == "HIT",
            timeout=30,
            what="page cache hits from the promoted primary",
            every=0.2,
        )
    finally:
        results = readers.stop()

    failures = [(path, status, body[:200]) for _, path, status, body in results if status != 200]
    assert failures == []
    homes_after = [body for started, path, _, body in results if path == "/" and started > published_at]
    assert homes_after and all(headline in body for body in homes_after)
    status, body, headers = app.get(fresh["url"])
    assert status == 200 and headline in body
    # The readers were at it before the primary froze as well as after: the load spanned the failover (a
    # count would depend on how busy the machine is).
    assert any(started < published_at for started, *_ in results)
