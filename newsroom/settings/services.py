"""Settings of the services beside the site (task worker, wire, webhooks, live coverage, edge purges, read
API): read from the environment like the rest, imported at the end of base.py."""

import os

from django.core.exceptions import ImproperlyConfigured

from .env import env_bool, env_list

# --- Background work, wire ingest, webhooks ---
# Tasks are rows in PostgreSQL (django-tasks-db): `python manage.py run_worker` runs them, as many
# workers as you like; a task survives a dead worker (articles/worker/). Tests run them inline.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# How often each worker runs the scheduler step (due wire feeds, tasks of dead workers), in seconds.
WORKER_TICK_SECONDS = int(os.environ.get("WORKER_TICK_SECONDS", "15"))
# A task still running after this long belonged to a worker that died: it is run again.
TASK_STALE_SECONDS = int(os.environ.get("TASK_STALE_SECONDS", "900"))
# Outbound HTTP (wire feeds, agency pictures, webhooks): a timeout, a size limit, and no private,
# loopback or link-local addresses unless this is on (the tests serve fixture feeds on loopback).
OUTBOUND_TIMEOUT_SECONDS = float(os.environ.get("OUTBOUND_TIMEOUT_SECONDS", "10"))
WIRE_MAX_BYTES = int(os.environ.get("WIRE_MAX_BYTES", str(5 * 1024 * 1024)))
OUTBOUND_ALLOW_PRIVATE_ADDRESSES = env_bool("OUTBOUND_ALLOW_PRIVATE_ADDRESSES", False)

# --- Live coverage (articles/live/) ---
# How often an open live story's page asks for new entries (seconds; the issue asks for 15 to 30), and how
# long a CDN may keep that answer.
LIVE_POLL_SECONDS = int(os.environ.get("LIVE_POLL_SECONDS", "20"))
LIVE_CDN_SECONDS = int(os.environ.get("LIVE_CDN_SECONDS", "1"))

# --- Edge cache purged by surrogate key (articles/caching/keys.py, edge.py, purge.py) ---
# "varnish" (PURGE with xkey to each of VARNISH_PURGE_URLS), "fastly", "cloudflare" or "none".
EDGE_PURGE_BACKEND = os.environ.get("EDGE_PURGE_BACKEND", "none").strip().lower()
EDGE_PURGE_TIMEOUT = float(os.environ.get("EDGE_PURGE_TIMEOUT", "2"))
VARNISH_PURGE_URLS = env_list("VARNISH_PURGE_URLS", "http://127.0.0.1:6081")
FASTLY_SERVICE_ID = os.environ.get("FASTLY_SERVICE_ID", "")
FASTLY_API_TOKEN = os.environ.get("FASTLY_API_TOKEN", "")
FASTLY_API_URL = os.environ.get("FASTLY_API_URL", "https://api.fastly.com")
CLOUDFLARE_ZONE_ID = os.environ.get("CLOUDFLARE_ZONE_ID", "")
CLOUDFLARE_API_TOKEN = os.environ.get("CLOUDFLARE_API_TOKEN", "")
CLOUDFLARE_API_URL = os.environ.get("CLOUDFLARE_API_URL", "https://api.cloudflare.com/client/v4")
if EDGE_PURGE_BACKEND != "none" and "CDN_CACHE_SECONDS" not in os.environ:
    # Purges end a page's life at the edge early; this bounds what a lost purge leaves behind.
    CDN_CACHE_SECONDS = 60
# Browsers keep a 404, a 410 or a redirect this long (and the edge at most CDN_CACHE_SECONDS).
ERROR_CACHE_SECONDS = int(os.environ.get("ERROR_CACHE_SECONDS", "10"))

# --- Read API (articles/api/) ---
# Requests per API_RATE_WINDOW seconds: anonymous clients by address, keyed clients by key (an API key's
# own limit, set in the admin, wins). Counted in Redis, so they hold across every server process.
API_RATE_WINDOW = int(os.environ.get("API_RATE_WINDOW", "60"))
API_ANON_RATE = int(os.environ.get("API_ANON_RATE", "60"))
API_KEY_RATE = int(os.environ.get("API_KEY_RATE", "1200"))
# Who the client is behind proxies is one setting for sign-in lockout, rate limits and logs alike:
# TRUSTED_PROXIES (base.py, newsroom/proxies.py). The API's own count of proxies is gone; a deployment
# still setting it would count its proxy as every client, so it stops the start instead.
if os.environ.get("API_TRUSTED_PROXIES"):
    raise ImproperlyConfigured(
        "API_TRUSTED_PROXIES is no longer read: list your proxies' addresses in TRUSTED_PROXIES instead."
    )

# --- Readers and newsletters (newsroom/readers/, docs/newsletters.md) ---
# Emails per second each sending task hands to the mail server (0: as fast as it takes them).
NEWSLETTER_SEND_RATE = float(os.environ.get("NEWSLETTER_SEND_RATE", "20"))
# Deliveries claimed at once; a task sends for at most NEWSLETTER_TASK_SECONDS, then queues its sequel
# (every task stays far below TASK_STALE_SECONDS, after which it would count as dead).
NEWSLETTER_BATCH_SIZE = int(os.environ.get("NEWSLETTER_BATCH_SIZE", "50"))
NEWSLETTER_TASK_SECONDS = int(os.environ.get("NEWSLETTER_TASK_SECONDS", "60"))
# Claims older than this belong to a dead task: any sending task of the issue takes them back.
NEWSLETTER_CLAIM_SECONDS = int(os.environ.get("NEWSLETTER_CLAIM_SECONDS", "600"))
# The bounce and complaint webhook (POST /newsletters/suppress/): off unless a secret is set.
NEWSLETTER_WEBHOOK_SECRET = os.environ.get("NEWSLETTER_WEBHOOK_SECRET", "")
# Magic links: minutes they work; links asked for per address and per client address per hour.
READER_LINK_MINUTES = int(os.environ.get("READER_LINK_MINUTES", "15"))
READER_LINKS_PER_ADDRESS = int(os.environ.get("READER_LINKS_PER_ADDRESS", "5"))
READER_REQUESTS_PER_CLIENT = int(os.environ.get("READER_REQUESTS_PER_CLIENT", "30"))
# How long a reader stays signed in (their cookie lives on /account/ only).
READER_SESSION_DAYS = int(os.environ.get("READER_SESSION_DAYS", "30"))
