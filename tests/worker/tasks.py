"""Tasks for the worker's tests: they leave a Source row behind as proof they ran."""

import time
from pathlib import Path

from django.tasks import task

from articles.models import Source
from articles.worker.retry import retried


@task
def record(name: str) -> str:
    Source.objects.create(name=name, slug=name)
    return name


@task
@retried(attempts=3, base=0)
def flaky(marker: str, *, attempt: int = 1) -> int:
    """Fails on its first attempt, succeeds on the next."""
    if not Path(marker).exists():
        Path(marker).write_text("failed once")
        raise RuntimeError("the agency's server hung up")
    Source.objects.create(name=f"flaky-{attempt}", slug=f"flaky-{attempt}")
    return attempt


@task
def hang_once(marker: str) -> None:
    """The first run hangs (its worker is killed meanwhile); a later run completes."""
    if not Path(marker).exists():
        Path(marker).write_text("running")
        time.sleep(60)
    Source.objects.create(name="survived", slug="survived")
