"""Delivering one webhook: a JSON POST signed with HMAC-SHA256 over the raw body, with its delivery id and
a timestamp; retried with back-off by the worker until a 2xx or ATTEMPTS tries. Every attempt is logged
on the delivery (status, error, time), which the admin shows.

Headers: X-Newsroom-Event, X-Newsroom-Delivery (the same on every attempt: receivers drop repeats),
X-Newsroom-Timestamp (Unix seconds of this attempt) and X-Newsroom-Signature: sha256=<hex HMAC of the body>.
"""

import hashlib
import hmac
import json
import time

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from articles import outbound
from articles.models import Article, WebhookDelivery
from articles.worker.retry import retried

from . import payload

ATTEMPTS = 6  # the last about 16 minutes after the first (30 s, 1, 2, 4, 8 min between)
RESPONSE_MAX_BYTES = 64 * 1024
State = WebhookDelivery.State


class DeliveryFailed(Exception):
    pass


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _still_due(delivery: WebhookDelivery) -> Article | None:
    """For a scheduled publication's delivery: the story, if it is live at the time it was due."""
    article = Article.objects.filter(pk=delivery.article_id).first()
    if article is None or not article.is_live:
        return None
    if article.published_at != delivery.publish_time:
        return None  # rescheduled since: that time's own delivery says it
    return article


def _body(delivery: WebhookDelivery) -> str | None:
    if delivery.body:
        return delivery.body
    article = _still_due(delivery)
    if article is None:
        return None
    story = payload.story_ninjs(article)
    return json.dumps(
        payload.envelope(
            delivery_id=delivery.pk, event=delivery.event, occurred_at=delivery.publish_time, story=story
        )
    )


def _log(delivery: WebhookDelivery, *, status=None, error: str = "", started: float) -> None:
    now = timezone.now()
    delivery.attempts += 1
    delivery.last_status, delivery.last_error, delivery.last_attempt_at = status, error[:2000], now
    entry = {
        "at": now.isoformat(),
        "status": status,
        "error": error[:500],
        "ms": round((time.monotonic() - started) * 1000),
    }
    delivery.log = [*delivery.log, entry]


@task
@retried(attempts=ATTEMPTS)
def deliver(delivery_id: str, *, attempt: int = 1) -> dict:
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update().select_related("subscription").get(pk=delivery_id)
        )
        if delivery.state != State.PENDING:
            return {"state": delivery.state}
        body = _body(delivery)
        if body is None:
            delivery.state = State.CANCELLED
            delivery.save(update_fields=["state"])
            return {"state": delivery.state}
        delivery.body = body
        delivery.save(update_fields=["body"])
    subscription, raw = delivery.subscription, body.encode()
    headers = {
        "Content-Type": "application/json",
        "X-Newsroom-Event": delivery.event,
        "X-Newsroom-Delivery": str(delivery.pk),
        "X-Newsroom-Timestamp": str(int(time.time())),
        "X-Newsroom-Signature": sign(subscription.secret, raw),
    }
    started = time.monotonic()
    try:
        response = outbound.fetch(
            subscription.url,
            method="POST",
            body=raw,
            headers=headers,
            max_bytes=RESPONSE_MAX_BYTES,
            redirects=0,
        )
    except outbound.OutboundError as exc:
        status, error = None, str(exc)
    else:
        status, error = response.status, "" if 200 <= response.status < 300 else f"HTTP {response.status}"
    _log(delivery, status=status, error=error, started=started)
    fields = ["attempts", "last_status", "last_error", "last_attempt_at", "log", "state", "delivered_at"]
    if not error:
        delivery.state, delivery.delivered_at = State.DELIVERED, timezone.now()
        delivery.save(update_fields=fields)
        return {"state": delivery.state, "status": status}
    if attempt >= ATTEMPTS:
        delivery.state = State.FAILED
    delivery.save(update_fields=fields)
    raise DeliveryFailed(f"{subscription.url}: {error} (attempt {attempt} of {ATTEMPTS})")
