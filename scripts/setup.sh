#!/usr/bin/env bash
# Idempotent setup shared by `make run`, `make test` and `make bench`: a Python 3.12+ virtualenv with the
# project installed, a PostgreSQL that answers, and Redis where one can be had. Source it, don't run it:
# it exports DATABASE_URL / REDIS_URL for the caller.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="$ROOT/.state"
mkdir -p "$STATE"

say() { printf '\033[1m[newsroom]\033[0m %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

# --- Python -------------------------------------------------------------------------------------
python_ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; }

find_python() {
    local c
    for c in "${PYTHON:-}" python3.13 python3.12 python3.14 \
             /root/.pyenv/versions/3.13*/bin/python3 /root/.pyenv/versions/3.12*/bin/python3 \
             "$HOME"/.pyenv/versions/3.1[2-9]*/bin/python3 /usr/local/bin/python3 /usr/bin/python3 python3; do
        [ -n "$c" ] || continue
        if command -v "$c" >/dev/null 2>&1 && python_ok "$c"; then command -v "$c"; return 0; fi
    done
    return 1
}

VENV="$ROOT/.venv"
if [ ! -x "$VENV/bin/python" ] || ! python_ok "$VENV/bin/python"; then
    PY="$(find_python)" || die "Python 3.12 or newer is needed (Django 6.1). Install one, e.g.
    'apt-get install python3.12 python3.12-venv' or 'pyenv install 3.13', or set PYTHON=/path/to/python3.12."
    say "creating virtualenv with $PY"
    rm -rf "$VENV"
    "$PY" -m venv "$VENV"
fi

# Reinstall only when the dependency list changed, so a second run costs nothing.
stamp="$STATE/deps.sha"
want="$(sha256sum "$ROOT/pyproject.toml" | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    say "installing Python dependencies"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e "$ROOT[dev]"
    echo "$want" > "$stamp"
fi
export PATH="$VENV/bin:$PATH"

# --- Debian packages a command needs (NEED_APT="chromium wrk"): installed once, as root ---------
missing=()
# The Nu HTML checker (NEED_VNU=1, tests/test_html_valid.py) runs on Java and comes from npm.
[ "${NEED_VNU:-}" = 1 ] && NEED_APT="${NEED_APT:-} java npm"
for pkg in ${NEED_APT:-}; do
    case "$pkg" in
        chromium) [ -x /usr/bin/chromium ] || missing+=(chromium fonts-dejavu-core) ;;
        java) command -v java >/dev/null 2>&1 || missing+=(default-jre-headless) ;;
        varnish) command -v varnishd >/dev/null 2>&1 || command -v /usr/sbin/varnishd >/dev/null 2>&1 || missing+=(varnish) ;;
        varnish-modules) ls /usr/lib/*/varnish/vmods/libvmod_xkey.so >/dev/null 2>&1 || missing+=(varnish-modules) ;;
        *) command -v "$pkg" >/dev/null 2>&1 || missing+=("$pkg") ;;
    esac
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        say "installing ${missing[*]} (apt-get)"
        apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        die "missing: ${missing[*]}. Install them: sudo apt-get install ${missing[*]}"
    fi
fi

# --- Nu HTML checker (NEED_VNU=1): vnu.jar from the npm package vnu-jar, in .state/node -------------
VNU_VERSION=26.9.27
if [ "${NEED_VNU:-}" = 1 ]; then
    export VNU_JAR="$STATE/node/node_modules/vnu-jar/build/dist/vnu.jar"
    if [ ! -f "$VNU_JAR" ] || [ "$(cat "$STATE/vnu.version" 2>/dev/null)" != "$VNU_VERSION" ]; then
        say "installing the Nu HTML checker (vnu-jar $VNU_VERSION, npm)"
        npm install --prefix "$STATE/node" --no-audit --no-fund --no-save --silent "vnu-jar@$VNU_VERSION" >/dev/null \
            || die "could not install vnu-jar from the npm registry"
        echo "$VNU_VERSION" > "$STATE/vnu.version"
    fi
fi

# --- PostgreSQL ---------------------------------------------------------------------------------
PGBIN=""
for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && PGBIN="$d"; done
pg_ready() { command -v pg_isready >/dev/null 2>&1 && pg_isready -q "$@"; }

start_embedded() {
    local data="$ROOT/.pgdata" port=54329
    [ -n "$PGBIN" ] || die "No PostgreSQL server answers and no PostgreSQL binaries are installed.
    Install them: 'apt-get install postgresql' (Debian), or set DATABASE_URL to a server you have."
    if [ ! -f "$data/PG_VERSION" ]; then
        say "creating a private PostgreSQL cluster in .pgdata"
        local owner=""
        # initdb refuses to run as root: the cluster belongs to the postgres user where there is one.
        if [ "$(id -u)" = 0 ]; then owner=postgres; id postgres >/dev/null 2>&1 || die "running as root
    needs a 'postgres' system user for the private cluster (apt-get install postgresql creates it)."; fi
        mkdir -p "$data"; [ -n "$owner" ] && chown "$owner" "$data"
        ${owner:+runuser -u "$owner" --} "$PGBIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 >/dev/null
    fi
    if ! pg_ready -h "$data" -p "$port"; then
        local owner=""; [ "$(id -u)" = 0 ] && owner=postgres
        ${owner:+runuser -u "$owner" --} "$PGBIN/pg_ctl" -D "$data" -l "$data/server.log" -w \
            -o "-k $data -p $port -c listen_addresses=''" start >/dev/null
    fi
    export DATABASE_URL="postgres://postgres@/newsroom?host=$data&port=$port"
}

if [ -z "${DATABASE_URL:-}" ]; then
    if pg_ready -h 127.0.0.1 -p 5432; then
        export DATABASE_URL="postgres://postgres@127.0.0.1:5432/newsroom"
    else
        if ls /etc/postgresql/*/main >/dev/null 2>&1 && command -v pg_ctlcluster >/dev/null; then
            say "starting the system PostgreSQL cluster"
            pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | tail -n1)" main start || true
            for _ in $(seq 1 30); do pg_ready -h 127.0.0.1 -p 5432 && break; sleep 0.5; done
        fi
        if pg_ready -h 127.0.0.1 -p 5432; then
            export DATABASE_URL="postgres://postgres@127.0.0.1:5432/newsroom"
        else
            start_embedded
        fi
    fi
fi
# Create the database named in DATABASE_URL if it is missing (tests create their own test_ copy).
python -m newsroom.ops.dbcreate || die "cannot reach or create the database at DATABASE_URL=$DATABASE_URL"

# --- Redis (optional: the cache degrades to local memory without it) ----------------------------
if [ -z "${REDIS_URL:-}" ]; then
    if command -v redis-cli >/dev/null && ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 \
        && command -v redis-server >/dev/null; then
        say "starting Redis"
        # A cache only: when full it drops the least recently used keys, which pages re-render.
        redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
            --maxmemory 256mb --maxmemory-policy allkeys-lru \
            --dir "$STATE" --logfile "$STATE/redis.log" >/dev/null || true
        sleep 0.3
    fi
    if command -v redis-cli >/dev/null && redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
        export REDIS_URL="redis://127.0.0.1:6379/0"
    else
        say "no Redis at 127.0.0.1:6379: using the local-memory cache (apt-get install redis-server for the real one)"
    fi
fi
