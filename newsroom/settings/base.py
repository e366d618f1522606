"""Settings shared by every environment. Everything deployment-specific comes from the environment."""

import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from .env import (  # noqa: F401 - re-exported for production.py and the tests
    RENDITION_CACHE_CONTROL,
    env_bool,
    env_list,
    mailer_from_environment,
    media_storages,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent


# Development defaults: production.py refuses to start without a real SECRET_KEY.
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # Django's admin, whose every screen writes its changes to the audit log (newsroom/audit/admin_site.py).
    "newsroom.audit.apps.AuditedAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    # Its system check warns if another compressing middleware comes back beside it.
    "django_http_compression",
    "taggit",
    # The read API's framework; listed for its static files (Swagger UI, served by us, not a CDN).
    "ninja",
    "django_prose_editor",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks_db",
    "articles",
    "newsroom.accounts",
    "newsroom.ops",
    "newsroom.audit",
    "newsroom.readers",
]

MIDDLEWARE = [
    # First: a load balancer's probe by IP, over plain HTTP, must not meet the host check or HTTPS redirect.
    "newsroom.ops.health.HealthMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Story reads (POST /r/): before compression, the page cache, sessions and the database, which a
    # beacon needs none of (articles/readership/beacon.py).
    "articles.readership.beacon.BeaconMiddleware",
    # Outermost but for the HTTPS redirect: compresses what everything inside produced, cache hits
    # included, with the best a client takes (zstd, then Brotli, then gzip). Against BREACH, CSRF tokens
    # are masked anew and each page has a fresh CSP nonce, and gzip is padded with random bytes; static
    # files come pre-compressed (gzip and Brotli) from WhiteNoise.
    "django_http_compression.middleware.HttpCompressionMiddleware",
    # Outside the page cache, so cache hits get ETags and 304s too.
    "articles.public.middleware.ConditionalGetMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the page cache and before anything that can fail early (a bad Host header): every response
    # gets these headers, and a cached page is served with a fresh policy instead of replaying its nonce.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "articles.public.middleware.SecurityHeadersMiddleware",
    # Before anything reads the query string into a database query (filters, search, autocomplete).
    "articles.public.middleware.AdminQueryNulMiddleware",
    # Old addresses (a WordPress archive's): outside the page cache, which would answer /?p=12 as the home
    # page; other paths only once the site has said 404 (articles/public/redirects.py).
    "articles.public.redirects.RedirectMiddleware",
    # API keys and rate limits (/api/ only), before the page cache: cached answers are counted too.
    "articles.api.middleware.ApiGateMiddleware",
    # Before sessions and auth: a cache hit costs no database query at all.
    "articles.caching.pagecache.PageCacheMiddleware",
    # Inside the page cache: its own reads stay on the primary, and a replica is only asked on a miss.
    "newsroom.ops.dbrouter.ReplicaMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: every audit row written while serving names the request's user and address.
    "newsroom.audit.context.AuditContextMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "newsroom.accounts.twofactor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"
ASGI_APPLICATION = "newsroom.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.public.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default="postgres://postgres@127.0.0.1:5432/newsroom",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}

REDIS_URL = os.environ.get("REDIS_URL", "")
# Redis behind Sentinel ("host:port,host:port,..."): the cache follows the primary they name.
REDIS_SENTINELS = env_list("REDIS_SENTINELS", "")
if REDIS_URL or REDIS_SENTINELS:
    CACHES = {
        "default": {
            "BACKEND": "newsroom.redis_cache.RedisCache",
            "LOCATION": REDIS_URL or ",".join(REDIS_SENTINELS),
            "KEY_PREFIX": os.environ.get("CACHE_PREFIX", "newsroom"),
            # A Redis outage must degrade to uncached rendering, not hang requests.
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    if REDIS_SENTINELS:
        CACHES["default"]["OPTIONS"] |= {
            "sentinels": [(host, int(port)) for host, port in (s.rsplit(":", 1) for s in REDIS_SENTINELS)],
            "service_name": os.environ.get("REDIS_SENTINEL_MASTER", "newsroom"),
            "db": int(os.environ.get("REDIS_SENTINEL_DB", "0")),
        }
        if os.environ.get("REDIS_PASSWORD"):
            CACHES["default"]["OPTIONS"]["password"] = os.environ["REDIS_PASSWORD"]
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Five failures lock the username+IP pair for an hour; an admin can unlock it in "Axes" admin.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "axes/lockout.html"

# Two-factor (TOTP): any staff member may enrol at /admin/2fa/; members of these groups (e.g.
# "Editors,Administrators") must, and must enter a code once per session before the admin opens.
REQUIRE_2FA_GROUPS = env_list("REQUIRE_2FA_GROUPS", "")
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Newsroom")
# Administrators can remove someone's device but never read its secret or QR code.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Outside production, serve static files straight from their source folders (no collectstatic step).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploads above this size are refused by the photo form with a clear message.
# Uploaded media is served by Django only where no web server does it (development, tests, the demo).
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)
PHOTO_MAX_BYTES = int(os.environ.get("PHOTO_MAX_BYTES", str(40 * 1024 * 1024)))
PHOTO_MAX_PIXELS = int(os.environ.get("PHOTO_MAX_PIXELS", str(60_000_000)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGIN_URL = "admin:login"

TAGGIT_CASE_INSENSITIVE = True

# Public pages carry no inline script; JSON-LD and the admin's import map take the per-request nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"

# Page cache for anonymous readers (seconds); bumping a version key invalidates everything at once.
# Off without Redis: a local-memory cache is per process, so one worker's invalidation would not reach
# the others and they would serve stale pages.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300" if REDIS_URL or REDIS_SENTINELS else "0"))
# Each story's rendered markup and cards (articles/fragments.py), kept across publishes; off without Redis
# for the same reason.
# How long the tag and author sitemaps may lag behind a publish (their list reads every tag link).
LISTING_SITEMAP_SECONDS = int(os.environ.get("LISTING_SITEMAP_SECONDS", "600"))
# An hour keeps the stories being read; a crawler walking the archive does not keep every story's
# markup (about 12 KB each) for a day.
FRAGMENT_CACHE_SECONDS = int(
    os.environ.get("FRAGMENT_CACHE_SECONDS", "3600" if REDIS_URL or REDIS_SENTINELS else "0")
)
# A CDN in front may keep pages this long, then serve them stale while it refetches.
# Most read (articles/readership/): the beacon's counters move from Redis into the database, and the
# lists are made again, this often; counters a flush never took expire after READS_KEEP_HOURS.
READS_FLUSH_SECONDS = int(os.environ.get("READS_FLUSH_SECONDS", "300"))
READS_KEEP_HOURS = int(os.environ.get("READS_KEEP_HOURS", "72"))
# A reader's repeat reads of a story count once a day (a hash with a daily salt kept only in the cache).
READS_DEDUP = env_bool("READS_DEDUP", True)
MOST_READ_COUNT = int(os.environ.get("MOST_READ_COUNT", "5"))
CDN_CACHE_SECONDS = int(os.environ.get("CDN_CACHE_SECONDS", "1"))
CDN_STALE_SECONDS = int(os.environ.get("CDN_STALE_SECONDS", "30"))

# Email (articles/publishing/notifications.py), as Django 6.1's MAILERS (its EMAIL_* settings are
# deprecated), from the environment: EMAIL_URL as dj-email-url reads it (submission://user:password@host
# is SMTP with STARTTLS on 587), else the EMAIL_HOST... variables, else the console in development (DEBUG)
# and a local mail server (localhost:25) otherwise. Tests keep email in memory (Django's test runner).
MAILERS = {"default": mailer_from_environment(debug=DEBUG)}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Newsroom <newsroom@localhost>")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# --- Many machines: read replicas, health checks (newsroom/ops), trusted proxies (newsroom/proxies.py) ---
# Anonymous readers' pages may read these replicas (comma-separated database URLs), once they have replayed
# past the last publish (articles/caching/walgate.py); everything else reads DATABASE_URL.
DATABASE_REPLICAS = []
for _n, _url in enumerate(env_list("DATABASE_REPLICA_URLS", "")):
    DATABASES[f"replica{_n}"] = dj_database_url.parse(
        _url, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"], conn_health_checks=True
    )
    # Tests run against the primary's test database (replicas get their own, real, tests).
    DATABASES[f"replica{_n}"]["TEST"] = {"MIRROR": "default"}
    DATABASE_REPLICAS.append(f"replica{_n}")
# A server that does not answer is given up on quickly (the replica check and /readyz rely on it).
for _db in DATABASES.values():
    _db.setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", int(os.environ.get("DB_CONNECT_TIMEOUT", "3"))
    )
if DATABASE_REPLICAS and not (REDIS_URL or REDIS_SENTINELS):
    # Every process must see the same WAL gate: a local-memory cache would hide other processes' publishes.
    raise ImproperlyConfigured(
        "DATABASE_REPLICA_URLS needs a shared cache: set REDIS_URL or REDIS_SENTINELS."
    )
DATABASE_ROUTERS = ["newsroom.ops.dbrouter.ReplicaRouter"]
# After a write, that client reads the primary this long (a cookie), so it sees what it wrote.
REPLICA_PIN_SECONDS = int(os.environ.get("REPLICA_PIN_SECONDS", "10"))
# A replica's replay position is read on each eligible request (one round trip, which also proves it is
# up); above 0, a position read that recently is trusted instead, saving the round trip at the risk of an
# error if the replica dies in that window. A replica that failed is left alone REPLICA_RETRY_SECONDS.
REPLICA_CHECK_SECONDS = float(os.environ.get("REPLICA_CHECK_SECONDS", "0"))
REPLICA_RETRY_SECONDS = float(os.environ.get("REPLICA_RETRY_SECONDS", "5"))

# Addresses (IPs or CIDR ranges) of the proxies in front of the app: only they may say who the client is
# (X-Forwarded-For), so the sign-in lockout and the API's rate limits count each client, not the proxy
# (newsroom/proxies.py: the one rule for who the client is).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "")
for _proxy in TRUSTED_PROXIES:
    ipaddress.ip_network(_proxy, strict=False)  # a typo stops the start, not a sign-in
AXES_CLIENT_IP_CALLABLE = "newsroom.proxies.client_ip"

# --- Embeds and story blocks (articles/blocks/) ---
from articles.blocks.providers import frame_sources  # noqa: E402 - pure Python, no app loading

# Players load in frames from exactly the embed providers, and only when a reader clicks (embeds.js).
SECURE_CSP["frame-src"] = frame_sources()
# Embed titles are asked of the providers' oEmbed endpoints when a story is saved, never when it is read.
EMBED_TITLE_LOOKUPS = env_bool("EMBED_TITLE_LOOKUPS", True)
EMBED_LOOKUP_TIMEOUT = float(os.environ.get("EMBED_LOOKUP_TIMEOUT", "3"))
# {provider key: endpoint with {url}}: replaces a provider's own endpoint (the tests' loopback server).
EMBED_OEMBED_ENDPOINTS = {}

# --- media storage ---
# Photo originals (`default`: private, signed short-lived URLs for staff on S3) and their renditions
# (`renditions`: public, cached for a year as immutable, optionally on a CDN domain). Folders under
# MEDIA_ROOT unless MEDIA_STORAGE=s3; see articles/images/storage.py and docs/operations.md. Threads that
# write one photo's renditions (1: one after another).
PHOTO_STORAGE_WORKERS = int(os.environ.get("PHOTO_STORAGE_WORKERS", "8"))


_media, MEDIA_ORIGINS = media_storages(os.environ)
STORAGES = {**STORAGES, **_media}
SECURE_CSP["img-src"] += MEDIA_ORIGINS

from .services import *  # noqa: E402,F403 - the services' own settings

# --- Staff single sign-on ---
# OpenID Connect through the newsroom's identity provider (newsroom/accounts/sso.py, docs/sso.md). Off
# while OIDC_ISSUER is empty: then no backend, no button, and /oidc/ answers 404.
OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "").rstrip("/")
from newsroom.accounts.roles import ROLES as _ROLES  # noqa: E402 - plain data, no app loading

from .env import env_mapping  # noqa: E402

OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid email profile")
# Endpoints are read from {OIDC_ISSUER}/.well-known/openid-configuration at the first sign-in (not at
# startup: a provider outage must not stop the site), kept an hour; any set here is used instead.
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_TIMEOUT = float(os.environ.get("OIDC_TIMEOUT", "5"))
OIDC_USE_PKCE = True
OIDC_AUTHENTICATE_CLASS = "newsroom.accounts.sso_views.SignInView"
OIDC_CALLBACK_CLASS = "newsroom.accounts.sso_views.CallbackView"
LOGIN_REDIRECT_URL = "admin:index"
LOGIN_REDIRECT_URL_FAILURE = "admin:login"
SSO_PROVIDER_NAME = os.environ.get("SSO_PROVIDER_NAME", "your organisation's account")
# Email domains whose accounts may sign in ("example.com,example.org"); needed once SSO is on.
SSO_ALLOWED_DOMAINS = [d.lower().lstrip("@") for d in env_list("SSO_ALLOWED_DOMAINS", "")]
SSO_GROUPS_CLAIM = os.environ.get("SSO_GROUPS_CLAIM", "groups")
# Provider group -> newsroom role ("newsroom-editors=Editors,newsroom-desk=Reporters"); no mapped group,
# no staff access.
SSO_GROUP_ROLES = env_mapping("SSO_GROUP_ROLES")
# Passwords refused for everyone but this account (which keeps its second factor).
SSO_ONLY = env_bool("SSO_ONLY", False)
SSO_BREAK_GLASS_USERNAME = os.environ.get("SSO_BREAK_GLASS_USERNAME", "")
# A back-channel logout ends the person's sessions; with this on it deactivates them too (offboarding),
# for providers that send one only when an account is disabled.
SSO_BACKCHANNEL_DEACTIVATES = env_bool("SSO_BACKCHANNEL_DEACTIVATES", False)
if OIDC_ISSUER:
    if not (OIDC_RP_CLIENT_ID and OIDC_RP_CLIENT_SECRET and SSO_ALLOWED_DOMAINS and SSO_GROUP_ROLES):
        raise ImproperlyConfigured(
            "OIDC_ISSUER needs OIDC_RP_CLIENT_ID, OIDC_RP_CLIENT_SECRET, SSO_ALLOWED_DOMAINS and "
            "SSO_GROUP_ROLES."
        )
    if unknown := sorted(set(SSO_GROUP_ROLES.values()) - set(_ROLES)):
        raise ImproperlyConfigured(f"SSO_GROUP_ROLES names no such role: {', '.join(unknown)}.")
    AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "newsroom.accounts.sso.SSOBackend",
        # ModelBackend, refusing passwords in SSO_ONLY mode but for the break-glass account.
        "newsroom.accounts.sso.PasswordBackend",
    ]
elif SSO_ONLY:
    raise ImproperlyConfigured("SSO_ONLY needs OIDC_ISSUER: without it no one could sign in.")
