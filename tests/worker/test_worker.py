"""The real worker command (run_worker, django-tasks-db's worker plus the scheduler step) in its own process,
against tasks stored as rows: it runs them, retries a failure, and a task whose worker died runs again."""

import signal
import subprocess
import time
from datetime import timedelta

import pytest
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles import scheduler as schedule
from articles.models import Source
from tests.worker import tasks
from tests.worker.processes import run_worker

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def db_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def batch():
    process = run_worker("--batch", stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output, _ = process.communicate(timeout=120)
    assert process.returncode == 0, output.decode()
    return output.decode()


def test_the_worker_runs_a_task_enqueued_as_a_row():
    result = tasks.record.enqueue("from-the-queue")
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.READY
    batch()
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.SUCCESSFUL and row.return_value == "from-the-queue"
    assert Source.objects.filter(name="from-the-queue").exists()


def test_two_workers_share_the_queue_and_run_each_task_once():
    results = [tasks.record.enqueue(f"story-{n}") for n in range(12)]
    workers = [run_worker("--batch", "--worker-id", f"w{n}", stdout=subprocess.DEVNULL) for n in (1, 2)]
    assert [worker.wait(timeout=120) for worker in workers] == [0, 0]
    rows = DBTaskResult.objects.filter(pk__in=[r.id for r in results])
    # A task run twice would fail on its second Source (unique slug): each ran once, by one worker.
    assert {row.status for row in rows} == {TaskResultStatus.SUCCESSFUL}
    assert all(len(row.worker_ids) == 1 for row in rows)
    assert Source.objects.filter(slug__startswith="story-").count() == 12


def test_a_failing_task_is_retried_and_the_failure_stays_visible(tmp_path):
    tasks.flaky.enqueue(str(tmp_path / "marker"))
    batch()
    # The scheduler step may enqueue its own tasks (the reads flush) in the same batch: only the flaky ones.
    rows = list(DBTaskResult.objects.filter(task_path__endswith=".flaky").order_by("enqueued_at"))
    assert [row.status for row in rows] == [TaskResultStatus.FAILED, TaskResultStatus.SUCCESSFUL]
    assert "the agency's server hung up" in rows[0].traceback
    assert rows[1].args_kwargs["kwargs"]["attempt"] == 2 and rows[1].return_value == 2


def test_a_task_whose_worker_died_runs_again(tmp_path, settings):
    marker = tmp_path / "marker"
    result = tasks.hang_once.enqueue(str(marker))
    process = run_worker(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists() and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.1)
        assert marker.exists(), "the worker never started the task"
    finally:
        process.send_signal(signal.SIGKILL)  # the worker dies mid-task
        process.wait(timeout=30)
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.RUNNING
    # The next scheduler step after TASK_STALE_SECONDS puts it back in the queue; a worker completes it.
    later = timezone.now() + timedelta(seconds=settings.TASK_STALE_SECONDS + 1)
    assert schedule.requeue_stalled(now=later) == 1
    batch()
    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL and len(row.worker_ids) == 2
    assert Source.objects.filter(name="survived").exists()


def test_a_task_that_keeps_killing_its_worker_is_given_up():
    result = tasks.record.enqueue("never")
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - timedelta(days=1),
        worker_ids=["a", "b", "c"],
    )
    assert schedule.requeue_stalled() == 1
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.FAILED and "died 3 times" in row.traceback


def test_failed_tasks_show_in_the_admin(client, administrator, tmp_path):
    tasks.flaky.enqueue(str(tmp_path / "marker"))
    batch()
    client.force_login(administrator)
    page = client.get("/admin/django_tasks_database/dbtaskresult/?status__exact=FAILED").content.decode()
    assert "flaky" in page
