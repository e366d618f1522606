"""A real streaming replica on loopback: readers use it only once it has replayed the last publish.

A primary cluster (initdb) and a replica (pg_basebackup -R) are started here, with gunicorn and an editor
process on top. Pausing the replica's replay (pg_wal_replay_pause) makes lag deterministic. Which server
answered is told by a row changed on the primary alone, by SQL that records no gate (no publish): the
replica still shows the old value, the primary the new one.
"""

import secrets

import pytest

from tests.infra.engines import (
    PG_BIN,
    AppServer,
    Editor,
    PostgresCluster,
    app_environment,
    migrate,
    redis_url,
    wait_for,
)

PRIMARY_PORT, REPLICA_PORT, APP_PORT, CACHED_APP_PORT = 8101, 8102, 8103, 8106


class Cluster:
    def __init__(self, primary, replica, editor, app, cached_app):
        self.primary, self.replica, self.editor, self.app = primary, replica, editor, app
        self.cached_app = cached_app  # the same site with the page cache on

    def replayed(self) -> str:
        return self.replica.sql("SELECT pg_last_wal_replay_lsn()::text")

    def catch_up(self) -> None:
        """Resume replay and wait until the replica has everything the primary has written so far."""
        self.replica.sql("SELECT pg_wal_replay_resume()")
        target = self.primary.sql("SELECT pg_current_wal_lsn()::text")
        wait_for(
            lambda: self.replica.sql(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"),
            timeout=20,
            what="the replica replaying the primary",
        )

    def pause(self) -> None:
        self.replica.sql("SELECT pg_wal_replay_pause()")
        wait_for(
            lambda: self.replica.sql("SELECT pg_get_wal_replay_pause_state()") == "paused",
            timeout=10,
            what="replay paused",
        )

    def retitle_on_primary_only(self, story_id: int, headline: str) -> None:
        # As a save does, the story's updated_at moves too: its stored markup (articles/markup/) is kept
        # for the updated_at it was rendered from.
        self.primary.sql(
            f"UPDATE articles_article SET headline = '{headline}', updated_at = now() WHERE id = {story_id}"
        )


@pytest.fixture(scope="module")
def cluster():
    if PG_BIN is None:
        pytest.skip("PostgreSQL server binaries are not installed (apt-get install postgresql)")
    started = []
    try:
        primary = PostgresCluster.primary(PRIMARY_PORT)
        started.append(primary.destroy)
        env = app_environment(
            DATABASE_URL=primary.url,
            REDIS_URL=redis_url(),
            CACHE_PREFIX=f"infra-replica-{secrets.token_hex(4)}",
            # Every request renders, so each one shows which server it read.
            PAGE_CACHE_SECONDS="0",
            FRAGMENT_CACHE_SECONDS="0",
        )
        migrate(env)
        replica = primary.replica(REPLICA_PORT)
        started.append(replica.destroy)
        env["DATABASE_REPLICA_URLS"] = replica.url
        editor = Editor(env)
        started.append(editor.stop)
        app = AppServer(APP_PORT, env, workers=1)
        started.append(app.stop)
        cached_env = env | {"PAGE_CACHE_SECONDS": "300", "FRAGMENT_CACHE_SECONDS": "3600"}
        cached_app = AppServer(CACHED_APP_PORT, cached_env, workers=1)
        started.append(cached_app.stop)
        yield Cluster(primary, replica, editor, app, cached_app)
    finally:
        for stop in reversed(started):
            stop()


@pytest.fixture
def story(cluster):
    published = cluster.editor.publish(f"Harbour plan approved {secrets.token_hex(3)}")
    cluster.catch_up()
    yield published
    cluster.catch_up()


def test_an_anonymous_reader_reads_a_replica_that_has_replayed_the_last_publish(cluster, story):
    cluster.pause()
    cluster.retitle_on_primary_only(story["id"], "Only the primary has this")
    status, html, _ = cluster.app.get(story["url"])
    assert status == 200
    assert "Harbour plan approved" in html and "Only the primary has this" not in html


def test_signed_in_and_pinned_clients_read_the_primary(cluster, story):
    cluster.pause()
    cluster.retitle_on_primary_only(story["id"], "Only the primary has this")
    for cookies in ("sessionid=someone-signed-in", "read_primary=1"):
        status, html, _ = cluster.app.get(story["url"], cookies=cookies)
        assert status == 200 and "Only the primary has this" in html, cookies


def test_after_a_publish_readers_use_the_primary_until_the_replica_has_replayed_it(cluster, story):
    cluster.pause()
    fresh = cluster.editor.publish(f"Breaking: river bursts its banks {secrets.token_hex(3)}")
    assert cluster.replica.sql(f"SELECT pg_last_wal_replay_lsn() < '{fresh['lsn']}'::pg_lsn")

    # The replica has not got the new story: a reader sent there would get a 404 (or, with the page cache,
    # the old home page stored as the new generation).
    status, html, _ = cluster.app.get(fresh["url"])
    assert status == 200 and "river bursts its banks" in html
    status, home, _ = cluster.app.get("/")
    assert status == 200 and "river bursts its banks" in home
    cluster.retitle_on_primary_only(story["id"], "Read from the primary")
    assert "Read from the primary" in cluster.app.get(story["url"])[1]

    # Once it has replayed past the publish, the replica serves readers again.
    cluster.catch_up()
    cluster.pause()
    cluster.retitle_on_primary_only(story["id"], "Changed after the replica paused")
    status, html, _ = cluster.app.get(story["url"])
    assert status == 200
    assert "Read from the primary" in html and "Changed after the replica paused" not in html


def test_a_lagging_replica_never_renders_the_old_page_into_the_new_cache_generation(cluster, story):
    site = cluster.cached_app
    site.get("/")
    assert site.get("/")[2]["X-Cache"] == "HIT"
    cluster.pause()
    fresh = cluster.editor.publish(f"Ferry strike called off {secrets.token_hex(3)}")
    first, second = site.get("/"), site.get("/")
    assert (first[2]["X-Cache"], second[2]["X-Cache"]) == ("MISS", "HIT")
    assert fresh["headline"] in first[1] and fresh["headline"] in second[1]


def test_keeping_rendered_markup_does_not_pin_the_reader(cluster, story):
    # A story nobody has read, on pages nobody has read: rendering them keeps their markup and cards on the
    # primary, which is the site's write, not the reader's.
    cluster.primary.sql("DELETE FROM articles_storedmarkup; DELETE FROM articles_storedcard")
    cluster.catch_up()
    for path in (story["url"], "/news/", "/"):
        status, _, headers = cluster.app.get(path)
        assert status == 200 and "read_primary" not in headers.get("Set-Cookie", ""), path
    assert cluster.primary.sql("SELECT count(*) FROM articles_storedcard") > 0


def test_a_replica_that_is_down_is_skipped(cluster, story):
    cluster.replica.stop()
    try:
        cluster.retitle_on_primary_only(story["id"], "Served while the replica is down")
        for _ in range(3):
            status, html, _ = cluster.app.get(story["url"])
            assert status == 200 and "Served while the replica is down" in html
    finally:
        cluster.replica.start()


def test_a_replica_lost_in_the_middle_of_a_page_still_gives_the_reader_the_page(cluster, story):
    """The replica is stopped while a reader's page is reading it: the page comes from the primary, not a
    500. To hold the page mid-read, the primary takes an exclusive lock on the stories table; the replica
    replays that lock, so the page's first read of a story waits there until the replica goes away."""
    import threading

    import psycopg

    # First the app must be reading the replica again (an earlier test may have had it down): with its
    # replay paused, a title changed on the primary alone shows which server a page read.
    cluster.pause()
    title = f"Tunnel reopens {secrets.token_hex(4)}"
    cluster.retitle_on_primary_only(story["id"], title)
    wait_for(
        lambda: title not in cluster.app.get(story["url"])[1],
        timeout=20, every=0.5, what="the app reading the replica",
    )  # fmt: skip
    cluster.catch_up()
    holder = psycopg.connect(f"host=127.0.0.1 port={PRIMARY_PORT} user=postgres dbname=newsroom")
    try:
        holder.execute("LOCK TABLE articles_article IN ACCESS EXCLUSIVE MODE")
        holder.execute("SELECT pg_switch_wal()")  # the lock's record reaches the replica now, not later
        replayed = "SELECT count(*) FROM pg_locks WHERE mode = 'AccessExclusiveLock' AND relation = "
        replayed += "'articles_article'::regclass"
        wait_for(lambda: cluster.replica.sql(replayed), timeout=10, what="the lock replayed on the replica")
        answer = {}
        reader = threading.Thread(target=lambda: answer.update(got=cluster.app.get(story["url"], timeout=30)))
        reader.start()
        waiting = (
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = 'newsroom'"
        )
        wait_for(lambda: cluster.replica.sql(waiting), timeout=10, what="the page waiting on the replica")
        cluster.replica.stop("immediate")
    finally:
        holder.rollback()  # the primary's lock goes: the page, read again there, can finish
        holder.close()
    try:
        reader.join(timeout=30)
        status, html, _ = answer["got"]
        assert status == 200 and title in html
        # The next readers are not sent to the lost replica meanwhile.
        assert cluster.app.get(story["url"])[0] == 200
    finally:
        cluster.replica.start()
