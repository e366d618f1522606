"""Reading settings from the environment: the helpers and the builders that base.py and services.py use."""

import os

import dj_email_url

# Renditions' paths change with their content: browsers and CDNs may keep each for a year.
RENDITION_CACHE_CONTROL = "public, max-age=31536000, immutable"


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Email (articles/publishing/notifications.py), as Django 6.1's MAILERS.
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


def mailer_from_environment(*, debug: bool | None = None) -> dict:
    """The default mailer from the environment (`debug`: DEBUG's value, read from it when not given)."""
    if debug is None:
        debug = env_bool("DEBUG", False)
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
    elif "EMAIL_HOST" in os.environ or not debug:
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


def media_storages(env) -> tuple[dict, list[str]]:
    """The `default` and `renditions` storages from `env`, and the origins readers load renditions from
    (for the CSP's img-src; none when they come from this site)."""
    if env.get("MEDIA_STORAGE", "local") != "s3":
        return {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            # A rendition is rewritten in place only by make_renditions --force.
            "renditions": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"allow_overwrite": True},
            },
        }, []
    bucket = env.get("AWS_STORAGE_BUCKET_NAME", "")
    if not bucket:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME (the originals' bucket).")
    names = {
        "endpoint_url": "AWS_S3_ENDPOINT_URL",
        "region_name": "AWS_S3_REGION_NAME",
        "addressing_style": "AWS_S3_ADDRESSING_STYLE",
        # Unset: boto3's own chain (instance role, AWS_PROFILE...).
        "access_key": "AWS_ACCESS_KEY_ID",
        "secret_key": "AWS_SECRET_ACCESS_KEY",
    }
    common = {option: env[var] for option, var in names.items() if env.get(var)}
    backend = "storages.backends.s3.S3Storage"
    originals = {
        **common,
        "bucket_name": bucket,
        "querystring_auth": True,
        # Five minutes: long enough to open from the admin, too short to pass around.
        "querystring_expire": int(env.get("AWS_QUERYSTRING_EXPIRE", "300")),
        "signature_version": env.get("AWS_S3_SIGNATURE_VERSION", "s3v4"),
        # Two uploads of "IMG_0001.jpg" must not overwrite each other; ACLs stay off (bucket policy only).
        "file_overwrite": False,
        "default_acl": None,
    }
    rendition_bucket = env.get("AWS_RENDITIONS_BUCKET_NAME") or bucket
    domain = env.get("AWS_S3_CUSTOM_DOMAIN", "")
    protocol = env.get("AWS_S3_URL_PROTOCOL", "https:")
    renditions = {
        **common,
        "bucket_name": rendition_bucket,
        # Never signed: a signed URL differs on every render, and costs about 100 times more to make.
        "querystring_auth": False,
        "file_overwrite": True,
        "default_acl": None,
        "custom_domain": domain or None,
        "url_protocol": protocol,
        "object_parameters": {"CacheControl": RENDITION_CACHE_CONTROL},
    }
    endpoint, style = common.get("endpoint_url", ""), common.get("addressing_style", "")
    if domain:
        origin = f"{protocol}//{domain.split('/')[0]}"
    elif endpoint:
        scheme, _, host = endpoint.split("/")[:3]
        origin = f"{scheme}//{rendition_bucket}.{host}" if style == "virtual" else f"{scheme}//{host}"
    else:
        region = common.get("region_name")
        origin = f"https://{rendition_bucket}.s3.{region + '.' if region else ''}amazonaws.com"
    return {
        "default": {"BACKEND": backend, "OPTIONS": originals},
        "renditions": {"BACKEND": backend, "OPTIONS": renditions},
    }, [env.get("MEDIA_ORIGIN") or origin]


def env_mapping(name: str, default: str = "") -> dict[str, str]:
    """A dict from "key=value,key=value" (a key may itself hold "=": the last one separates)."""
    mapping = {}
    for item in env_list(name, default):
        key, sep, value = item.rpartition("=")
        if not sep or not key.strip() or not value.strip():
            from django.core.exceptions import ImproperlyConfigured

            raise ImproperlyConfigured(f'{name}: "{item}" is not of the form name=value.')
        mapping[key.strip()] = value.strip()
    return mapping
