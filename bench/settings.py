"""The production settings as `make bench` serves them: one extra route (the framework floor, bench/urls.py)
and static files collected into a throwaway folder."""

import os
from pathlib import Path

from newsroom.settings.production import *  # noqa: F403
from newsroom.settings.production import STATIC_ROOT as PROJECT_STATIC_ROOT

ROOT_URLCONF = "bench.urls"
# scripts/bench.sh runs collectstatic into a temporary folder, leaving the project's staticfiles/ alone.
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", PROJECT_STATIC_ROOT))
