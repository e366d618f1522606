"""The real worker command in its own process, against this test's database (shared by the worker and
newsletter-sending tests)."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)


def worker_env() -> dict:
    """This process's environment (read when called, so a test can change it) pointed at the test database."""
    db = connection.settings_dict
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{host}/{db['NAME']}"
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    return {**env, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "newsroom.settings.base", "DEBUG": "0"}


def run_worker(*args, **kwargs):
    command = [sys.executable, "manage.py", "run_worker", "--no-startup-delay", "--no-reload", *args]
    return subprocess.Popen(command, cwd=ROOT, env=worker_env(), **kwargs)
