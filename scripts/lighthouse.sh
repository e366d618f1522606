#!/usr/bin/env bash
# `make lighthouse`: Lighthouse (npm) in Debian's Chromium against the demo site served as in production
# (gunicorn, DEBUG off, compressed responses, hashed static files, media with their cache headers), on the
# home, an article and a section page. Prints the four scores and fails on any score under 100 or a failed
# "text compression" or "cache policy" audit. Reports go to .state/lighthouse/.
set -euo pipefail
cd "$(dirname "$0")/.."
NEED_APT="chromium npm" source scripts/setup.sh
LIGHTHOUSE_VERSION=12.8.2
LH="$STATE/node/node_modules/.bin/lighthouse"
if [ ! -x "$LH" ] || [ "$(cat "$STATE/lighthouse.version" 2>/dev/null)" != "$LIGHTHOUSE_VERSION" ]; then
    say "installing lighthouse $LIGHTHOUSE_VERSION (npm)"
    npm install --prefix "$STATE/node" --no-audit --no-fund --no-save --silent "lighthouse@$LIGHTHOUSE_VERSION" >/dev/null
    echo "$LIGHTHOUSE_VERSION" > "$STATE/lighthouse.version"
fi
python manage.py migrate --noinput -v0
python manage.py load_demo >/dev/null
PORT="${LIGHTHOUSE_PORT:-8077}"
STATIC_ROOT="$(mktemp -d)"
export STATIC_ROOT DJANGO_SETTINGS_MODULE=newsroom.settings.production DEBUG=0 SECURE_SSL_REDIRECT=0 \
    SERVE_MEDIA=1 ALLOWED_HOSTS=127.0.0.1 SITE_URL="http://127.0.0.1:$PORT" \
    SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(64))')"
# Production cookies are Secure: on plain-HTTP loopback the demo needs none of them anyway.
python manage.py collectstatic --noinput -v0
gunicorn newsroom.wsgi -w 2 -b "127.0.0.1:$PORT" --log-level warning &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$STATIC_ROOT"' EXIT
for _ in $(seq 1 50); do curl -fsS -o /dev/null "http://127.0.0.1:$PORT/" 2>/dev/null && break; sleep 0.2; done
article="$(python -c 'import django; django.setup()
from articles.models import Article
print(Article.objects.published().filter(lead_photo__isnull=False).select_related("section").first().get_absolute_url())')"
section="$(python -c 'import django; django.setup()
from articles.models import Section
print(Section.objects.filter(parent__isnull=True).first().get_absolute_url())')"
out="$STATE/lighthouse"; mkdir -p "$out"
status=0
for path in / "$article" "$section"; do
    name="$(echo "$path" | tr '/' '_')"
    # A trace now and then fails to record (NO_NAVSTART) on a busy machine: one more try.
    for attempt in 1 2; do
        CHROME_PATH=/usr/bin/chromium "$LH" "http://127.0.0.1:$PORT$path" --quiet --output=json \
            --output-path="$out/$name.json" --only-categories=performance,accessibility,best-practices,seo \
            --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-quic" \
            && break
        [ "$attempt" = 2 ] && status=1
    done
    [ -f "$out/$name.json" ] || continue
    python - "$out/$name.json" "$path" <<'PY' || status=1
import json, sys
report = json.load(open(sys.argv[1]))
scores = {k: round(v["score"] * 100) for k, v in report["categories"].items()}
audits = {a: report["audits"][a]["score"] for a in ("uses-text-compression", "uses-long-cache-ttl")}
print(sys.argv[2], scores, "text compression:", audits["uses-text-compression"], "cache policy:", audits["uses-long-cache-ttl"])
sys.exit(0 if min(scores.values()) == 100 and all(s in (None, 1) for s in audits.values()) else 1)
PY
done
exit $status
