"""A limiter counted in PostgreSQL (the cache is reached only through articles/caching/store.py, and a
sign-up or a sign-in link is rare enough that one indexed row per attempt costs nothing).

Keys are keyed hashes of what is counted (an address, a client address): the table holds no addresses.
"""

import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import RateEvent


def key_for(kind: str, value: str) -> str:
    secret = settings.SECRET_KEY.encode()
    return hmac.new(secret, f"readers-rate:{kind}:{value.lower()}".encode(), hashlib.sha256).hexdigest()


def allow(kind: str, value: str | None, *, limit: int, window: timedelta = timedelta(hours=1)) -> bool:
    """Count one attempt of `kind` by `value`; False once `limit` were counted within `window`."""
    if not value:
        return True
    key, now = key_for(kind, value), timezone.now()
    RateEvent.objects.filter(key=key, at__lt=now - window).delete()
    if RateEvent.objects.filter(key=key, at__gte=now - window).count() >= limit:
        return False
    RateEvent.objects.create(key=key)
    return True
