"""Offboarding: a deactivated member of staff's session, API keys, preview links and locks end at once,
through the views that would still let them in; their stories and bylines stay."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.api.keys import issue_key
from articles.models import ApiKey, Article, ArticleAuthor, EditLock
from articles.publishing.preview import preview_token
from newsroom.accounts import offboarding
from newsroom.accounts.models import UserSession
from newsroom.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

USERS = reverse("admin:auth_user_changelist")


@pytest.fixture
def root(db):
    return User.objects.create_superuser("root", "root@example.org", "pw-Secret-123")


@pytest.fixture
def root_client(root):
    client = Client()
    client.force_login(root)
    return client


@pytest.fixture
def leaver(administrator, make_article, make_author):
    """An administrator with a signed-in browser, a key they issued, a preview link they made, a story
    open and a byline."""
    browser = Client()
    browser.force_login(administrator)
    _, raw = issue_key(user=administrator, name="Partner app", owner="Partner")
    draft = make_article(status=Article.Status.DRAFT, created_by=administrator)
    ArticleAuthor.objects.create(article=draft, author=make_author(name="Ada Byline"), order=0)
    EditLock.objects.create(
        article=draft, user=administrator, expires_at=timezone.now() + timedelta(minutes=5)
    )
    link = reverse("articles:preview", args=[preview_token(draft, made_by=administrator)])
    # All of it works before.
    assert browser.get("/admin/").status_code == 200
    assert Client().get("/api/v1/stories/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    assert Client().get(link).status_code == 200
    return {"user": administrator, "browser": browser, "key": raw, "link": link, "story": draft}


def assert_all_ended(leaver):
    assert leaver["browser"].get("/admin/")["Location"].startswith("/admin/login/")
    api = Client().get("/api/v1/stories/", HTTP_AUTHORIZATION=f"Bearer {leaver['key']}")
    assert api.status_code == 401 and "revoked" in api.json()["detail"]
    assert Client().get(leaver["link"]).status_code == 410  # as a withdrawn link: "no longer works"
    assert not EditLock.objects.filter(user=leaver["user"]).exists()
    # What they wrote stays, with its byline.
    story = Article.objects.get(pk=leaver["story"].pk)
    assert story.created_by == leaver["user"] and story.articleauthor_set.get().author.name == "Ada Byline"


def test_the_admin_action_deactivates_and_signs_out_everywhere(root_client, leaver):
    response = root_client.post(
        USERS, {"action": "deactivate_everywhere", "_selected_action": [leaver["user"].pk]}, follow=True
    )
    assert "is deactivated: 1 session(s) ended, 1 API keys revoked, 1 edit locks released" in (
        response.content.decode()
    )
    assert not User.objects.get(pk=leaver["user"].pk).is_active
    assert_all_ended(leaver)


def test_unticking_active_in_the_user_form_does_the_same(root_client, leaver):
    user = leaver["user"]
    url = reverse("admin:auth_user_change", args=[user.pk])
    joined = timezone.localtime(user.date_joined)
    response = root_client.post(
        url,
        {
            "username": user.username,
            "email": user.email,
            "is_staff": "on",
            "groups": list(user.groups.values_list("pk", flat=True)),
            "date_joined_0": joined.strftime("%Y-%m-%d"),
            "date_joined_1": joined.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert_all_ended(leaver)


def test_no_one_deactivates_themselves(root_client, root):
    url = reverse("admin:auth_user_change", args=[root.pk])
    response = root_client.post(
        url, {"username": "root", "date_joined_0": "2026-01-01", "date_joined_1": "10:00"}
    )
    assert "You cannot deactivate your own account." in response.content.decode()
    root_client.post(USERS, {"action": "deactivate_everywhere", "_selected_action": [root.pk]})
    assert User.objects.get(pk=root.pk).is_active
    with pytest.raises(PermissionDenied):
        offboarding.deactivate(user=root, by=root, reason="test")


def test_an_administrator_cannot_deactivate_a_superuser(administrator, root):
    with pytest.raises(PermissionDenied):
        offboarding.deactivate(user=root, by=administrator, reason="test")
    assert User.objects.get(pk=root.pk).is_active


def test_keys_issued_by_others_and_their_links_keep_working(leaver, editor, make_article, root):
    _, other_key = issue_key(user=root, name="Other", owner="Other partner")
    story = make_article(status=Article.Status.DRAFT)
    link = reverse("articles:preview", args=[preview_token(story, made_by=editor)])
    offboarding.deactivate(user=leaver["user"], by=root, reason="left")
    assert Client().get("/api/v1/stories/", HTTP_AUTHORIZATION=f"Bearer {other_key}").status_code == 200
    assert Client().get(link).status_code == 200
    assert ApiKey.objects.filter(revoked=False).count() == 1


def test_each_sign_in_is_tracked_so_sessions_end_by_index(client, editor):
    client.post("/admin/login/", {"username": "ed", "password": "pw-Secret-123"})
    key = client.session.session_key
    assert UserSession.objects.get(user=editor).session_key == key
    client.post(reverse("admin:logout"))
    assert not UserSession.objects.filter(user=editor).exists()
    assert not Session.objects.filter(session_key=key).exists()


def test_deactivating_twice_is_harmless(leaver, root):
    first = offboarding.deactivate(user=leaver["user"], by=root, reason="left")
    again = offboarding.deactivate(user=leaver["user"], by=root, reason="left")
    assert first.was_active and not again.was_active and again.sessions == 0
    assert again.ended == {"API keys revoked": 0, "edit locks released": 0}


def test_a_deactivation_writes_one_audit_row_by_whoever_did_it(root_client, leaver, root):
    root_client.post(USERS, {"action": "deactivate_everywhere", "_selected_action": [leaver["user"].pk]})
    rows = AuditEntry.objects.filter(action="user.deactivate", object_id=str(leaver["user"].pk))
    row = rows.get()
    assert row.actor == root and row.changes == {"is_active": [True, False]}
    assert "1 API keys revoked" in row.summary


def test_a_failing_step_leaves_the_account_and_the_log_as_they_were(leaver, root, monkeypatch):
    def broken(*, user, by):
        raise RuntimeError("the step failed")

    monkeypatch.setattr(offboarding, "_STEPS", [*offboarding._STEPS, ("broken", broken)])
    with pytest.raises(RuntimeError):
        offboarding.deactivate(user=leaver["user"], by=root, reason="left")
    assert User.objects.get(pk=leaver["user"].pk).is_active
    assert not AuditEntry.objects.filter(action="user.deactivate").exists()
    assert leaver["browser"].get("/admin/").status_code == 200
