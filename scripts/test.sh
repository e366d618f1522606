#!/usr/bin/env bash
# `make test`: set up and run the whole suite (lint included) against a real PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
NEED_APT="chromium" NEED_VNU=1 source scripts/setup.sh
ruff check .
ruff format --check .
DJANGO_SETTINGS_MODULE=newsroom.settings.production SECRET_KEY="check-deploy-$(date +%s)-not-a-real-key-but-long-enough-for-the-check" \
    ALLOWED_HOSTS=news.example.org python manage.py check --deploy --fail-level WARNING
exec pytest "$@"
