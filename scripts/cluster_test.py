"""A Newsroom cluster on one machine, under load, losing an app node and its Redis primary midway.

    make cluster-test            # or: .venv/bin/python scripts/cluster_test.py [--seconds 60] [--readers 8]

Starts, on loopback (ports 8161-8172; CLUSTER_BASE_PORT=9161 moves them), everything in temporary folders
removed on exit: PostgreSQL primary + streaming replica (the app reads the replica behind the WAL gate),
Redis primary + replica + 3 Sentinels, moto's S3 server (photos on it when the settings support
MEDIA_STORAGE=s3), two gunicorn nodes, the task worker (it sends the purges), and Varnish with the
repository's VCL behind a round-robin director probing /healthz. An editor process publishes a story (or
edits a live one) every --publish-every seconds through the real services, which purge Varnish and the page
cache by surrogate key. Reader threads fetch random public pages through Varnish, and --origin-readers more
from the node that stays up directly (behind the edge the app mostly sees just-purged pages: only direct
reads measure the page cache itself). A --signed-in share of both kinds of reader are signed-in readers:
each gets a reader account and a magic link from the editor process, signs in over HTTP (GET, then POST
/account/sign-in/<token>/), and from then on sends the cookies it was given as a browser does, only where
their Path matches; now and then it opens its own page, /account/, which must show it signed in. At 40% of
the run one node is killed (SIGKILL, workers too), at 55% the Redis primary; the node comes back at 75%
(held out of Varnish while warmed, as in a rolling restart).
Afterwards every story is asked of each node directly.

Targets (exit status 1 if one is missed): no 5xx and no failed request, every story visible on both nodes,
Varnish hit rate and the page cache's on direct reads before the Redis failover >= 90%, the same two for
the signed-in readers' public pages alone, every signed-in reader signed in and every visit to their own
page showing it, publish-to-visible and withdrawn-to-gone p99 < 1 s (clocks from the save's start), every
withdrawn story gone from Varnish and both nodes, and the replica reading >= 10% of the rows before its
faults (replay paused at 10%, resumed at 25%, the replica stopped at 88%: cluster_faults.py), and
Varnish, restarted at 65%, back within 5 s (what fails meanwhile is printed on its own line).
"""

import contextlib
import http.client
import os
import random
import secrets
import shutil
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cluster_engines import (  # noqa: E402
    Client,
    Moto,
    Varnish,
    Worker,
    check_nodes,
    keep_logs,
    kill_node,
    prepare,
    settings_support_s3,
    stop_node,
)
from cluster_faults import ReplicaFaults, wait_replayed  # noqa: E402
from cluster_parts import EDGE_RESTARTING, Tally, cluster_ports, parse_args, ports_in_use, report  # noqa: E402
from cluster_readers import CookieJar, SignedIn, sign_in, signed_in_count, visit_account  # noqa: E402
from cluster_watch import watch_gone, watch_visible  # noqa: E402

from tests.infra.engines import (  # noqa: E402
    PG_BIN,
    REDIS_SERVER,
    AppServer,
    Editor,
    RedisSentinelSet,
    wait_for,
)

PORTS = cluster_ports(int(os.environ.get("CLUSTER_BASE_PORT", "8161")))
PG_PRIMARY, PG_REPLICA = PORTS["pg_primary"], PORTS["pg_replica"]
REDIS_PRIMARY, REDIS_REPLICA, SENTINELS = PORTS["redis_primary"], PORTS["redis_replica"], PORTS["sentinels"]
MOTO, VARNISH, VARNISH_ADMIN, NODES = PORTS["moto"], PORTS["varnish"], PORTS["varnish_admin"], PORTS["nodes"]
# seed_archive only writes to a database whose name says "bench" (it empties tables first).
DATABASE = "newsroom_cluster_bench"
# What readers ask for, and how often: a news site's traffic is mostly the home page and fresh stories.
MIX = {"home": 25, "story": 35, "fresh": 10, "section": 15, "tag": 7, "author": 4, "feed": 4}
# The share of a signed-in reader's requests that are for their own page.
ACCOUNT_VISITS = 0.03


def say(message: str) -> None:
    print(f"[cluster] {time.strftime('%H:%M:%S')} {message}", flush=True)


class Soak:
    def __init__(
        self, args, editor, pages: dict, nodes: list, redis: RedisSentinelSet, varnish, env, folder, links
    ):
        self.args, self.editor, self.pages, self.nodes = args, editor, pages, nodes
        # The editor's reader_link answers ({"email", "token"}), one per signed-in reader thread.
        self.links = links
        through = signed_in_count(args.readers, args.signed_in)
        self.signed_in = SignedIn(through, len(links) - through) if links else None
        self.redis, self.env, self.folder = redis, env, folder
        self.varnish = varnish
        self.readers, self.watchers, self.origin = Tally(), Tally(), Tally()
        # Direct reads before the Redis primary dies: a failover starts a new cache generation (nothing
        # stale may survive it), so afterwards every page misses once whatever the keys.
        self.origin_steady, self.redis_killed = Tally(), threading.Event()
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.fresh: list[str] = []  # stories published during the run, readers read them too
        self.published: dict[int, dict] = {}  # id -> {"url", "headline", "section"}
        self.publish_latency: list[float] = []
        self.edit_latency: list[float] = []
        self.withdraw_latency: list[float] = []
        self.changes: list[float] = []  # each save's own time, as the editor process took it
        self.edits = 0
        self.not_gone: list[str] = []
        self.edge_restart_seconds = 0.0
        self.edge_restart_window: tuple[float, float] | None = None  # seconds into the run
        self.slow_gone: list[tuple[float, float, str, int | None]] = []  # (latency, offset, url, last port)
        self.retried = Client.retried  # GETs every client sent again after a reset
        # (latency, seconds into the run, url, a new story?)
        self.slow: list[tuple[float, float, str, bool]] = []
        self.began = time.monotonic()
        self.not_visible: list[str] = []
        self.editor_errors: list[str] = []
        self.events: list[str] = []
        self.watch_threads: list[threading.Thread] = []

    # --- readers ---
    def pick(self, rng: random.Random) -> tuple[str, str]:
        kind = rng.choices(list(MIX), weights=list(MIX.values()))[0]
        with self.lock:
            fresh = list(self.fresh[-30:])
        if kind == "fresh" and fresh:
            return kind, rng.choice(fresh)
        if kind == "home" or kind == "fresh":
            return "home", "/"
        return kind, rng.choice(self.pages[kind])

    def reader(self, seed: int, port: int = VARNISH, link: dict | None = None) -> None:
        """Random pages through Varnish, or (port of the node that stays up) from the app directly: behind
        an edge purged by key the app mostly sees just-purged pages, so only direct reads measure its page
        cache the way readers without an edge would use it. With a magic `link`, a signed-in reader: its
        public pages are counted in its own tallies too, and a few of its requests are for /account/."""
        rng = random.Random(seed)
        client = Client(port, jar=CookieJar() if link else None)
        tally = self.readers if port == VARNISH else self.origin
        signed = self.signed_in
        email = sign_in(signed, client, link) if link else None
        mine = (signed.edge if port == VARNISH else signed.origin) if email else None
        while not self.stop.is_set():
            if email and rng.random() < ACCOUNT_VISITS:
                visit_account(signed, client, email)
                continue
            kind, path = self.pick(rng)
            try:
                status, _, headers = client.get(path)
            except (OSError, http.client.HTTPException) as exc:
                tally.fail(path, type(exc).__name__)
                if mine:
                    mine.fail(path, type(exc).__name__)
                client.close()
                continue
            tally.record(path, status, headers, kind)
            steady = not self.redis_killed.is_set()
            if tally is self.origin and steady:
                self.origin_steady.record(path, status, headers, kind)
            if mine:
                signed.sent("public", client.sent_cookies)
                mine.record(path, status, headers, kind)
                if mine is signed.origin and steady:
                    signed.origin_steady.record(path, status, headers, kind)
        client.close()

    def editor_loop(self) -> None:
        """A change every --publish-every seconds: three new stories, then an edit of a live one, and now
        and then a withdrawal. Each clock starts as the save does."""
        rng, count = random.Random(99), 0
        sections, tags = self.pages["section_slugs"], self.pages["tag_names"]
        while not self.stop.is_set():
            count += 1
            begun = time.monotonic()
            try:
                if count % 10 == 0 and len(self.published) > 5:
                    story_id = rng.choice(list(self.published))
                    story = self.published.pop(story_id)
                    with self.lock:  # readers stop asking for it: its 404s are not theirs to count
                        self.fresh = [url for url in self.fresh if url != story.get("url")]
                    answer = self.editor.ask({"do": "withdraw", "id": story_id})
                    if not answer.get("ok"):
                        raise RuntimeError(answer.get("error"))
                    self.changes.append(time.monotonic() - begun)
                    watcher = threading.Thread(
                        target=watch_gone, args=(self, answer["url"], begun, [VARNISH, *NODES])
                    )
                    watcher.start()
                    self.watch_threads.append(watcher)
                    time.sleep(max(0.0, self.args.publish_every - (time.monotonic() - begun)))
                    continue
                if count % 4 == 0 and self.published:
                    story_id = rng.choice(list(self.published))
                    headline = f"Updated {secrets.token_hex(3)}: {self.published[story_id]['base']}"
                    answer = self.editor.ask({"do": "edit", "id": story_id, "headline": headline})
                    latencies, listing = self.edit_latency, False
                    self.edits += 1
                else:
                    base = f"Cluster story {count} {secrets.token_hex(3)} on the harbour plan"
                    request = {"do": "publish", "headline": base, "section": rng.choice(sections)}
                    request["tags"] = rng.sample(tags, min(2, len(tags)))
                    answer = self.editor.ask(request)
                    answer["base"] = base
                    latencies, listing = self.publish_latency, True
                if not answer.get("ok"):
                    raise RuntimeError(answer.get("error"))
            except Exception as exc:  # noqa: BLE001 - reported, and the run fails
                self.editor_errors.append(f"{type(exc).__name__}: {exc}")
                time.sleep(self.args.publish_every)
                continue
            self.changes.append(time.monotonic() - begun)
            section = "/" + answer["url"].strip("/").split("/")[0] + "/"
            story = self.published.setdefault(answer["id"], {"base": answer.get("base", "")})
            story.update(url=answer["url"], headline=answer["headline"], section=section)
            story["headline_html"] = answer["headline"].replace("'", "&#x27;")
            with self.lock:
                if answer["url"] not in self.fresh:
                    self.fresh.append(answer["url"])
            args = (self, dict(story), begun, latencies, listing, VARNISH)
            watcher = threading.Thread(target=watch_visible, args=args)
            watcher.start()
            self.watch_threads.append(watcher)
            time.sleep(max(0.0, self.args.publish_every - (time.monotonic() - begun)))

    # --- the failures ---
    def chaos(self, started: float) -> None:
        seconds = self.args.seconds

        def at(share: float) -> bool:
            return not self.stop.wait(max(0.0, started + share * seconds - time.monotonic()))

        faults = self.replica_faults
        faults.mark("start")
        if at(0.10):
            self.events.append(faults.pause(time.monotonic() - started))
        if at(0.25):
            self.events.append(faults.resume(time.monotonic() - started))
            wait_replayed(faults)
        if at(0.40):
            kill_node(self.nodes[1])
            self.events.append(f"{time.monotonic() - started:5.1f} s  node :{NODES[1]} killed (SIGKILL)")
        if at(0.55):
            self.redis_killed.set()
            self.redis.primary.kill()
            self.events.append(f"{time.monotonic() - started:5.1f} s  Redis primary :{REDIS_PRIMARY} killed")
            with contextlib.suppress(TimeoutError):
                wait_for(lambda: self.redis.master_port() == REDIS_REPLICA, timeout=20, what="failover")
                self.events.append(f"{time.monotonic() - started:5.1f} s  Sentinel promoted :{REDIS_REPLICA}")
        if at(0.65):
            EDGE_RESTARTING.set()
            down = time.monotonic() - self.began
            try:
                self.edge_restart_seconds = self.varnish.restart()
            finally:
                EDGE_RESTARTING.clear()
                self.edge_restart_window = (down, time.monotonic() - self.began)
            took = f"{self.edge_restart_seconds:.1f} s"
            self.events.append(
                f"{time.monotonic() - started:5.1f} s  Varnish restarted ({took}, cache empty)"
            )
        if at(0.75):
            # A node rejoins as in a rolling restart: held out of the director while a few direct requests
            # warm each worker (imports, templates, connections), then left to the probe again.
            stop_node(self.nodes[1], self.folder, suffix="-killed")
            held = self.varnish.set_health("app1", "sick")
            self.nodes[1] = AppServer(NODES[1], self.env, workers=self.args.workers)
            warm, rng = Client(NODES[1]), random.Random(7)
            for _ in range(10 * self.args.workers):
                with contextlib.suppress(OSError, http.client.HTTPException):
                    warm.get(self.pick(rng)[1])
            warm.close()
            held = held or self.varnish.set_health("app1", "auto")
            how = f"varnishadm failed: {held}" if held else "warmed, then probed"
            self.events.append(f"{time.monotonic() - started:5.1f} s  node :{NODES[1]} back ({how})")
        if at(0.88):
            self.events.append(faults.stop(time.monotonic() - started, self.replica))

    def run(self) -> float:
        started = self.began = time.monotonic()
        # The first readers of each kind are the signed-in ones, one magic link each.
        through = self.signed_in.through_varnish if self.signed_in else 0
        edge_links, direct_links = self.links[:through], self.links[through:]
        threads = [
            threading.Thread(target=self.reader, args=(n, VARNISH, edge_links[n] if n < through else None))
            for n in range(self.args.readers)
        ]
        threads += [
            threading.Thread(
                target=self.reader,
                args=(1000 + n, NODES[0], direct_links[n] if n < len(direct_links) else None),
            )
            for n in range(self.args.origin_readers)
        ]
        threads += [
            threading.Thread(target=self.editor_loop),
            threading.Thread(target=self.chaos, args=(started,)),
        ]
        for thread in threads:
            thread.start()
        time.sleep(self.args.seconds)
        self.stop.set()
        for thread in threads:
            thread.join()
        for watcher in self.watch_threads:
            watcher.join()
        return time.monotonic() - started


def main() -> int:
    args = parse_args(__doc__.split("\n\n")[0])
    if PG_BIN is None or REDIS_SERVER is None:
        raise SystemExit("PostgreSQL server binaries and redis-server are needed (apt-get install them)")
    if taken := ports_in_use(PORTS):
        raise SystemExit(
            f"ports {', '.join(map(str, taken))} are in use: stop what holds them, or move the soak with "
            f"CLUSTER_BASE_PORT (now {PG_PRIMARY}), e.g. CLUSTER_BASE_PORT=9161 make cluster-test"
        )
    # SIGTERM (CI's timeout, make's) unwinds like Ctrl-C, through the cleanup below.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    folder = Path(tempfile.mkdtemp(prefix="newsroom-cluster-"))
    stops = []
    try:
        redis = RedisSentinelSet(REDIS_PRIMARY, REDIS_REPLICA, SENTINELS)
        stops.append(redis.stop)
        moto = Moto(folder, MOTO)
        stops.append(moto.stop)
        s3 = "yes" if settings_support_s3() else "no, these settings have no MEDIA_STORAGE: local files"
        say(f"Redis + 3 Sentinels, moto S3 on :{MOTO} (photos on S3: {s3})")
        env, replica = prepare(args, folder, redis, moto, stops, PORTS, DATABASE, say)
        say(f"PostgreSQL primary :{PG_PRIMARY}, streaming replica :{PG_REPLICA}")
        nodes = []
        for port in NODES:
            nodes.append(AppServer(port, env, workers=args.workers))
        stops.append(lambda: [stop_node(node, folder) for node in nodes])
        varnish = Varnish(folder, VARNISH, NODES, VARNISH_ADMIN)
        stops.append(varnish.stop)
        worker = Worker(folder, env)
        stops.append(worker.stop)
        editor = Editor(env | {"LOG_LEVEL": "ERROR"})  # its cache warnings during the failover are expected
        stops.append(editor.stop)
        pages = editor.ask({"do": "urls", "limit": 400})
        pages["home"] = ["/"]
        pages["story"] = pages["stories"]
        pages["section"] = pages["sections"]
        pages["tag"] = pages["tags"] or ["/"]
        pages["author"] = pages["authors"] or ["/"]
        pages["feed"] = ["/feeds/rss/", "/feeds/atom/"] + [
            f"/feeds/section{s}rss/" for s in pages["sections"][:5]
        ]
        say(f"nodes :{NODES[0]} :{NODES[1]} behind Varnish :{VARNISH}; {len(pages['story'])} stories to read")
        # Asked before the warm-up: as a reader opens the email a little later, the replica has the link.
        signing_in = signed_in_count(args.readers, args.signed_in)
        signing_in += signed_in_count(args.origin_readers, args.signed_in)
        links = [editor.ask({"do": "reader_link"}) for _ in range(signing_in)]
        if refused := [answer.get("error") for answer in links if not answer.get("ok")]:
            raise SystemExit(f"the editor process made no reader link: {refused[0]}")
        # A warm-up pass: every page once, so the soak measures a running site, not a cold start.
        warm = Client(VARNISH)
        for path in ["/"] + [
            p for kind in ("story", "section", "tag", "author", "feed") for p in pages[kind]
        ]:
            warm.get(path)
        warm.close()
        say(f"warmed up; soak for {args.seconds:.0f} s")
        soak = Soak(args, editor, pages, nodes, redis, varnish, env, folder, links)
        soak.replica, soak.replica_faults = replica, ReplicaFaults(PG_PRIMARY, PG_REPLICA, DATABASE)
        elapsed = soak.run()
        visible, problems, homes = check_nodes(soak.published, NODES)
        ok = report(soak, elapsed, visible, problems, homes)
        say("PASS" if ok else "FAIL")
        return 0 if ok else 1
    finally:
        for stop in reversed(stops):
            with contextlib.suppress(Exception):
                stop()
        keep_logs(folder)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
