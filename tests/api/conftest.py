"""Fixtures for the read API: a fully dressed story, stories in every state readers cannot see, keys, and a
real Redis for the limits that must hold across processes."""

import os
import shutil
import socket
import subprocess
import time
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.api import keys
from articles.models import (
    Article,
    Correction,
    GalleryItem,
)
from tests.api.helpers import REDIS_PORT


@pytest.fixture
def dressed_story(make_article, make_author, make_source, make_photo, make_section):
    """A published story with every part a ninjs item shows."""
    reuters = make_source(name="Reuters", slug="reuters", url="https://www.reuters.com/")
    europe = make_section(name="Europe", slug="europe", parent=make_section(name="Global", slug="global"))
    lead = make_photo(
        caption="Smoke over the port", alt_text="Smoke rises over cranes", credit_source=reuters
    )
    extra = make_photo(caption="", alt_text="A ferry", credit_text="Jane Photographer", may_redistribute=True)
    story = make_article(
        headline="Port reopens after strike",
        standfirst="Ships sail again.",
        body="<p>The port <strong>reopened</strong> on Monday.</p><p>Two more words.</p>",
        seo_title="Port reopens",
        section=europe,
        lead_photo=lead,
        authors=[make_author(name="Maya Lindqvist", slug="maya"), make_author(name="Ivo Petrov", slug="ivo")],
        sources=[reuters],
        tags=["Shipping", "Black Sea"],
    )
    GalleryItem.objects.create(article=story, photo=extra, caption="The first ferry out", order=0)
    Correction.objects.create(article=story, text="An earlier version misnamed the port.")
    return story


@pytest.fixture
def hidden_stories(make_article, editor):
    """One story in each state readers cannot see, all sharing the visible story's section, tag, author."""

    def make(*, author, tag="Shipping", **fields):
        stories = {}
        now = timezone.now()
        states = {
            "draft": {"status": Article.Status.DRAFT},
            "review": {"status": Article.Status.REVIEW},
            "unpublished": {"status": Article.Status.UNPUBLISHED, "published_at": now - timedelta(days=1)},
            "scheduled": {"status": Article.Status.PUBLISHED, "published_at": now + timedelta(hours=2)},
            "trashed": {"status": Article.Status.PUBLISHED, "deleted_at": now},
        }
        for name, state in states.items():
            stories[name] = make_article(
                headline=f"Hidden {name} story", authors=[author], tags=[tag], **state, **fields
            )
        return stories

    return make


@pytest.fixture
def issue_key(administrator):
    def issue(**fields):
        fields.setdefault("name", "Partner app")
        fields.setdefault("owner", "Partner Ltd")
        return keys.issue_key(user=administrator, **fields)

    return issue


# --- A real Redis ------------------------------------------------------------------------------------


def _answers(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """REDIS_URL when set (scripts/test.sh sets it), else a redis-server of our own on loopback."""
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (scripts/test.sh apt-installs it)")
    folder = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen(
        [binary, "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", "", "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while not _answers(REDIS_PORT):
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{REDIS_PORT}/0"
    finally:
        server.terminate()
        server.wait(10)


@pytest.fixture
def real_redis(settings, redis_url):
    """The cache on the real Redis under a prefix of this test's own, removed afterwards."""
    import redis

    prefix = f"api-test-{uuid.uuid4().hex}"
    before = settings.CACHES
    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.redis_cache.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": prefix,
        }
    }
    yield prefix
    server = redis.Redis.from_url(redis_url)
    server.delete(*server.keys(f"{prefix}:*") or [f"{prefix}:none"])
    # Back to the test cache before the suite's own cache.clear(), which would empty the whole database.
    settings.CACHES = before
