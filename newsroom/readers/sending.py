"""Sending an issue: one Delivery row per address, claimed in batches by the worker's tasks.

Exactly once, and where it cannot be: a row goes queued → claimed (a batch, `FOR UPDATE SKIP LOCKED`, so
tasks running side by side never share a row) → sending (the one message this task has on the wire) →
sent, each step committed. A task killed mid-send leaves its batch claimed and at most one row "sending".
When it runs again (the worker requeues a dead worker's task after TASK_STALE_SECONDS), or when any task
of the issue finds claims older than NEWSLETTER_CLAIM_SECONDS, claimed rows go back to the queue: they were
never sent. The one "sending" row is the only doubt, the gap between the server's "250 OK" and our
commit (microseconds): it is sent again, with the same Message-ID, so a receiver that drops duplicates
by Message-ID (Gmail does) shows it once. We choose a possible duplicate of one message per crash over
a possible miss. Suppressed and unsubscribed addresses are checked when a batch is claimed, so a bounce
recorded mid-send stops the next claim from mailing it.
"""

import logging
import smtplib
import time

from django.conf import settings
from django.core.mail import mailers
from django.db import connection, transaction
from django.db.models import Count, F
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from articles.worker.retry import enqueue_with_transaction, retried
from newsroom import audit

from . import issues, services
from .models import Delivery, Issue

logger = logging.getLogger(__name__)
S = Delivery.Status
UNFINISHED = (S.QUEUED, S.CLAIMED, S.SENDING)

_QUEUE = """
    INSERT INTO readers_delivery (issue_id, subscription_id, email, status, claimed_by, attempts,
                                  message_id, error)
    SELECT %s, s.id, lower(r.email), 'queued', '', 0, '', ''
      FROM readers_subscription s JOIN readers_reader r ON r.id = s.reader_id
     WHERE s.newsletter_id = %s AND s.status = 'confirmed'
    ON CONFLICT (issue_id, email) DO NOTHING
"""
# Claims a batch and, in the same statement, sets aside the addresses that must not get it.
_CLAIM = """
    UPDATE readers_delivery d
       SET claimed_by = %(me)s, claimed_at = now(),
           status = CASE
               WHEN EXISTS (SELECT 1 FROM readers_suppression x WHERE x.email = d.email) THEN 'suppressed'
               WHEN NOT EXISTS (SELECT 1 FROM readers_subscription s
                                 WHERE s.id = d.subscription_id AND s.status = 'confirmed') THEN 'skipped'
               ELSE 'claimed' END
     WHERE d.id IN (SELECT id FROM readers_delivery
                     WHERE issue_id = %(issue)s AND status = 'queued'
                     ORDER BY id LIMIT %(size)s FOR UPDATE SKIP LOCKED)
    RETURNING d.id, d.email, d.subscription_id, d.status
"""
_RECOVER = """
    WITH back AS (
        UPDATE readers_delivery d SET status = 'queued', claimed_by = '', claimed_at = NULL
          FROM (SELECT id, status FROM readers_delivery
                 WHERE issue_id = %(issue)s AND status IN ('claimed', 'sending')
                   AND (claimed_by = %(me)s OR claimed_at < now() - make_interval(secs => %(lease)s))
                   FOR UPDATE) was
         WHERE d.id = was.id
        RETURNING was.status)
    SELECT count(*), count(*) FILTER (WHERE status = 'sending') FROM back
"""


def progress(issue: Issue) -> dict[str, int]:
    """Deliveries by status: one indexed count per issue (100,000 rows take milliseconds)."""
    counts = dict(
        Delivery.objects.filter(issue=issue)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in S.values}


def send_now(*, issue: Issue) -> int:
    """Queue a delivery for every confirmed subscriber and start sending; the number queued."""
    with transaction.atomic():
        issue = Issue.objects.select_for_update().get(pk=issue.pk)
        if issue.status in (Issue.Status.SENDING, Issue.Status.SENT):
            return 0
        with connection.cursor() as cursor:
            cursor.execute(_QUEUE, [issue.pk, issue.newsletter_id])
            queued = cursor.rowcount
        issue.status, issue.started_at = Issue.Status.SENDING, timezone.now()
        issue.save(update_fields=["status", "started_at"])
        audit.record("issue.send", obj=issue, summary=f"Sending to {queued} subscribers")
        enqueue_with_transaction(send_issue, issue_id=issue.pk)
    return queued


def schedule(*, issue: Issue, at) -> None:
    """Send `issue` at `at` (a task deferred until then; rescheduling makes the earlier one a no-op)."""
    with transaction.atomic():
        issue = Issue.objects.select_for_update().get(pk=issue.pk)
        issue.status, issue.scheduled_for = Issue.Status.SCHEDULED, at
        issue.save(update_fields=["status", "scheduled_for"])
        audit.record("issue.schedule", obj=issue, summary=f"Scheduled for {at:%Y-%m-%d %H:%M %Z}")
        if send_scheduled.get_backend().supports_defer:
            deferred = send_scheduled.using(run_after=at)
            enqueue_with_transaction(deferred, issue_id=issue.pk, at=at.isoformat())


@task
def send_scheduled(*, issue_id: int, at: str) -> None:
    issue = Issue.objects.filter(pk=issue_id, status=Issue.Status.SCHEDULED).first()
    if issue and issue.scheduled_for and issue.scheduled_for.isoformat() == at:
        send_now(issue=issue)


class Pacer:
    """At most `rate` sends per second (0: no limit)."""

    def __init__(self, rate: float):
        self.interval = 1 / rate if rate > 0 else 0.0
        self.next = time.monotonic()

    def wait(self) -> None:
        if not self.interval:
            return
        now = time.monotonic()
        if self.next > now:
            time.sleep(self.next - now)
        self.next = max(self.next, now) + self.interval


def _mark(delivery_id: int, me: str, **values) -> bool:
    return bool(Delivery.objects.filter(pk=delivery_id, claimed_by=me).update(**values))


def _unsubscribe_url(subscription_id: int) -> str:
    return settings.SITE_URL + reverse(
        "readers:unsubscribe", args=[services.unsubscribe_token(subscription_id)]
    )


def _send_batch(rows, *, issue: Issue, rendered, me: str, mailer, pacer: Pacer) -> None:
    for delivery_id, email, subscription_id, status in rows:
        if status != S.CLAIMED:
            continue
        msgid = issues.message_id(issue.pk, delivery_id)
        # Only a row still ours goes on the wire (a lease taken back by another task is theirs now).
        if not _mark(delivery_id, me, status=S.SENDING, message_id=msgid, attempts=F("attempts") + 1):
            continue
        email_message = issues.message(
            rendered, to=email, unsubscribe_url=_unsubscribe_url(subscription_id), msgid=msgid
        )
        pacer.wait()
        try:
            mailer.send_messages([email_message])
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
            # The server answered "no" for this message: not sent, and trying again will not change it.
            _mark(delivery_id, me, status=S.FAILED, error=str(error)[:300])
            continue
        _mark(delivery_id, me, status=S.SENT, sent_at=timezone.now())


@task(takes_context=True)
@retried(attempts=5, base=60)
def send_issue(context, *, issue_id: int, attempt: int = 1) -> dict:
    """Send `issue_id`'s queued deliveries for at most NEWSLETTER_TASK_SECONDS, then hand over to a
    new task (so none looks dead to the worker's stale check). Safe to run again, and side by side."""
    me = f"task-{context.task_result.id}"
    with connection.cursor() as cursor:
        cursor.execute(_RECOVER, {"issue": issue_id, "me": me, "lease": settings.NEWSLETTER_CLAIM_SECONDS})
        recovered, doubtful = cursor.fetchone()
    if recovered:
        logger.warning(
            "Issue %s: %d claimed deliveries back in the queue (%d doubtful)", issue_id, recovered, doubtful
        )
    issue = Issue.objects.select_related("newsletter").get(pk=issue_id)
    rendered = issues.render(issue)
    deadline = time.monotonic() + settings.NEWSLETTER_TASK_SECONDS
    pacer = Pacer(settings.NEWSLETTER_SEND_RATE)
    mailer = mailers.default
    mailer.open()
    try:
        while time.monotonic() < deadline:
            with connection.cursor() as cursor:
                cursor.execute(_CLAIM, {"me": me, "issue": issue_id, "size": settings.NEWSLETTER_BATCH_SIZE})
                rows = sorted(cursor.fetchall())
            if not rows:
                break
            try:
                _send_batch(rows, issue=issue, rendered=rendered, me=me, mailer=mailer, pacer=pacer)
            except Exception:
                # The connection failed: nothing of ours stays claimed (the row on the wire was refused
                # or lost with the connection), and the retry starts afresh.
                Delivery.objects.filter(
                    issue_id=issue_id, claimed_by=me, status__in=[S.CLAIMED, S.SENDING]
                ).update(status=S.QUEUED, claimed_by="", claimed_at=None)
                raise
    finally:
        mailer.close()
    return _finish(issue)


def _finish(issue: Issue) -> dict:
    with transaction.atomic():
        if Delivery.objects.filter(issue=issue, status=S.QUEUED).exists():
            enqueue_with_transaction(send_issue, issue_id=issue.pk)
        elif not Delivery.objects.filter(issue=issue, status__in=UNFINISHED).exists():
            Issue.objects.filter(pk=issue.pk, status=Issue.Status.SENDING).update(
                status=Issue.Status.SENT, finished_at=timezone.now()
            )
    return progress(issue)


def send_test(*, issue: Issue, to: str) -> None:
    """The issue as a subscriber gets it, to one editor (no delivery row; the unsubscribe link inert)."""
    rendered = issues.render(issue)
    email_message = issues.message(
        rendered,
        to=to,
        unsubscribe_url=settings.SITE_URL + "/newsletters/",
        msgid=issues.message_id(issue.pk, 0),
    )
    email_message.subject = f"[Test] {email_message.subject}"
    mailers.default.send_messages([email_message])
