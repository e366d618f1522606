"""Each writer leaves exactly one row per change, through the screens and calls people and machines use:
the admin (the generic hook and the services it calls), the services, commands, sign-in and 2FA."""

import io
import json
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.frontpage import services as fronts
from articles.models import Article, BreakingBanner, FrontLayout, Section
from articles.publishing import workflow
from newsroom import audit
from newsroom.audit.models import AuditEntry
from tests.accounts.test_roles import change_post
from tests.helpers import article_post, filled_form

pytestmark = pytest.mark.django_db
BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (Newsroom test)", "REMOTE_ADDR": "203.0.113.9"}


def rows(**filters):
    return list(AuditEntry.objects.filter(**filters).order_by("id"))


def only(**filters) -> AuditEntry:
    found = rows(**filters)
    assert len(found) == 1, [(r.action, r.object_label) for r in AuditEntry.objects.order_by("id")]
    return found[0]


@pytest.fixture
def administrator_client(client, administrator):
    client.force_login(administrator)
    return client


# --- The admin ---------------------------------------------------------------------------------------


def test_a_story_saved_in_the_admin_is_one_row_with_its_changes_address_and_browser(
    editor_client, editor, section
):
    response = editor_client.post(reverse("admin:articles_article_add"), article_post(section), **BROWSER)
    assert response.status_code == 302
    story = Article.objects.get()
    url = reverse("admin:articles_article_change", args=[story.pk])
    data = filled_form(editor_client, url, headline="Ministry recalls ambassador")
    assert editor_client.post(url, data, **BROWSER).status_code == 302
    created, updated = rows(object_type="articles.article", object_id=str(story.pk))
    assert (created.action, updated.action) == ("article.create", "article.update")
    assert updated.changes["headline"] == ["Ministry summons ambassador", "Ministry recalls ambassador"]
    assert "body" not in updated.changes
    assert updated.actor_id == editor.pk and updated.ip == "203.0.113.9"
    assert updated.user_agent == "Mozilla/5.0 (Newsroom test)"


def test_an_admin_screen_without_a_service_is_logged_by_the_admin_hook(editor_client):
    add = editor_client.post(
        reverse("admin:articles_section_add"), {"name": "Climate", "slug": "climate", "order": 0}
    )
    assert add.status_code == 302, add.context["adminform"].form.errors
    section = Section.objects.get(slug="climate")
    created = only(action="section.create")
    assert created.object_id == str(section.pk) and created.changes["name"] == [None, "Climate"]
    editor_client.post(reverse("admin:articles_section_delete", args=[section.pk]), {"post": "yes"})
    deleted = only(action="section.delete")
    # The label outlives the section.
    assert deleted.object_label == "Climate" and not Section.objects.filter(slug="climate").exists()


def test_saving_an_admin_form_unchanged_writes_nothing(editor_client, section):
    url = reverse("admin:articles_section_change", args=[section.pk])
    data = {"name": section.name, "slug": section.slug, "order": section.order}
    data |= {"show_in_nav": "on"} if section.show_in_nav else {}
    assert editor_client.post(url, data).status_code == 302
    assert rows(scope=AuditEntry.Scope.CONTENT) == []
    editor_client.post(url, {**data, "description": "News from everywhere"})
    assert only(action="section.update").changes == {"description": ["", "News from everywhere"]}


def test_a_role_change_shows_who_made_it_with_before_and_after(administrator_client, administrator, reporter):
    url = reverse("admin:auth_user_change", args=[reporter.pk])
    editors = Group.objects.get(name="Editors")
    assert administrator_client.post(url, change_post(reporter, editors)).status_code == 302
    row = only(action="user.update")
    assert row.changes["groups"] == [["Reporters"], ["Editors"]]
    assert row.actor_id == administrator.pk and row.scope == AuditEntry.Scope.SECURITY


def test_removing_a_second_factor_is_filed_under_the_user_and_never_shows_the_secret(
    administrator_client, reporter
):
    device = TOTPDevice.objects.create(user=reporter, name="rep's phone", confirmed=True)
    url = reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])
    assert administrator_client.post(url, {"post": "yes"}).status_code == 302
    row = only(action="totpdevice.delete")
    assert (row.object_type, row.object_id) == ("auth.user", str(reporter.pk))
    assert row.changes["name"] == ["rep's phone", None] and row.changes["key"] == ["(hidden)", None]
    assert device.key not in json.dumps(row.changes)


def test_an_api_key_issued_in_the_admin_is_logged_once_without_the_key(administrator_client):
    response = administrator_client.post(
        reverse("admin:articles_apikey_add"), {"name": "iOS app", "owner": "Partner Ltd", "rate_limit": ""}
    )
    raw = re.search(r'<code id="issued-key"[^>]*>(nrk_[\w-]+)</code>', response.content.decode()).group(1)
    row = only(object_type="articles.apikey")
    assert row.action == "apikey.create" and row.changes["owner"] == [None, "Partner Ltd"]
    assert raw not in json.dumps(list(AuditEntry.objects.values()), default=str)


def test_a_bulk_action_writes_a_row_per_story(editor_client, make_article):
    stories = [make_article(status=Article.Status.DRAFT) for _ in range(3)]
    editor_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [s.pk for s in stories]},
    )
    assert sorted(int(r.object_id) for r in rows(action="article.publish")) == sorted(s.pk for s in stories)


# --- Services and machines -----------------------------------------------------------------------------


def test_a_publish_records_the_status_change(editor, make_article):
    story = make_article(status=Article.Status.DRAFT)
    workflow.publish(article=story, user=editor)
    row = only(action="article.publish")
    assert row.changes["status"] == ["draft", "published"]


def test_a_refused_or_rolled_back_change_writes_no_row(reporter, editor, make_article):
    story = make_article(status=Article.Status.DRAFT)
    with pytest.raises(PermissionDenied):
        workflow.publish(article=story, user=reporter)
    with pytest.raises(RuntimeError), transaction.atomic():
        workflow.publish(article=story, user=editor)
        raise RuntimeError("the request failed after the publish")
    assert AuditEntry.objects.count() == 0
    assert Article.objects.get().status == Article.Status.DRAFT


def test_the_front_page_and_the_banner_are_logged(editor, make_article):
    story = make_article()
    with audit.acting(user=editor):
        layout = fronts.save_layout(layout=FrontLayout(), user=editor, stories=[story])
        banner = fronts.put_banner(banner=BreakingBanner(text="Polls close"), user=editor)
        fronts.clear_banner(banner=banner, user=editor)
    assert only(action="frontlayout.create").changes["stories"] == [None, [story.pk]]
    assert only(action="banner.put").changes["text"] == [None, "Polls close"]
    assert only(action="banner.clear").object_id == str(banner.pk)
    assert {r.actor_id for r in rows()} == {editor.pk} and layout.pk


def test_a_command_names_itself(editor):
    export = Path(__file__).parents[1] / "wordpress" / "fixtures" / "gazette-wxr-1.2.xml"
    call_command("import_wordpress", str(export), "--as", editor.username, stdout=io.StringIO())
    made = rows(action="article.create")
    assert made and {r.actor_label for r in made} == {"system: command import_wordpress gazette-wxr-1.2.xml"}


# --- Signing in ------------------------------------------------------------------------------------------


def test_sign_in_out_and_a_failed_sign_in_are_logged_without_the_password(client, editor):
    login = reverse("admin:login")
    client.post(login, {"username": "ed", "password": "wrong-Guess-1"}, **BROWSER)
    client.post(login, {"username": "ed", "password": "pw-Secret-123"}, **BROWSER)
    client.post(reverse("admin:logout"), **BROWSER)
    failed, signed_in, signed_out = rows(scope=AuditEntry.Scope.SECURITY)
    assert (failed.action, signed_in.action, signed_out.action) == (
        "auth.login_failed",
        "auth.login",
        "auth.logout",
    )
    assert failed.object_label == "ed" and failed.actor_label == "anonymous" and failed.ip == "203.0.113.9"
    assert signed_in.actor_id == editor.pk and signed_out.object_id == str(editor.pk)
    assert "wrong-Guess-1" not in json.dumps(list(AuditEntry.objects.values()), default=str)


def test_changing_ones_own_password_is_logged_masked(editor_client, editor):
    response = editor_client.post(
        reverse("admin:password_change"),
        {
            "old_password": "pw-Secret-123",
            "new_password1": "A-new-Secret-456",
            "new_password2": "A-new-Secret-456",
        },
    )
    assert response.status_code == 302
    row = only(action="user.password_change")
    assert row.object_id == str(editor.pk) and row.changes == {"password": ["(hidden)", "(hidden)"]}
    assert "A-new-Secret-456" not in json.dumps(list(AuditEntry.objects.values()), default=str)
    # A wrong old password changes nothing and logs nothing.
    editor_client.post(
        reverse("admin:password_change"),
        {"old_password": "wrong", "new_password1": "Other-Secret-789", "new_password2": "Other-Secret-789"},
    )
    assert len(rows(action="user.password_change")) == 1


def test_a_webhook_rewired_in_the_admin_is_logged_without_its_secret(administrator_client):
    add = administrator_client.post(
        reverse("admin:articles_webhooksubscription_add"),
        {
            "name": "Partner",
            "url": "https://partner.example/hook",
            "events": ["published"],
            "active": "on",
            "new_secret": "a-typed-secret-value-1234567890",
        },  # fmt: skip
    )
    assert add.status_code == 302, add.context["adminform"].form.errors
    row = only(action="webhooksubscription.create")
    assert row.scope == AuditEntry.Scope.SECURITY and row.changes["url"] == [
        None,
        "https://partner.example/hook",
    ]
    assert "a-typed-secret-value" not in json.dumps(list(AuditEntry.objects.values()), default=str)
