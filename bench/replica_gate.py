"""Benchmark (not a test): what the replica router's WAL gate costs a reader's request.

    .venv/bin/python bench/replica_gate.py

Starts its own PostgreSQL primary and streaming replica on 127.0.0.1:8104/8105 (tests/infra/engines.py),
uses REDIS_URL (else Redis DB 11 on 127.0.0.1:6379) for the gate, and prints the median time of the gate's
parts and of a whole uncached story page read through Django's test client with and without the replica.
"""

import os
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.infra.engines import PostgresCluster, app_environment, migrate, redis_url  # noqa: E402

ROUNDS = 2000
PAGES = 300


def median_us(func, rounds=ROUNDS) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1e6


def main() -> None:
    primary = PostgresCluster.primary(8104)
    try:
        env = app_environment(
            DATABASE_URL=primary.url,
            REDIS_URL=redis_url(),
            CACHE_PREFIX=f"bench-gate-{secrets.token_hex(4)}",
            PAGE_CACHE_SECONDS="0",
            FRAGMENT_CACHE_SECONDS="0",
        )
        migrate(env)
        replica = primary.replica(8105)
        try:
            env["DATABASE_REPLICA_URLS"] = replica.url
            os.environ.update(env)
            run()
        finally:
            replica.destroy()
    finally:
        primary.destroy()


def run() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from articles.caching import walgate
    from articles.models import Article, Section
    from articles.publishing import workflow
    from newsroom.ops import dbrouter

    user = get_user_model().objects.create(username="bench", is_staff=True, is_superuser=True)
    section = Section.objects.create(name="News", slug="news")
    article = Article.objects.create(
        headline="Harbour plan approved", slug="harbour-plan", section=section, body="<p>Text.</p>" * 20
    )
    workflow.publish(article=article, user=user)
    url = article.get_absolute_url()
    time.sleep(0.5)  # let the replica replay the publish

    gate = walgate.gate()
    print(f"gate read (Redis GET)             {median_us(walgate.gate):8.1f} us")
    replay = median_us(lambda: dbrouter._replay_position("replica0"))
    print(f"replay position (replica query)   {replay:8.1f} us")
    print(f"replica check (usable)            {median_us(lambda: dbrouter.usable('replica0', gate)):8.1f} us")
    print(f"whole choice (both, per request)  {median_us(dbrouter.choose):8.1f} us -> {dbrouter.choose()}")
    print(f"record at publish (primary+Redis) {median_us(walgate.record, 500):8.1f} us (gate {gate})")

    client = Client(HTTP_HOST="127.0.0.1")
    assert client.get(url).status_code == 200

    def page():
        assert client.get(url).status_code == 200

    with_replica = median_us(page, PAGES)
    settings.DATABASE_REPLICAS = []
    primary_only = median_us(page, PAGES)
    print(f"story page, replica behind gate   {with_replica:8.1f} us")
    print(f"story page, primary only          {primary_only:8.1f} us")
    print(f"difference                        {with_replica - primary_only:8.1f} us")


if __name__ == "__main__":
    main()
