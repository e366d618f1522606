"""Each user's signed-in sessions, kept beside Django's session table so that they can be ended at once.

Django's sessions store the user id only inside their encoded data: finding one person's sessions would
mean decoding every session in the table. A row per sign-in (user_logged_in) and its removal at sign-out
make it an indexed lookup. A session whose key was cycled since (a password change) is not in the table:
it still dies with the account, since no backend returns an inactive user for it.
"""

from importlib import import_module

from django.conf import settings
from django.contrib.auth import signals
from django.contrib.sessions.models import Session
from django.utils import timezone

from .models import UserSession


def _logged_in(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is None:
        return
    if session.session_key is None:
        session.save()
    # Rows of this user's sessions that have since expired or been deleted go now: bounded per person.
    live = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    UserSession.objects.filter(user=user).exclude(session_key__in=live).delete()
    UserSession.objects.update_or_create(
        session_key=session.session_key,
        defaults={"user": user, "sso_sid": str(getattr(request, "sso_sid", ""))[:255]},
    )


def _logged_out(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        UserSession.objects.filter(session_key=session.session_key).delete()


def end_sessions(rows) -> int:
    """Delete the sessions of these UserSession rows, through the session engine (so a cached session
    goes too), and the rows. Returns how many there were."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = list(rows.values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    UserSession.objects.filter(session_key__in=keys).delete()
    return len(keys)


def end_sessions_of(user) -> int:
    return end_sessions(UserSession.objects.filter(user=user))


def connect() -> None:
    signals.user_logged_in.connect(_logged_in, dispatch_uid="accounts-session-in")
    signals.user_logged_out.connect(_logged_out, dispatch_uid="accounts-session-out")
