"""Notification emails are tasks: written with the change (a rolled-back change leaves none), sent by the
worker, retried with back-off when the mail server fails."""

from datetime import timedelta

import pytest
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.models import Article
from articles.publishing import workflow
from tests.background import run_ready_tasks

pytestmark = pytest.mark.django_db
SEND = "articles.publishing.notifications.send_email"


@pytest.fixture(autouse=True)
def db_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def draft(make_article, reporter):
    return make_article(headline="Strike vote", status=Article.Status.DRAFT, created_by=reporter)


def test_an_email_waits_as_a_task_until_a_worker_sends_it(draft, reporter, editor, mailoutbox):
    with transaction.atomic():
        workflow.submit_for_review(article=draft, user=reporter)
    assert DBTaskResult.objects.filter(task_path=SEND).count() == 1 and mailoutbox == []
    run_ready_tasks()
    assert [m.to for m in mailoutbox] == [["ed@example.org"]]


def test_a_rolled_back_change_leaves_no_email_task(draft, reporter, editor):
    with pytest.raises(RuntimeError), transaction.atomic():
        workflow.submit_for_review(article=draft, user=reporter)
        raise RuntimeError("the request failed after the service ran")
    assert not DBTaskResult.objects.filter(task_path=SEND).exists()


def test_a_failing_mail_server_is_retried_later(draft, reporter, editor, mailoutbox, monkeypatch):
    def refuse(self, messages):
        raise ConnectionRefusedError("no mail server")

    with transaction.atomic():
        workflow.submit_for_review(article=draft, user=reporter)
    with monkeypatch.context() as patched:
        patched.setattr(EmailBackend, "send_messages", refuse)
        run_ready_tasks()
    assert DBTaskResult.objects.filter(task_path=SEND).failed().count() == 1
    retry = DBTaskResult.objects.get(task_path=SEND, status="READY")
    assert retry.run_after > timezone.now() + timedelta(seconds=20)
    run_ready_tasks(advance_to=retry.run_after)
    assert [m.to for m in mailoutbox] == [["ed@example.org"]]
