"""The cold archive walk (bench/run.py): 1,000 random published stories, each fetched once, right after a
server restart with the caches emptied, as a crawler walks an archive nobody has read since the deploy.

wrk loads one URL for a while; a walk fetches each URL once, so it is this small client instead: as many
threads as wrk has connections, each with a kept-alive connection, taking the next path from one queue.
"""

import http.client
import queue
import threading
import time

WALK_SIZE = 1000


def stories(count: int = WALK_SIZE) -> list[str]:
    """The paths of `count` random published stories (a different sample every run)."""
    from articles.models import Article

    picked = Article.objects.published().select_related("section").only("slug", "section__slug")
    return [story.get_absolute_url() for story in picked.order_by("?")[:count]]


def walk(port: int, paths: list[str], *, connections: int) -> dict:
    """Fetch each path once; wrk's figures (bench/wrk.lua) for the walk: a redirect or error is an error."""
    todo = queue.SimpleQueue()
    for path in paths:
        todo.put(path)
    latencies, failures, lock = [], [0], threading.Lock()

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            try:
                path = todo.get_nowait()
            except queue.Empty:
                break
            started = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                ok = False
            with lock:
                latencies.append(time.perf_counter() - started)
                failures[0] += not ok
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    latencies.sort()

    def percentile(p):
        return (
            int(latencies[min(len(latencies) - 1, int(len(latencies) * p / 100))] * 1e6) if latencies else 0
        )

    return {
        "requests": len(latencies),
        "duration_us": int(seconds * 1e6),
        "p50_us": percentile(50),
        "p99_us": percentile(99),
        "status": failures[0],
        "connect": 0,
        "read": 0,
        "write": 0,
        "timeout": 0,
    }
