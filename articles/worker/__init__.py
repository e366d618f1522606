"""Background work on django.tasks with the database backend: retries with back-off, enqueueing with the
transaction, and the scheduler step each worker runs (due wire feeds, tasks of dead workers)."""
