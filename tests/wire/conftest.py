import pytest

from articles.models import Source, WireFeed
from tests.background import FEED_PORT, LoopbackServer


@pytest.fixture(scope="session")
def _feed_server():
    server = LoopbackServer(FEED_PORT).start()
    yield server
    server.stop()


@pytest.fixture
def feed_server(_feed_server, settings):
    """The agency on loopback (allowed for these tests only)."""
    settings.OUTBOUND_ALLOW_PRIVATE_ADDRESSES = True
    _feed_server.reset()
    yield _feed_server
    _feed_server.reset()


@pytest.fixture
def reuters(db):
    return Source.objects.create(name="Reuters", slug="reuters", kind=Source.Kind.AGENCY)


@pytest.fixture
def make_feed(db, section, reuters, feed_server):
    def make(path, fmt=WireFeed.Format.RSS, **kwargs):
        kwargs.setdefault("name", f"Feed {path}")
        kwargs.setdefault("source", reuters)
        return WireFeed.objects.create(url=feed_server.url(path), format=fmt, section=section, **kwargs)

    return make
