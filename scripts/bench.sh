#!/usr/bin/env bash
# `make bench`: seed a 100,000-story archive in a database of its own (newsroom_bench), serve it with the
# production settings under gunicorn, load it with wrk on loopback and print the table (bench/run.py).
# Options go to bench/run.py (--duration, --only...); RESEED=1 replaces the archive.
set -euo pipefail
cd "$(dirname "$0")/.."
NEED_APT="wrk"
source scripts/setup.sh

# The benchmark's own database and media, never the demo's: same server, database newsroom_bench.
DATABASE_URL="$(python -c 'import os, sys, urllib.parse as u
p = u.urlsplit(os.environ["DATABASE_URL"]); print(u.urlunsplit(p._replace(path="/" + sys.argv[1])))' \
    "${BENCH_DB_NAME:-newsroom_bench}")"
export DATABASE_URL
python -m newsroom.ops.dbcreate
export MEDIA_ROOT="$ROOT/.state/bench-media"
# Production settings on plain-HTTP loopback: no TLS to redirect to; a fresh key per run.
export DJANGO_SETTINGS_MODULE=bench.settings DEBUG=0 SECURE_SSL_REDIRECT=0 ALLOWED_HOSTS=127.0.0.1,localhost
SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(64))')"
export SECRET_KEY
# Its own key prefix: the Redis may be the demo's, and cached pages must not cross over.
export CACHE_PREFIX=newsroom-bench
# The read API's rate limiter still counts every request (its Redis round trip is measured), under a
# limit no run reaches: wrk is one client.
export API_ANON_RATE=1000000000
STATIC_ROOT="$(mktemp -d)"
BENCH_RUN_DIR="$(mktemp -d)"
export STATIC_ROOT BENCH_RUN_DIR

# The server and wrk stop with this script, however it ends: bench/run.py leaves their ids here. Each
# step runs in the background and is waited for, so a TERM or Ctrl-C reaches this trap at once.
step=""
cleanup() {
    if [ -n "$step" ]; then
        kill -TERM "$step" 2>/dev/null && wait "$step" 2>/dev/null || true
    fi
    if [ -f "$BENCH_RUN_DIR/server.pgid" ]; then
        kill -TERM -- "-$(cat "$BENCH_RUN_DIR/server.pgid")" 2>/dev/null || true
    fi
    if [ -f "$BENCH_RUN_DIR/wrk.pid" ]; then
        kill -TERM "$(cat "$BENCH_RUN_DIR/wrk.pid")" 2>/dev/null || true
    fi
    rm -rf "$STATIC_ROOT" "$BENCH_RUN_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
run() {
    "$@" &
    step=$!
    wait "$step"
    step=""
}

run python manage.py migrate --noinput -v0
run python manage.py seed_archive ${RESEED:+--reseed}
run python manage.py collectstatic --noinput -v0
run python -m bench.run "$@"
# The read beacon (POST /r/) against the framework floor, measured in one run of its own (bench/beacon.py).
run python bench/beacon.py
# The audit log's cost on a story save and its screen at a million rows, in a database of its own.
DATABASE_URL="${DATABASE_URL%/*}/newsroom_bench_audit" run python -m newsroom.ops.dbcreate
DATABASE_URL="${DATABASE_URL%/*}/newsroom_bench_audit" DJANGO_SETTINGS_MODULE=newsroom.settings.base \
    run python bench/audit.py
# An issue's send rate through a real SMTP server on loopback, against Django's SMTP backend alone.
DATABASE_URL="${DATABASE_URL%/*}/newsroom_bench_newsletter" run python -m newsroom.ops.dbcreate
DATABASE_URL="${DATABASE_URL%/*}/newsroom_bench_newsletter" DJANGO_SETTINGS_MODULE=newsroom.settings.base \
    run python bench/newsletter.py
# The bytes each content encoding sends for the main pages, and what compressing one costs.
run python bench/encodings.py
