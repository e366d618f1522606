"""Settings shared by every environment. Everything deployment-specific comes from the environment."""

import os
from pathlib import Path

import dj_database_url
import dj_email_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Development defaults: production.py refuses to start without a real SECRET_KEY.
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "taggit",
    "django_prose_editor",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "articles",
    "newsroom.accounts",
    "newsroom.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside the page cache, so cache hits get ETags and 304s too.
    "django.middleware.http.ConditionalGetMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the page cache and before anything that can fail early (a bad Host header): every response
    # gets these headers, and a cached page is served with a fresh policy instead of replaying its nonce.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "articles.public.middleware.SecurityHeadersMiddleware",
    # Before anything reads the query string into a database query (filters, search, autocomplete).
    "articles.public.middleware.AdminQueryNulMiddleware",
    # Before sessions and auth: a cache hit costs no database query at all.
    "articles.caching.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
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
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "newsroom.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_PREFIX", "newsroom"),
            # A Redis outage must degrade to uncached rendering, not hang requests.
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
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
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300" if REDIS_URL else "0"))
# Each story's rendered markup and cards (articles/fragments.py), kept across publishes; off without Redis
# for the same reason.
# How long the tag and author sitemaps may lag behind a publish (their list reads every tag link).
LISTING_SITEMAP_SECONDS = int(os.environ.get("LISTING_SITEMAP_SECONDS", "600"))
# An hour keeps the stories being read; a crawler walking the archive does not keep every story's
# markup (about 12 KB each) for a day.
FRAGMENT_CACHE_SECONDS = int(os.environ.get("FRAGMENT_CACHE_SECONDS", "3600" if REDIS_URL else "0"))
# A CDN in front may keep pages this long, then serve them stale while it refetches.
CDN_CACHE_SECONDS = int(os.environ.get("CDN_CACHE_SECONDS", "1"))
CDN_STALE_SECONDS = int(os.environ.get("CDN_STALE_SECONDS", "30"))

# Email (articles/publishing/notifications.py), as Django 6.1's MAILERS (its EMAIL_* settings are
# deprecated), from the environment: EMAIL_URL as dj-email-url reads it (submission://user:password@host
# is SMTP with STARTTLS on 587), else the EMAIL_HOST... variables, else the console in development (DEBUG)
# and a local mail server (localhost:25) otherwise. Tests keep email in memory (Django's test runner).
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


def mailer_from_environment() -> dict:
    if url := os.environ.get("EMAIL_URL", ""):
        parsed = dj_email_url.parse(url)
        backend = parsed.get("EMAIL_BACKEND", SMTP_BACKEND)
        if backend != SMTP_BACKEND:  # console://, memory://, dummy://, file:///path
            options = (
                {"file_path": parsed["EMAIL_FILE_PATH"]}
                if backend.endswith(".filebased.EmailBackend")
                else {}
            )
            return {"BACKEND": backend, "OPTIONS": options}
        found = {
            "host": parsed["EMAIL_HOST"],
            "port": parsed["EMAIL_PORT"],
            "username": parsed["EMAIL_HOST_USER"],
            "password": parsed["EMAIL_HOST_PASSWORD"],
            "use_tls": parsed["EMAIL_USE_TLS"],
            "use_ssl": parsed["EMAIL_USE_SSL"],
            "timeout": parsed["EMAIL_TIMEOUT"],
        }
    elif "EMAIL_HOST" in os.environ or not DEBUG:
        port = os.environ.get("EMAIL_PORT", "")
        found = {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": int(port) if port else None,  # None: 25, or 587 with TLS, or 465 with SSL
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", False),
            "use_ssl": env_bool("EMAIL_USE_SSL", False),
        }
    else:
        return {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    options = {name: value for name, value in found.items() if value is not None}
    # A mail server that does not answer is given up on (and logged), not waited for by the request.
    options.setdefault("timeout", int(os.environ.get("EMAIL_TIMEOUT", "10")))
    return {"BACKEND": SMTP_BACKEND, "OPTIONS": options}


MAILERS = {"default": mailer_from_environment()}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Newsroom <newsroom@localhost>")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
