"""gunicorn hooks for the benchmark's server (bench/run.py passes this file with -c)."""

import os
from pathlib import Path


def post_worker_init(worker):
    """Tell bench/run.py this worker has loaded the application: a booting worker must not be measured."""
    ready = os.environ.get("BENCH_READY_DIR")
    if ready:
        Path(ready, str(worker.pid)).touch()
