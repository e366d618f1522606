"""Preview links: a signed link to an unpublished story that stops working once the story is published,
unpublished or trashed, once it goes live, or when someone who may edit the story revokes its links."""

from datetime import timedelta

import pytest
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Transition
from articles.publishing import preview, workflow

pytestmark = pytest.mark.django_db


def link(article) -> str:
    return reverse("articles:preview", args=[preview.preview_token(article)])


def revoke_url(article) -> str:
    return reverse("admin:articles_article_revoke_previews", args=[article.pk])


def assert_withdrawn(response):
    assert response.status_code == 410
    assert "expired or been withdrawn" in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex, nofollow"


@pytest.fixture
def draft(make_article, reporter):
    return make_article(headline="Reporter draft", status=Article.Status.DRAFT, created_by=reporter)


@pytest.fixture
def scheduled(make_article, reporter):
    at = timezone.now() + timedelta(hours=2)
    return make_article(headline="Scheduled story", published_at=at, created_by=reporter)


@pytest.fixture
def colleague(django_user_model, reporter):
    other = django_user_model.objects.create_user("rep2", password="pw-Secret-123", is_staff=True)
    other.groups.add(*reporter.groups.all())
    return other


# --- links that work ---------------------------------------------------------------------------


def test_preview_link_shows_a_draft(client, draft):
    response = client.get(link(draft))
    assert response.status_code == 200
    assert "Reporter draft" in response.content.decode()


def test_preview_link_survives_submission_for_review(client, draft, reporter):
    url = link(draft)
    workflow.submit_for_review(article=draft, user=reporter)
    assert client.get(url).status_code == 200


def test_preview_link_shows_a_scheduled_story_before_its_time(client, scheduled):
    response = client.get(link(scheduled))
    assert response.status_code == 200
    assert "Scheduled story" in response.content.decode()


# --- links withdrawn by a change of state ------------------------------------------------------


def test_preview_link_is_withdrawn_once_the_story_is_published(client, draft, editor):
    url = link(draft)
    workflow.publish(article=draft, user=editor)
    assert_withdrawn(client.get(url))


def test_preview_link_is_withdrawn_once_the_story_is_scheduled(client, draft, editor):
    url = link(draft)
    workflow.publish(article=draft, user=editor, at=timezone.now() + timedelta(hours=1))
    assert_withdrawn(client.get(url))


def test_preview_link_is_withdrawn_once_the_story_is_unpublished(client, scheduled, editor):
    url = link(scheduled)
    workflow.unpublish(article=scheduled, user=editor)
    assert_withdrawn(client.get(url))


def test_preview_link_is_withdrawn_once_the_story_is_trashed(client, draft, editor):
    url = link(draft)
    workflow.trash(article=draft, user=editor)
    assert_withdrawn(client.get(url))


def test_restoring_a_trashed_story_does_not_revive_its_old_link(client, draft, editor):
    url = link(draft)
    workflow.trash(article=draft, user=editor)
    workflow.restore_from_trash(article=draft, user=editor)
    assert_withdrawn(client.get(url))


def test_preview_link_stops_when_a_scheduled_story_goes_live(client, scheduled, monkeypatch):
    url = link(scheduled)
    later = scheduled.published_at + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert_withdrawn(client.get(url))


def test_withdrawn_link_page_shows_nothing_of_the_story(client, draft, editor):
    url = link(draft)
    workflow.trash(article=draft, user=editor)
    assert "Reporter draft" not in client.get(url).content.decode()


# --- forged links ------------------------------------------------------------------------------


def test_forged_preview_links_are_404(client, draft, make_article):
    other = make_article(status=Article.Status.DRAFT, headline="Other draft")
    token = preview.preview_token(draft)
    payload = signing.b64_encode(f'{{"a":{other.pk},"e":0}}'.encode()).decode()
    forged = ":".join([payload, *token.split(":")[1:]])
    for bad in [token[:-2] + "xx", forged, "nonsense", signing.dumps({"a": other.pk})]:
        response = client.get(reverse("articles:preview", args=[bad]))
        assert response.status_code == 404
        assert "Other draft" not in response.content.decode()


# --- revoking explicitly -----------------------------------------------------------------------


def test_editor_revokes_a_storys_preview_links(editor_client, client, draft, editor):
    url = link(draft)
    response = editor_client.post(revoke_url(draft))
    assert (response.status_code, response["Location"]) == (
        302,
        reverse("admin:articles_article_change", args=[draft.pk]),
    )
    assert_withdrawn(client.get(url))
    revoked = Transition.objects.get(article=draft)
    assert (revoked.action, revoked.from_status, revoked.to_status, revoked.user) == (
        "revoke_previews",
        "draft",
        "draft",
        editor,
    )


def test_a_link_made_after_revoking_works(editor_client, client, draft):
    editor_client.post(revoke_url(draft))
    assert client.get(link(draft)).status_code == 200


def test_reporter_revokes_their_own_drafts_preview_links(reporter_client, client, draft):
    url = link(draft)
    assert reporter_client.post(revoke_url(draft)).status_code == 302
    assert_withdrawn(client.get(url))


def test_revoking_needs_a_post(editor_client, client, draft):
    url = link(draft)
    response = editor_client.get(revoke_url(draft))
    assert response.status_code == 405
    assert client.get(url).status_code == 200
    assert not Transition.objects.exists()


def test_reporter_cannot_revoke_a_colleagues_preview_links_in_the_admin(
    client, make_article, colleague, reporter
):
    story = make_article(headline="Colleague draft", status=Article.Status.DRAFT, created_by=colleague)
    url = link(story)
    client.force_login(reporter)
    assert client.post(revoke_url(story)).status_code == 404
    client.logout()
    assert client.get(url).status_code == 200
    assert not Transition.objects.exists()


def test_reporter_cannot_revoke_a_colleagues_preview_links_through_the_service(
    make_article, colleague, reporter
):
    story = make_article(status=Article.Status.DRAFT, created_by=colleague)
    token = preview.preview_token(story)
    with pytest.raises(PermissionDenied):
        preview.revoke_preview_links(article=story, user=reporter)
    assert preview.article_for_preview_token(token) == story
    assert not Transition.objects.exists()


def test_change_form_offers_the_revoke_button_to_whoever_may_edit(editor_client, draft):
    html = editor_client.get(reverse("admin:articles_article_change", args=[draft.pk])).content.decode()
    assert f'formaction="{revoke_url(draft)}"' in html
    assert "Revoke preview links" in html


def test_change_form_offers_no_revoke_button_on_a_story_the_reporter_may_only_view(
    reporter_client, make_article, colleague
):
    story = make_article(headline="Live story", created_by=colleague)
    response = reporter_client.get(reverse("admin:articles_article_change", args=[story.pk]))
    assert response.status_code == 200
    assert "Revoke preview links" not in response.content.decode()
