"""Story events for the webhooks, called by the workflow services (publishing/) as they change what
readers see. Each makes a delivery row per subscription that wants the event and a delivery task, both
in the service's transaction (a rolled-back change tells nobody). Drafts make none: only changes to a
live story, or a story going live, are events."""

import json
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone

from articles.models import WebhookDelivery, WebhookSubscription
from articles.models.webhooks import Event
from articles.worker.retry import enqueue_with_transaction

from . import payload
from .delivery import deliver

_quiet = ContextVar("webhooks_quiet", default=False)


@contextmanager
def quiet():
    """No events for the changes made inside: an archive brought in from another system is not news
    to partners (they read it from the API)."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def _subscribed(event: str) -> list[WebhookSubscription]:
    return list(WebhookSubscription.objects.filter(active=True, events__contains=[event]))


def story_events(articles, event: str) -> int:
    """story_event() now for each of many stories (a bulk insert): the subscriptions are read once."""
    if _quiet.get() or not articles or not (subscriptions := _subscribed(event)):
        return 0
    return sum(story_event(article, event, subscriptions=subscriptions) for article in articles)


def story_event(article, event: str, *, at=None, subscriptions=None) -> int:
    """Tell subscribers `event` happened to `article`: now, with the story as it is in this transaction, or
    at `at` for a scheduled publication (the delivery then goes only if the story is still due, as it is
    then). Returns how many deliveries were queued."""
    if _quiet.get():
        return 0
    subscriptions = _subscribed(event) if subscriptions is None else subscriptions
    if not subscriptions:
        return 0
    now = timezone.now()
    deferred = at is not None and at > now
    story = None
    if event == Event.UNPUBLISHED:
        story = payload.withdrawn_ninjs(article.pk, article.version)
    elif not deferred:
        story = payload.story_ninjs(article)
    for subscription in subscriptions:
        delivery = WebhookDelivery(subscription=subscription, event=event, article=article, created_at=now)
        if story is not None:
            envelope = payload.envelope(delivery_id=delivery.pk, event=event, occurred_at=now, story=story)
            delivery.body = json.dumps(envelope)
        else:
            delivery.publish_time = at
        delivery.save()
        task = deliver
        if deferred and deliver.get_backend().supports_defer:
            task = deliver.using(run_after=at)
        enqueue_with_transaction(task, str(delivery.pk))
    return len(subscriptions)


def after_change(article, *, was_live: bool, was_published_at=None) -> None:
    """A story saved or moved through its workflow: what it means for readers (`was_live`: it was readable
    before; `was_published_at`: its publish time before)."""
    if was_live and article.is_live:
        story_event(article, Event.UPDATED)
    elif was_live:
        story_event(article, Event.UNPUBLISHED)
    elif article.is_live:
        story_event(article, Event.PUBLISHED)
    elif article.is_scheduled and article.published_at != was_published_at:
        story_event(article, Event.PUBLISHED, at=article.published_at)


def after_note(article, *, kind: str) -> None:
    """A correction or an update at the foot of a live story."""
    if article.is_live:
        story_event(article, Event.CORRECTED if kind == "correction" else Event.UPDATED)
