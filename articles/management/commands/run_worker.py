"""`python manage.py run_worker`: django-tasks-db's worker (db_worker, same options) plus the scheduler
step (articles/scheduler.py) once at start and every WORKER_TICK_SECONDS after, in a thread.

Run one per process you want working; they share the queue through PostgreSQL row locks. `--batch` runs
the step once, then every task that is ready, and exits (cron-free one-shot runs, tests).
"""

import logging
import os
import threading

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand

from articles import scheduler as schedule

logger = logging.getLogger("articles.worker")


def _tick_safely() -> None:
    try:
        schedule.tick()
    except Exception:
        # A failed step (the database restarting) must not stop the worker: the next one tries again.
        logger.exception("The scheduler step failed")
    finally:
        close_old_connections()


def _ticker(stop: threading.Event) -> None:
    try:
        while not stop.wait(settings.WORKER_TICK_SECONDS):
            _tick_safely()
    finally:
        connection.close()


class Command(DBWorkerCommand):
    help = "Run background tasks (django-tasks-db's worker) and the scheduler step (wire polling)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--no-schedule", action="store_true", help="Run tasks only, no scheduler step.")

    def handle(self, *, batch: bool = False, no_schedule: bool = False, **options):
        stop = threading.Event()
        # With --reload the first process only watches the files; the one it starts does the work.
        reloader_parent = (
            options.get("reload") and not batch and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        )
        if not (no_schedule or reloader_parent):
            _tick_safely()
            if not batch:
                threading.Thread(target=_ticker, args=(stop,), name="scheduler", daemon=True).start()
        try:
            super().handle(batch=batch, **options)
        finally:
            stop.set()
