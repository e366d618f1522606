"""Email to staff about their stories: the reporter when a story is sent back or published, the editors
when one is submitted for review.

Sent by the worker, one task per person (nobody sees who else got it), enqueued with the transaction that
made the change (a rolled-back change tells nobody). Whoever has turned email off (NotificationSettings.email;
no row means on) gets nothing, nor does the person who made the change. A mail server that fails is logged
and the email retried with back-off: the change it reports is already saved.
"""

import logging
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, mailers
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.worker.retry import enqueue_with_transaction, retried

logger = logging.getLogger(__name__)
_muted = ContextVar("notifications_muted", default=False)
# Django's own permission check, to list every user who has the permission in one query (with_perm).
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@task
@retried(attempts=5)
def send_email(*, subject: str, body: str, to: str, attempt: int = 1) -> None:
    """One notification to one address."""
    try:
        mailers.default.send_messages([EmailMessage(subject, body, to=[to])])
    except Exception:
        logger.exception("Could not send “%s” (attempt %d)", subject, attempt)
        raise


def _reachable(users):
    """Those of `users` who are active, have an address and have not turned email off."""
    return users.filter(is_active=True).exclude(email="").exclude(notification_settings__email=False)


def editors():
    """Everyone who may publish (editors, administrators, superusers) and wants these emails."""
    users = get_user_model().objects.with_perm("articles.publish_article", backend=MODEL_BACKEND)
    return _reachable(users).order_by("pk")


def _change_url(article: Article) -> str:
    return settings.SITE_URL + reverse("admin:articles_article_change", args=[article.pk])


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else "Someone"


@contextmanager
def muted():
    """No email about the changes made inside: seeding the demo writes as staff, but tells nobody."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def _send_after_commit(recipients, subject: str, body: str) -> None:
    addresses = [user.email for user in recipients]
    if not addresses or _muted.get():
        return

    for address in addresses:
        enqueue_with_transaction(send_email, subject=subject, body=body, to=address)


def _to_reporter(article: Article, by, subject: str, lines: list[str]) -> None:
    reporter = article.created_by
    if reporter is None or reporter.pk == getattr(by, "pk", None):
        return
    users = _reachable(get_user_model().objects.filter(pk=reporter.pk))
    body = "\n".join([*lines, "", f"Open the story: {_change_url(article)}", ""])
    _send_after_commit(list(users), subject, body)


def _note_lines(note: str) -> list[str]:
    return ["", "Note:", note] if note else []


def submitted(*, article: Article, by, note: str = "") -> None:
    """The editors: a story is waiting for them."""
    lines = [f"{_name(by)} submitted “{article.headline}” for review.", *_note_lines(note)]
    body = "\n".join([*lines, "", f"Review it: {_change_url(article)}", ""])
    users = editors().exclude(pk=getattr(by, "pk", None))
    _send_after_commit(list(users), f"For review: {article.headline}", body)


def sent_back(*, article: Article, by, note: str) -> None:
    """The reporter: their story is a draft again, and why."""
    lines = [f"{_name(by)} sent “{article.headline}” back to draft.", *_note_lines(note)]
    _to_reporter(article, by, f"Sent back: {article.headline}", lines)


def published(*, article: Article, by) -> None:
    """The reporter: their story is live, or will be at its publish time."""
    if article.is_scheduled:
        at = timezone.localtime(article.published_at)
        subject, what = (
            f"Scheduled: {article.headline}",
            f"scheduled “{article.headline}” for {at:%d %b %Y %H:%M}",
        )
    else:
        subject, what = f"Published: {article.headline}", f"published “{article.headline}”"
    _to_reporter(article, by, subject, [f"{_name(by)} {what}."])
