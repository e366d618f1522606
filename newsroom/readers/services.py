"""Readers' writes: sign-up with double opt-in, confirmation, unsubscribe, erasure and export, suppression.

Readers' own actions write no audit rows (their addresses stay out of the log); an editor's or an
import's do (imports.py, sending.py).
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from articles.publishing.notifications import send_email
from articles.worker.retry import enqueue_with_transaction

from . import sessions
from .models import Delivery, Newsletter, Reader, Subscription, Suppression

CONFIRM_SALT = "newsroom.readers.confirm"
UNSUBSCRIBE_SALT = "newsroom.readers.unsubscribe"
CONFIRM_DAYS = 7


def normalize(email: str) -> str:
    return email.strip().lower()


def reader_for(email: str) -> Reader:
    reader, _ = Reader.objects.get_or_create(email=normalize(email))
    return reader


def is_suppressed(email: str) -> bool:
    return Suppression.objects.filter(email=normalize(email)).exists()


def _mail(to: str, template: str, context: dict) -> None:
    subject, _, body = render_to_string(template, context).partition("\n")
    enqueue_with_transaction(send_email, subject=subject.strip(), body=body.strip() + "\n", to=to)


def subscribe(*, email: str, newsletters, source: str) -> Reader:
    """Ask `email` to confirm `newsletters` (double opt-in): pending subscriptions, consent time and
    source kept, one confirmation email. Nothing is mailed to an address that was suppressed, and a
    reader already confirmed stays so (the same answer either way: the form reveals nobody's list)."""
    now = timezone.now()
    with transaction.atomic():
        reader = reader_for(email)
        pending = []
        for newsletter in newsletters:
            subscription, created = Subscription.objects.get_or_create(
                reader=reader,
                newsletter=newsletter,
                defaults={"consent_at": now, "consent_source": source},
            )
            if subscription.status == Subscription.Status.CONFIRMED:
                continue
            if not created:
                subscription.status = Subscription.Status.PENDING
                subscription.consent_at, subscription.consent_source = now, source
                subscription.save(update_fields=["status", "consent_at", "consent_source"])
            pending.append(newsletter)
        if pending and not is_suppressed(reader.email):
            token = signing.dumps({"r": reader.pk, "n": [n.pk for n in pending]}, salt=CONFIRM_SALT)
            url = settings.SITE_URL + reverse("readers:confirm", args=[token])
            _mail(reader.email, "readers/email/confirm.txt", {"newsletters": pending, "url": url})
    return reader


def confirm(token: str) -> list[Subscription] | None:
    """Confirm what a confirmation link asked for; None if the link is forged or too old."""
    try:
        asked = signing.loads(token, salt=CONFIRM_SALT, max_age=timedelta(days=CONFIRM_DAYS))
    except signing.BadSignature:
        return None
    now = timezone.now()
    with transaction.atomic():
        subscriptions = list(
            Subscription.objects.select_for_update()
            .select_related("newsletter")
            .filter(reader_id=asked["r"], newsletter_id__in=asked["n"])
            .exclude(status=Subscription.Status.UNSUBSCRIBED)
        )
        for subscription in subscriptions:
            if subscription.status == Subscription.Status.PENDING:
                subscription.status, subscription.confirmed_at = Subscription.Status.CONFIRMED, now
                subscription.save(update_fields=["status", "confirmed_at"])
    return subscriptions


def unsubscribe_token(subscription_id: int) -> str:
    # No expiry: an unsubscribe link in a year-old email must still work.
    return signing.dumps(subscription_id, salt=UNSUBSCRIBE_SALT)


def subscription_of(token: str) -> Subscription | None:
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return Subscription.objects.select_related("newsletter", "reader").filter(pk=pk).first()


def unsubscribe(subscription: Subscription) -> None:
    if subscription.status != Subscription.Status.UNSUBSCRIBED:
        subscription.status, subscription.unsubscribed_at = Subscription.Status.UNSUBSCRIBED, timezone.now()
        subscription.save(update_fields=["status", "unsubscribed_at"])


def subscribe_signed_in(*, reader: Reader, newsletter: Newsletter) -> None:
    """A signed-in reader proved their address by the link: no second confirmation needed."""
    now = timezone.now()
    Subscription.objects.update_or_create(
        reader=reader,
        newsletter=newsletter,
        defaults={"status": Subscription.Status.CONFIRMED, "confirmed_at": now, "unsubscribed_at": None},
        create_defaults={
            "status": Subscription.Status.CONFIRMED,
            "confirmed_at": now,
            "consent_at": now,
            "consent_source": "account page",
        },
    )


def request_sign_in(email: str) -> None:
    """Mail a magic link to `email` if a reader has it (else nothing: the page says the same)."""
    reader = Reader.objects.filter(email=normalize(email)).first()
    if reader is None or is_suppressed(reader.email):
        return
    with transaction.atomic():
        token = sessions.new_link(reader)
        url = settings.SITE_URL + reverse("readers:sign_in_link", args=[token])
        _mail(
            reader.email, "readers/email/sign_in.txt", {"url": url, "minutes": settings.READER_LINK_MINUTES}
        )


def delete_reader(reader: Reader) -> None:
    """Erase the reader: their address, subscriptions, links and the address on every delivery. What
    stays is counts: each issue's deliveries, now without an address."""
    with transaction.atomic():
        Delivery.objects.filter(Q(subscription__reader=reader) | Q(email=reader.email)).update(
            email=None, subscription=None
        )
        reader.delete()


def export_data(reader: Reader) -> dict:
    """Everything kept about the reader, as JSON-ready data."""
    subscriptions = reader.subscriptions.select_related("newsletter").order_by("pk")
    deliveries = Delivery.objects.filter(subscription__reader=reader).select_related("issue").order_by("pk")
    when = lambda value: value.isoformat() if value else None  # noqa: E731
    return {
        "email": reader.email,
        "created_at": when(reader.created_at),
        "last_sign_in_at": when(reader.last_sign_in_at),
        "subscriptions": [
            {
                "newsletter": s.newsletter.name,
                "status": s.status,
                "consent_at": when(s.consent_at),
                "consent_source": s.consent_source,
                "confirmed_at": when(s.confirmed_at),
                "unsubscribed_at": when(s.unsubscribed_at),
            }
            for s in subscriptions
        ],
        "emails_received": [
            {"issue": d.issue.subject, "status": d.status, "sent_at": when(d.sent_at)} for d in deliveries
        ],
    }


def suppress(email: str, *, reason: str, note: str = "") -> bool:
    """Never mail `email` again; True if it was not suppressed yet. Its pending deliveries are skipped
    when claimed (sending.py checks at claim time)."""
    _, created = Suppression.objects.get_or_create(
        email=normalize(email), defaults={"reason": reason, "note": note[:200]}
    )
    return created
