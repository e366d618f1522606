import pytest

from articles.models import WebhookSubscription
from tests.background import RECEIVER_PORT, Answer, LoopbackServer

SECRET = "s3cret-for-the-receiver-0123456789"


@pytest.fixture(scope="session")
def _receiver():
    server = LoopbackServer(RECEIVER_PORT).start()
    yield server
    server.stop()


@pytest.fixture
def receiver(_receiver, settings):
    """A subscriber's endpoint on loopback (allowed for these tests), answering 200 unless told otherwise."""
    settings.OUTBOUND_ALLOW_PRIVATE_ADDRESSES = True
    _receiver.reset()
    _receiver.answers["/hook"] = Answer(b"ok")
    yield _receiver
    _receiver.reset()


@pytest.fixture
def db_tasks(settings):
    """Tasks are rows of the database backend, as in production (background.run_ready_tasks runs them)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def subscription(db, receiver):
    return WebhookSubscription.objects.create(
        name="Partner app",
        url=receiver.url("/hook"),
        events=["published", "updated", "unpublished", "corrected"],
        secret=SECRET,
    )
