"""Background work on django.tasks with the database backend: retries with back-off and enqueueing with
the transaction. The scheduler step each worker runs (due wire feeds, tasks of dead workers) sits on top,
in articles/scheduler.py, since it calls the wire's polling."""
