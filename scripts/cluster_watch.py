"""What scripts/cluster_test.py's editor waits for after each change: a new or edited story showing
through Varnish (as two readers would see it at once), and a withdrawn story gone from every node and
Varnish. Each clock starts when the editor begins the save, so the save itself is counted.
"""

import http.client
import threading
import time

from cluster_engines import Client

GONE = (404, 410)


def watch_visible(soak, story: dict, started: float, latencies: list[float], listing: bool, varnish: int):
    """Poll through Varnish until the story's page shows its headline and (for a new story) the home
    page or its section's page links it."""
    deadline, seen = started + 10, {}

    def poll(name: str, paths: tuple[str, ...], shows) -> None:
        client = Client(varnish, timeout=5)
        try:
            while time.monotonic() < deadline:
                for path in paths:
                    try:
                        status, body, headers = client.get(path)
                    except (OSError, http.client.HTTPException) as exc:
                        soak.watchers.fail(path, type(exc).__name__)
                        client.close()
                        continue
                    soak.watchers.record(path, status, headers)
                    if status == 200 and shows(body):
                        seen[name] = time.monotonic()
                        return
                time.sleep(0.03)
        finally:
            client.close()

    polls = [
        threading.Thread(target=poll, args=("page", (story["url"],), lambda b: story["headline_html"] in b))
    ]
    if listing:
        link = f'href="{story["url"]}"'
        polls.append(
            threading.Thread(target=poll, args=("listing", ("/", story["section"]), lambda b: link in b))
        )
    for thread in polls:
        thread.start()
    for thread in polls:
        thread.join()
    if len(seen) < len(polls):
        soak.not_visible.append(
            f"{story['url']} not visible through Varnish within 10 s ({sorted(seen)} only)"
        )
        return
    latency = max(seen.values()) - started
    latencies.append(latency)
    soak.slow.append((latency, started - soak.began, story["url"], listing))


def watch_gone(soak, url: str, started: float, ports: list[int]) -> None:
    """Poll Varnish and each node directly until the withdrawn story's page answers 404 at every one.
    A node that is down (killed by the chaos) has nothing to show and is not waited for. A port's time is
    when the first request it did not answer with the story, since the last one it did, was sent."""
    deadline, gone = started + 10, {}

    def poll(port: int) -> None:
        client = Client(port, timeout=5)
        unserved = None  # when the first request that did not get the story, since its last 200, was sent
        try:
            while time.monotonic() < deadline:
                sent = time.monotonic()
                try:
                    status, _, headers = client.get(url)
                except ConnectionRefusedError:
                    gone[port] = None  # a node that is down serves nobody
                    return
                except TimeoutError:
                    # A node that does not answer at all (restarted by the chaos, booting its workers)
                    # serves nobody either, but its 404 is still waited for.
                    unserved = unserved or sent
                    client.close()
                    continue
                except (OSError, http.client.HTTPException) as exc:
                    soak.watchers.fail(url, type(exc).__name__)
                    client.close()
                    time.sleep(0.03)
                    continue
                soak.watchers.record(url, status, headers)
                if status in GONE:
                    gone[port] = unserved or sent
                    return
                unserved = None  # it served the story: gone only after this
                time.sleep(0.03)
        finally:
            client.close()

    threads = [threading.Thread(target=poll, args=(port,)) for port in ports]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if len(gone) < len(ports):
        still = sorted(set(ports) - set(gone))
        soak.not_gone.append(f"{url} still served 10 s after its withdrawal (ports {still})")
        return
    times = {port: t for port, t in gone.items() if t is not None}
    last = max(times, key=times.get, default=None)
    latency = (times[last] if last else started) - started
    soak.withdraw_latency.append(latency)
    soak.slow_gone.append((latency, started - soak.began, url, last))
