"""Settings for the test suite: a real PostgreSQL, a per-run media folder, fast password hashing."""

import tempfile

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Email stays in django.core.mail.outbox (Django's test runner does this too; said here so no test mails out).
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# Each test points MEDIA_ROOT at its own temporary folder (tests/conftest.py); this is the fallback.
MEDIA_ROOT = tempfile.mkdtemp(prefix="newsroom-media-")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
AXES_ENABLED = True
# The page and fragment caches are off in tests (query budgets measure real rendering); their own tests
# turn them on.
PAGE_CACHE_SECONDS = 0
FRAGMENT_CACHE_SECONDS = 0

# No request leaves a test run: the embed tests turn title lookups on against a loopback server.
EMBED_TITLE_LOOKUPS = False
# Tasks run inline where they are enqueued; the worker's own tests use the database backend.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

# The flush between transactional tests truncates every table; the audit log's trigger allows that only
# in a session that asks (newsroom/audit/migrations/0001_initial.py).
for _db in DATABASES.values():  # noqa: F405
    _db.setdefault("OPTIONS", {})["options"] = "-c newsroom.audit_truncate=on"
