"""Sign-in, sign-out and failed sign-ins, from Django's own authentication signals (the one place they
are told); the password tried is never kept, the username only as typed."""

from django.contrib.auth import signals

from . import log


def _logged_in(sender, request, user, **kwargs):
    log.record("auth.login", obj=user, scope=log.Scope.SECURITY, summary="Signed in")


def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        log.record("auth.logout", obj=user, scope=log.Scope.SECURITY, summary="Signed out")


def _failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    log.record(
        "auth.login_failed",
        object_type="auth.user",
        label=username,
        scope=log.Scope.SECURITY,
        summary=f"Failed sign-in as {username!r}",
    )


def connect():
    signals.user_logged_in.connect(_logged_in, dispatch_uid="audit-login")
    signals.user_logged_out.connect(_logged_out, dispatch_uid="audit-logout")
    signals.user_login_failed.connect(_failed, dispatch_uid="audit-login-failed")
