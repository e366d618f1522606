"""Readers' sign-in: magic links, and the reader's own cookie.

A link's token is random; only its SHA-256 is stored, with an expiry (READER_LINK_MINUTES) and the time
it was used: it signs in once. The cookie is a value signed with the site's key under its own name and
salt, on Path=/account/ only: the browser never sends it to a public page, so pages stay in the page cache
and the edge, and a staff session (sessionid) and a reader's never meet. Nothing of it opens the admin.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

from .models import Reader, SignInLink

COOKIE = "reader"
COOKIE_PATH = "/account/"
SALT = "newsroom.readers.session"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_link(reader: Reader) -> str:
    """A one-time sign-in token for `reader` (the URL's last part)."""
    token = secrets.token_urlsafe(32)
    SignInLink.objects.create(
        reader=reader,
        token_hash=_hash(token),
        expires_at=timezone.now() + timedelta(minutes=settings.READER_LINK_MINUTES),
    )
    return token


def valid_link(token: str) -> SignInLink | None:
    """The unused, unexpired link of `token` (without using it), else None."""
    link = SignInLink.objects.select_related("reader").filter(token_hash=_hash(token)).first()
    if link is None or link.used_at is not None or link.expires_at <= timezone.now():
        return None
    return link


def use_link(token: str) -> Reader | None:
    """Spend the link of `token`: its reader, once; None if it is unknown, used or expired."""
    with transaction.atomic():
        now = timezone.now()
        # The row lock makes two simultaneous clicks spend it once.
        link = (
            SignInLink.objects.select_for_update()
            .filter(token_hash=_hash(token), used_at__isnull=True, expires_at__gt=now)
            .first()
        )
        if link is None:
            return None
        link.used_at = now
        link.save(update_fields=["used_at"])
        Reader.objects.filter(pk=link.reader_id).update(last_sign_in_at=now)
        return Reader.objects.get(pk=link.reader_id)


def sign_in(response, reader: Reader) -> None:
    response.set_signed_cookie(
        COOKIE,
        str(reader.pk),
        salt=SALT,
        max_age=settings.READER_SESSION_DAYS * 86400,
        path=COOKIE_PATH,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def sign_out(response) -> None:
    response.delete_cookie(COOKIE, path=COOKIE_PATH, samesite="Lax")


def reader_of(request) -> Reader | None:
    try:
        pk = request.get_signed_cookie(COOKIE, salt=SALT, max_age=settings.READER_SESSION_DAYS * 86400)
    except (KeyError, signing.BadSignature):
        return None
    return Reader.objects.filter(pk=pk).first()


def form_token(request) -> str:
    """The value a signed-in reader's forms carry: proof that the page came from us (see views.py)."""
    value = request.COOKIES.get(COOKIE, "")
    return signing.salted_hmac("newsroom.readers.form", value, algorithm="sha256").hexdigest()
