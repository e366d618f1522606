#!/usr/bin/env bash
# `make run`: set up, migrate, load the demo content and serve the site on http://127.0.0.1:8000.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
export DEBUG="${DEBUG:-1}"
python manage.py migrate --noinput
python manage.py load_demo
say "site:  http://127.0.0.1:${PORT:-8000}/    admin: http://127.0.0.1:${PORT:-8000}/admin/"
say "demo accounts (development only): editor / editor-demo-pass, reporter / reporter-demo-pass, admin / admin-demo-pass"
# The task worker (emails, wire polling, webhooks) runs next to the server, in its own process group,
# and stops when the server stops however it stops.
setsid python manage.py run_worker &
WORKER=$!
trap 'kill -TERM -- -"$WORKER" 2>/dev/null || true' EXIT
say "task worker: pid $WORKER (python manage.py run_worker)"
python manage.py runserver "127.0.0.1:${PORT:-8000}"
