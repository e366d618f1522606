"""Webhooks delivered by the worker to a receiver on loopback: signed, retried after a failure, logged, and
never about drafts."""

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.guids import article_guid
from articles.models import Article, WebhookDelivery
from articles.publishing import editing, workflow
from tests.background import Answer, run_ready_tasks
from tests.webhooks.conftest import SECRET

pytestmark = pytest.mark.django_db
State = WebhookDelivery.State


@pytest.fixture
def draft(make_article, reporter):
    return make_article(headline="Dam plan approved", status=Article.Status.DRAFT, created_by=reporter)


def committed(func, **kwargs):
    with transaction.atomic():
        return func(**kwargs)


def verify(seen) -> dict:
    """The receiver's check: the signature is HMAC-SHA256 of the raw body with the shared secret."""
    expected = "sha256=" + hmac.new(SECRET.encode(), seen.body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(seen.headers["X-Newsroom-Signature"], expected)
    return json.loads(seen.body)


def test_publishing_delivers_a_signed_ninjs_story(client, db_tasks, subscription, receiver, draft, editor):
    committed(workflow.publish, article=draft, user=editor)
    run_ready_tasks()  # the delivery, and the reporter's email (a task too)
    [seen] = receiver.seen
    assert seen.method == "POST" and seen.headers["Content-Type"] == "application/json"
    body = verify(seen)
    delivery = WebhookDelivery.objects.get()
    assert seen.headers["X-Newsroom-Delivery"] == str(delivery.pk) == body["id"]
    assert seen.headers["X-Newsroom-Event"] == "published" == body["event"]
    assert int(seen.headers["X-Newsroom-Timestamp"]) > 0
    story = body["story"]
    # The read API's item for the story (one serializer, one uri: its feed GUID), valid ninjs 2.2.
    assert story == client.get(f"/api/v1/stories/{draft.pk}/").json()
    assert story["uri"] == article_guid(draft.pk) and story["standard"]["version"] == "2.2"
    assert [h["value"] for h in story["headlines"] if h["role"] == "main"] == ["Dam plan approved"]
    assert story["bodies"][0]["contenttype"] == "text/html" and story["pubstatus"] == "usable"
    assert (delivery.state, delivery.attempts, delivery.last_status) == (State.DELIVERED, 1, 200)


def test_a_tampered_body_fails_the_signature(db_tasks, subscription, receiver, draft, editor):
    committed(workflow.publish, article=draft, user=editor)
    run_ready_tasks()
    seen = receiver.seen[0]
    seen.body = seen.body.replace(b"Dam plan", b"Dam scrap")
    with pytest.raises(AssertionError):
        verify(seen)


def test_a_failed_delivery_is_retried_later_and_every_attempt_logged(
    db_tasks, subscription, receiver, draft, editor
):
    receiver.answers["/hook"] = [Answer(b"down", 500), Answer(b"ok", 200)]
    committed(workflow.publish, article=draft, user=editor)
    run_ready_tasks()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.last_status) == (State.PENDING, 1, 500)
    # The failed attempt is a failed task row; the retry waits (back-off), so nothing more runs now.
    deliveries = DBTaskResult.objects.filter(task_path="articles.webhooks.delivery.deliver")
    assert deliveries.failed().count() == 1
    retry = deliveries.get(status="READY")
    assert retry.run_after > timezone.now() + timedelta(seconds=20)
    assert retry.args_kwargs["kwargs"] == {"attempt": 2}
    assert run_ready_tasks() == 0
    assert run_ready_tasks(advance_to=retry.run_after) == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status) == (State.DELIVERED, 2, 200)
    assert [entry["status"] for entry in delivery.log] == [500, 200]
    assert delivery.log[0]["error"] == "HTTP 500"
    first, second = receiver.seen
    assert first.body == second.body  # the same bytes, the same delivery id: receivers drop repeats
    assert first.headers["X-Newsroom-Delivery"] == second.headers["X-Newsroom-Delivery"]
    verify(second)


def test_a_delivery_gives_up_after_its_last_attempt(db_tasks, subscription, receiver, draft, editor):
    from articles.webhooks.delivery import ATTEMPTS

    receiver.answers["/hook"] = Answer(b"down", 503)
    committed(workflow.publish, article=draft, user=editor)
    run_ready_tasks(advance_to=timezone.now() + timedelta(days=1))
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts) == (State.FAILED, ATTEMPTS)
    assert (
        DBTaskResult.objects.filter(task_path="articles.webhooks.delivery.deliver").failed().count()
        == ATTEMPTS
    )
    assert len(receiver.seen) == ATTEMPTS


def test_nothing_is_delivered_for_drafts(db_tasks, subscription, receiver, draft, reporter, editor):
    draft.headline = "Dam plan approved by council"
    committed(editing.save_edit, article=draft, user=reporter, loaded_version=draft.version)
    committed(workflow.submit_for_review, article=draft, user=reporter)
    committed(workflow.return_to_draft, article=draft, user=editor, note="Needs a quote")
    run_ready_tasks()  # the emails to the editors and the reporter
    assert WebhookDelivery.objects.count() == 0 and receiver.seen == []
    assert not DBTaskResult.objects.filter(task_path="articles.webhooks.delivery.deliver").exists()


def test_update_correction_and_unpublish_are_events(db_tasks, subscription, receiver, make_article, editor):
    story = make_article(headline="Bridge closes")
    story.standfirst = "Engineers found cracks."
    committed(editing.save_edit, article=story, user=editor, loaded_version=story.version)
    committed(editing.add_note, article=story, user=editor, text="The bridge is in Leeds, not York.")
    committed(workflow.unpublish, article=story, user=editor)
    run_ready_tasks()
    events = [json.loads(seen.body)["event"] for seen in receiver.seen]
    assert events == ["updated", "corrected", "unpublished"]
    assert json.loads(receiver.seen[-1].body)["story"]["pubstatus"] == "canceled"


def test_only_the_events_subscribed_to_are_sent(db_tasks, subscription, receiver, make_article, editor):
    subscription.events = ["unpublished"]
    subscription.save()
    story = make_article()
    committed(editing.add_note, article=story, user=editor, text="A correction.")
    assert WebhookDelivery.objects.count() == 0


def test_a_scheduled_story_is_announced_when_it_goes_live_and_not_if_unpublished_first(
    db_tasks, subscription, receiver, make_article, draft, editor
):
    at = timezone.now() + timedelta(hours=1)
    committed(workflow.schedule, article=draft, user=editor, at=at)
    run_ready_tasks()
    assert receiver.seen == []  # waits for the publish time
    other = make_article(headline="Vote tonight", status=Article.Status.DRAFT)
    committed(workflow.schedule, article=other, user=editor, at=at)
    committed(workflow.unpublish, article=other, user=editor)
    Article.objects.filter(pk__in=[draft.pk, other.pk]).update(published_at=at)  # unchanged, for clarity
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(timezone, "now", lambda: at + timedelta(seconds=1))
        run_ready_tasks(advance_to=at)
    sent = [json.loads(seen.body)["story"]["uri"] for seen in receiver.seen]
    assert sent == [article_guid(draft.pk)]
    assert WebhookDelivery.objects.get(article=other).state == State.CANCELLED


def test_private_addresses_are_refused_when_the_setting_is_off(
    db_tasks, subscription, receiver, draft, editor, settings
):
    settings.OUTBOUND_ALLOW_PRIVATE_ADDRESSES = False
    committed(workflow.publish, article=draft, user=editor)
    run_ready_tasks()
    delivery = WebhookDelivery.objects.get()
    assert receiver.seen == []
    assert "refused" in delivery.last_error and "127.0.0.1" in delivery.last_error


def test_the_secret_is_write_only_in_the_admin(client, administrator, subscription):
    client.force_login(administrator)
    listing = client.get(reverse("admin:articles_webhooksubscription_changelist")).content.decode()
    form = client.get(
        reverse("admin:articles_webhooksubscription_change", args=[subscription.pk])
    ).content.decode()
    assert "Partner app" in listing and SECRET not in listing and SECRET not in form
    assert SECRET not in repr(subscription) and SECRET not in str(subscription)


def test_deliveries_are_listed_in_the_admin_with_their_attempts(
    db_tasks, client, administrator, subscription, receiver, draft, editor
):
    receiver.answers["/hook"] = Answer(b"nope", 500)
    committed(workflow.publish, article=draft, user=editor)
    run_ready_tasks()
    delivery = WebhookDelivery.objects.get()
    client.force_login(administrator)
    listing = client.get(reverse("admin:articles_webhookdelivery_changelist")).content.decode()
    assert "HTTP 500" in listing
    page = client.get(reverse("admin:articles_webhookdelivery_change", args=[delivery.pk])).content.decode()
    assert "<td>500</td>" in page


def test_publishing_pending_changes_is_an_update(db_tasks, subscription, receiver, make_article, editor):
    from articles.publishing import pending

    story = make_article(headline="Budget passes")
    data = {**pending.stored_content(story), "headline": "Budget passes narrowly"}
    committed(pending.save_pending, article=story, user=editor, data=data, loaded_version=story.version)
    assert WebhookDelivery.objects.count() == 0  # pending changes are not what readers see
    committed(pending.publish_pending, article=story, user=editor)
    run_ready_tasks()
    [seen] = receiver.seen
    body = verify(seen)
    assert body["event"] == "updated" and body["story"]["headlines"][0]["value"] == "Budget passes narrowly"


def test_an_administrator_subscribes_and_sees_the_new_secret_once(client, administrator, receiver):
    from articles.models import WebhookSubscription

    client.force_login(administrator)
    url = reverse("admin:articles_webhooksubscription_add")
    data = {
        "name": "App",
        "url": "https://partner.example/hooks",
        "events": ["published", "corrected"],
        "active": "on",
    }
    response = client.post(url, data, follow=True)
    subscription = WebhookSubscription.objects.get()
    assert subscription.events == ["published", "corrected"] and len(subscription.secret) >= 32
    assert subscription.secret in response.content.decode()  # shown once, in the message
    change = reverse("admin:articles_webhooksubscription_change", args=[subscription.pk])
    assert subscription.secret not in client.get(change).content.decode()


def test_a_webhook_url_with_another_scheme_is_a_form_error(client, administrator):
    client.force_login(administrator)
    url = reverse("admin:articles_webhooksubscription_add")
    response = client.post(url, {"name": "Bad", "url": "ftp://partner.example/x", "events": ["published"]})
    assert response.status_code == 200 and "errorlist" in response.content.decode()


def test_editors_and_reporters_cannot_manage_webhooks(client, editor, reporter):
    for user in (editor, reporter):
        client.force_login(user)
        assert client.get(reverse("admin:articles_webhooksubscription_changelist")).status_code == 403
