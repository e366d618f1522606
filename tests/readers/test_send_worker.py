"""An issue sent to 1,000 subscribers by the real worker through a real SMTP server on loopback, the
worker killed mid-send with SIGKILL and started again: every subscriber gets it exactly once, and a
suppressed address never."""

import os
import signal
import subprocess
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from articles import scheduler
from newsroom.readers import sending
from newsroom.readers.models import Delivery, Issue, IssueItem, Suppression
from tests.readers.conftest import audience
from tests.readers.smtp import SMTP_PORT, SMTPServer
from tests.worker.processes import run_worker, worker_env

pytestmark = pytest.mark.django_db(transaction=True)
SUBSCRIBERS = 1000
KILL_AT = 300


@pytest.fixture(autouse=True)
def db_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _issue(newsletter) -> Issue:
    audience(newsletter, [f"reader{n:04}@example.org" for n in range(SUBSCRIBERS)])
    issue = Issue.objects.create(newsletter=newsletter, subject="Tuesday's briefing")
    IssueItem.objects.create(issue=issue, headline="A story", url="https://news.example/world/a-story/")
    return issue


def _env(**extra):
    return {
        **worker_env(),
        "EMAIL_URL": f"smtp://127.0.0.1:{SMTP_PORT}",
        "NEWSLETTER_SEND_RATE": "0",
        **extra,
    }


def test_a_killed_worker_sends_everyone_exactly_once(newsletter, monkeypatch):
    issue = _issue(newsletter)
    Suppression.objects.create(email="reader0500@example.org", reason="bounce")
    with SMTPServer() as smtp:
        monkeypatch.setattr(os, "environ", _env())  # run_worker builds its environment from ours
        worker = run_worker(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        def kill_on_message(count):
            # The worker dies with this message on the wire, before the server's "250": it was never
            # accepted, and the row stays "sending".
            if count == KILL_AT and worker.poll() is None:
                worker.send_signal(signal.SIGKILL)
                worker.wait(timeout=30)
                return False
            return True

        smtp.before_accept = kill_on_message
        assert sending.send_now(issue=issue) == SUBSCRIBERS
        try:
            assert smtp.wait_for(KILL_AT) and worker.wait(timeout=60) == -signal.SIGKILL
        finally:
            if worker.poll() is None:
                worker.kill()
        assert len(smtp.received) == KILL_AT
        counts = sending.progress(issue)
        assert counts["sent"] == KILL_AT and counts["sending"] == 1 and counts["claimed"] > 0
        smtp.before_accept = None
        # The dead worker's task goes back to the queue (as after TASK_STALE_SECONDS); a new worker runs it.
        assert scheduler.requeue_stalled(now=timezone.now() + timedelta(days=1)) == 1
        restarted = run_worker("--batch", stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        output, _ = restarted.communicate(timeout=300)
        assert restarted.returncode == 0, output.decode()
    per_address = Counter(rcpt for rcpt, _ in smtp.received)
    expected = {f"reader{n:04}@example.org" for n in range(SUBSCRIBERS)} - {"reader0500@example.org"}
    assert set(per_address) == expected and set(per_address.values()) == {1}
    assert sending.progress(issue)["sent"] == SUBSCRIBERS - 1
    assert Delivery.objects.get(email="reader0500@example.org").status == "suppressed"
    issue.refresh_from_db()
    assert issue.status == "sent"
    message = smtp.received[0][1]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Unsubscribe"].startswith("<http") and message["Message-ID"].startswith("<issue-")
    assert {part.get_content_type() for part in message.walk()} >= {"text/plain", "text/html"}
