#!/usr/bin/env bash
# `make test`: set up and run the whole suite (lint included) against a real PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
# redis-server also runs the Sentinels, docker-compose validates compose.yaml offline (tests/infra);
# varnish + varnish-modules: tests/edge runs a real Varnish with the xkey vmod.
NEED_APT="chromium redis-server docker-compose varnish varnish-modules" NEED_VNU=1 source scripts/setup.sh
ruff check .
ruff format --check .
lint-imports --no-cache
DJANGO_SETTINGS_MODULE=newsroom.settings.production SECRET_KEY="check-deploy-$(date +%s)-not-a-real-key-but-long-enough-for-the-check" \
    ALLOWED_HOSTS=news.example.org python manage.py check --deploy --fail-level WARNING
exec pytest "$@"
