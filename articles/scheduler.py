"""The scheduler step every worker runs (run_worker), instead of a cron: enqueue a poll for each wire feed
that is due, run again the tasks of workers that died, forget photo files held for forms nobody
came back to, and every few minutes move the story reads counted in Redis into the database.

Several workers may tick at once: a transaction-level advisory lock lets one through and the others skip,
and a due feed's next poll time moves in the same transaction as its poll task is written.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.photos import held
from articles.readership import flush as reads
from articles.wire import polling
from newsroom.audit import chain

logger = logging.getLogger(__name__)
LOCK_KEY = 0x6E657773  # "news": any constant the other users of advisory locks do not take
# A task claimed by this many workers that all died (it may be what kills them) is given up.
MAX_CLAIMS = 3


@transaction.atomic
def requeue_stalled(now=None) -> int:
    """Tasks still RUNNING after TASK_STALE_SECONDS: their worker died (every task here is bounded by
    its timeouts). They run again, unless they were claimed MAX_CLAIMS times already: then they fail."""
    now = now or timezone.now()
    stalled = DBTaskResult.objects.select_for_update(skip_locked=True).filter(
        status=TaskResultStatus.RUNNING, started_at__lt=now - timedelta(seconds=settings.TASK_STALE_SECONDS)
    )
    count = 0
    for row in stalled:
        if len(row.worker_ids) >= MAX_CLAIMS:
            row.status, row.finished_at = TaskResultStatus.FAILED, now
            row.exception_class_path = "articles.worker.WorkerLost"
            row.traceback = f"Its worker died {len(row.worker_ids)} times while running it: given up."
            row.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
        else:
            row.status, row.started_at = TaskResultStatus.READY, None
            row.save(update_fields=["status", "started_at"])
        count += 1
    if count:
        logger.warning("%d task(s) of dead workers put back in the queue", count)
    return count


def tick() -> bool:
    """One scheduler step; False when another worker holds the step right now."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK_KEY])
            if not cursor.fetchone()[0]:
                return False
        requeue_stalled()
        polling.enqueue_due_polls()
        held.expire()
        reads.enqueue_if_due()
    # Audit rows written since the last step, linked into the chain (newsroom/audit/chain.py).
    chain.seal()
    return True
