"""Retries with back-off, and enqueueing that follows the transaction.

django-tasks-db runs each task once: a failure is a FAILED row (shown in the admin under Task results,
with its traceback). `retried` makes a failed attempt enqueue the next one, deferred by an exponential
back-off, before it fails: every attempt stays visible as its own row, the next one waits as a READY row
with its `run_after`, and a worker that dies in between loses nothing.
"""

import functools
import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


def backoff_seconds(attempt: int, *, base: float = 30, cap: float = 3600) -> float:
    """Seconds to wait after failed attempt `attempt` (1, 2...): 30 s, 1 min, 2 min... at most an hour."""
    return min(cap, base * 2 ** (attempt - 1))


def retried(*, attempts: int = 5, base: float = 30, cap: float = 3600):
    """Decorate a task function (under @task): on an exception, enqueue attempt n+1 after backoff_seconds,
    up to `attempts` in all, then re-raise so this attempt is recorded as failed. The function receives
    `attempt` (1 first)."""

    def decorate(func):
        @functools.wraps(func)
        def run(*args, attempt: int = 1, **kwargs):
            try:
                return func(*args, attempt=attempt, **kwargs)
            except Exception:
                if attempt < attempts:
                    _again(
                        func,
                        args,
                        kwargs,
                        attempt=attempt + 1,
                        delay=backoff_seconds(attempt, base=base, cap=cap),
                    )
                raise

        return run

    return decorate


def _again(func, args, kwargs, *, attempt: int, delay: float) -> None:
    task = import_string(f"{func.__module__}.{func.__qualname__}")
    if not task.get_backend().supports_defer:
        # The immediate backend (tests) cannot wait: it would retry at once, inside this attempt.
        logger.warning("%s failed (attempt %d); this task backend cannot retry later", task.name, attempt - 1)
        return
    task.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue(*args, attempt=attempt, **kwargs)


def stored_in_database(task) -> bool:
    """Whether `task`'s backend keeps tasks as rows of this database (django-tasks-db)."""
    from django_tasks_db.backend import DatabaseBackend

    return isinstance(task.get_backend(), DatabaseBackend)


def enqueue_with_transaction(task, *args, **kwargs) -> None:
    """Enqueue `task` so that it runs only if the current transaction commits.

    With the database backend the row is written inside the transaction: it commits (or rolls back) with
    the change it reports, so no crash between the two can lose it. Other backends (immediate, in tests)
    are enqueued once the transaction has committed.
    """
    if stored_in_database(task):
        task.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(lambda: task.enqueue(*args, **kwargs))
