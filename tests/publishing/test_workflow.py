"""The life of a story: who may do what, scheduling and embargo, unpublishing and the trash."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Transition
from articles.publishing import workflow
from tests.publishing.workflow_helpers import change_url, edit_post

pytestmark = pytest.mark.django_db


# --- roles --------------------------------------------------------------------------------------


def test_reporter_submits_own_draft_for_review(reporter_client, draft):
    response = reporter_client.post(change_url(draft), edit_post(draft, _submit_review="1"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Article.Status.REVIEW
    transition = Transition.objects.get(article=draft)
    assert (transition.from_status, transition.to_status, transition.user.username) == (
        "draft",
        "review",
        "rep",
    )


def test_reporter_cannot_publish_with_a_crafted_post(reporter_client, draft):
    response = reporter_client.post(change_url(draft), edit_post(draft, headline="Changed", _publish="1"))
    assert response.status_code == 403
    draft.refresh_from_db()
    assert (draft.status, draft.headline, draft.published_at) == ("draft", "Reporter draft", None)
    assert not Transition.objects.exists()


def test_reporter_cannot_publish_with_the_bulk_action(reporter_client, draft):
    reporter_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


def test_reporter_cannot_edit_a_published_story(reporter_client, make_article, reporter):
    article = make_article(headline="Live story", created_by=reporter)
    response = reporter_client.post(change_url(article), edit_post(article, headline="Defaced"))
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.headline == "Live story"


def test_reporter_cannot_edit_someone_elses_draft(reporter_client, make_article, editor):
    article = make_article(headline="Editor's draft", status=Article.Status.DRAFT, created_by=editor)
    response = reporter_client.post(change_url(article), edit_post(article, headline="Mine now"))
    # Sent away as for a story that does not exist: a reporter cannot see a colleague's draft at all.
    assert (response.status_code, response["Location"]) == (302, reverse("admin:index"))
    article.refresh_from_db()
    assert article.headline == "Editor's draft"


def test_reporter_cannot_unpublish_or_trash(reporter, make_article):
    article = make_article(created_by=reporter)
    with pytest.raises(PermissionDenied):
        workflow.unpublish(article=article, user=reporter)
    with pytest.raises(PermissionDenied):
        workflow.trash(article=article, user=reporter)
    article.refresh_from_db()
    assert article.is_live


def test_editor_cannot_manage_users(editor_client):
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    response = editor_client.post(
        reverse("admin:auth_user_add"),
        {"username": "intruder", "password1": "x-Secret-9876", "password2": "x-Secret-9876"},
    )
    assert response.status_code == 403
    assert not User.objects.filter(username="intruder").exists()


def test_administrator_can_manage_users(client, administrator):
    client.force_login(administrator)
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 200


def test_editor_publishes_a_story_in_review(editor_client, draft, editor):
    workflow.submit_for_review(article=draft, user=draft.created_by)
    response = editor_client.post(
        change_url(draft), edit_post(Article.objects.get(pk=draft.pk), _publish="1")
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.is_live and draft.updated_by == editor


# --- scheduling and embargo ---------------------------------------------------------------------


def test_scheduled_story_appears_exactly_at_its_time(client, make_article, editor, monkeypatch):
    at = timezone.now() + timedelta(hours=2)
    article = make_article(headline="Scheduled story", status=Article.Status.DRAFT)
    workflow.publish(article=article, user=editor, at=at)
    pages = [article.get_absolute_url(), "/", "/world/"]

    monkeypatch.setattr(timezone, "now", lambda: at - timedelta(seconds=1))
    assert client.get(pages[0]).status_code == 404
    for url in pages[1:]:
        assert "Scheduled story" not in client.get(url).content.decode()
    assert not Article.objects.published().filter(pk=article.pk).exists()

    monkeypatch.setattr(timezone, "now", lambda: at)
    assert client.get(pages[0]).status_code == 200
    for url in pages[1:]:
        assert "Scheduled story" in client.get(url).content.decode()


def test_schedule_button_uses_the_publish_time(editor_client, make_article):
    article = make_article(status=Article.Status.DRAFT)
    at = timezone.localtime(timezone.now() + timedelta(days=1)).replace(microsecond=0)
    data = edit_post(
        article, published_at_0=at.strftime("%Y-%m-%d"), published_at_1=at.strftime("%H:%M:%S"), _schedule="1"
    )
    assert editor_client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.is_scheduled and article.published_at == at


def test_embargoed_story_cannot_be_published_early(editor_client, make_article, editor):
    embargo = timezone.localtime(timezone.now() + timedelta(hours=1)).replace(microsecond=0)
    article = make_article(status=Article.Status.REVIEW, embargo_until=embargo)
    with pytest.raises(ValidationError, match="embargoed"):
        workflow.publish(article=article, user=editor)
    data = edit_post(
        article,
        embargo_until_0=embargo.strftime("%Y-%m-%d"),
        embargo_until_1=embargo.strftime("%H:%M:%S"),
        _publish="1",
    )
    response = editor_client.post(change_url(article), data, follow=True)
    assert "embargoed until" in response.content.decode()
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW


def test_story_whose_photo_has_no_credit_cannot_be_published(make_article, make_photo, editor):
    article = make_article(status=Article.Status.DRAFT, lead_photo=make_photo(credit_text=""))
    with pytest.raises(ValidationError, match="no credit"):
        workflow.publish(article=article, user=editor)


# --- unpublish, trash ---------------------------------------------------------------------------


def test_unpublished_story_is_gone_for_readers(client, make_article, editor):
    article = make_article(headline="Withdrawn")
    workflow.unpublish(article=article, user=editor)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()
    assert "Withdrawn" not in client.get("/").content.decode()


def test_trash_and_restore(editor_client, client, make_article):
    article = make_article(headline="Binned story")
    editor_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "trash_selected", "_selected_action": [article.pk]},
    )
    article.refresh_from_db()
    assert article.deleted_at is not None
    assert client.get(article.get_absolute_url()).status_code == 404
    trash = editor_client.get(reverse("admin:articles_trashedarticle_changelist")).content.decode()
    assert "Binned story" in trash
    editor_client.post(
        reverse("admin:articles_trashedarticle_changelist"),
        {"action": "restore_selected", "_selected_action": [article.pk]},
    )
    article.refresh_from_db()
    assert article.deleted_at is None
    assert client.get(article.get_absolute_url()).status_code == 200


def test_only_administrators_purge_the_trash(client, make_article, editor, administrator):
    article = make_article()
    workflow.trash(article=article, user=editor)
    with pytest.raises(PermissionDenied):
        workflow.purge(article=article, user=editor)
    client.force_login(editor)
    client.post(
        reverse("admin:articles_trashedarticle_changelist"),
        {"action": "delete_selected", "_selected_action": [article.pk], "post": "yes"},
    )
    assert Article.objects.filter(pk=article.pk).exists()
    client.force_login(administrator)
    response = client.post(
        reverse("admin:articles_trashedarticle_changelist"),
        {"action": "delete_selected", "_selected_action": [article.pk]},
    )
    assert "Are you sure" in response.content.decode()
    assert Article.objects.filter(pk=article.pk).exists()
    client.post(
        reverse("admin:articles_trashedarticle_changelist"),
        {"action": "delete_selected", "_selected_action": [article.pk], "post": "yes"},
    )
    assert not Article.objects.filter(pk=article.pk).exists()
