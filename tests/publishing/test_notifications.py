"""Email notifications: who gets what, after the commit only, and only for those who want them."""

import logging
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.publishing import workflow
from newsroom.accounts import services as accounts
from newsroom.accounts.models import NotificationSettings
from newsroom.settings import base as base_settings
from tests.helpers import filled_form

pytestmark = pytest.mark.django_db


def change_link(article):
    return settings.SITE_URL + reverse("admin:articles_article_change", args=[article.pk])


def staff(username, group, **extra):
    user = User.objects.create_user(username, f"{username}@example.org", "pw-Secret-123", **extra)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a service as the admin does, in a transaction that commits (its on-commit hooks run)."""

    def run(func, **kwargs):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            return func(**kwargs)

    return run


@pytest.fixture
def draft(make_article, reporter):
    return make_article(
        headline="Port strike enters day three", status=Article.Status.DRAFT, created_by=reporter
    )


@pytest.fixture
def in_review(draft, reporter):
    return workflow.submit_for_review(article=draft, user=reporter)


def sent_to(outbox):
    return sorted(address for message in outbox for address in message.to)


# --- submitted for review: the editors -------------------------------------------------------------


def test_submitting_emails_each_editor_on_their_own(
    committed, mailoutbox, draft, reporter, editor, administrator
):
    committed(workflow.submit_for_review, article=draft, user=reporter, note="Quotes checked with the union.")
    assert sent_to(mailoutbox) == ["boss@example.org", "ed@example.org"]
    assert all(len(message.to) == 1 and not message.cc and not message.bcc for message in mailoutbox)
    message = mailoutbox[0]
    assert message.subject == "For review: Port strike enters day three"
    assert "rep submitted “Port strike enters day three” for review." in message.body
    assert "Quotes checked with the union." in message.body
    assert change_link(draft) in message.body
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert message.content_subtype == "plain"


def test_editors_who_turned_email_off_or_cannot_receive_it_get_nothing(
    committed, mailoutbox, draft, reporter, editor
):
    NotificationSettings.objects.create(user=editor, email=False)
    staff("noaddress", "Editors")
    User.objects.filter(username="noaddress").update(email="")
    staff("gone", "Editors", is_active=False)
    keen = staff("keen", "Editors")
    NotificationSettings.objects.create(user=keen, email=True)
    committed(workflow.submit_for_review, article=draft, user=reporter)
    assert sent_to(mailoutbox) == ["keen@example.org"]


def test_reporters_are_not_told_of_each_others_submissions(committed, mailoutbox, draft, reporter, editor):
    staff("rep2", "Reporters")
    committed(workflow.submit_for_review, article=draft, user=reporter)
    assert sent_to(mailoutbox) == ["ed@example.org"]


def test_an_editor_submitting_is_not_emailed_about_it(committed, mailoutbox, make_article, editor):
    own = make_article(headline="Editor's own", status=Article.Status.DRAFT, created_by=editor)
    other = staff("ed2", "Editors")
    committed(workflow.submit_for_review, article=own, user=editor)
    assert sent_to(mailoutbox) == [other.email]


# --- sent back, published: the reporter -----------------------------------------------------------


def test_sending_back_emails_the_reporter_the_note(committed, mailoutbox, in_review, editor):
    committed(
        workflow.return_to_draft, article=in_review, user=editor, note="Needs the port authority's side."
    )
    assert sent_to(mailoutbox) == ["rep@example.org"]
    message = mailoutbox[0]
    assert message.subject == "Sent back: Port strike enters day three"
    assert "ed sent “Port strike enters day three” back to draft." in message.body
    assert "Needs the port authority's side." in message.body
    assert change_link(in_review) in message.body


def test_publishing_emails_the_reporter(committed, mailoutbox, in_review, editor):
    committed(workflow.publish, article=in_review, user=editor)
    assert sent_to(mailoutbox) == ["rep@example.org"]
    assert mailoutbox[0].subject == "Published: Port strike enters day three"
    assert change_link(in_review) in mailoutbox[0].body


def test_scheduling_tells_the_reporter_when(committed, mailoutbox, in_review, editor):
    at = timezone.now() + timedelta(days=1)
    committed(workflow.schedule, article=in_review, user=editor, at=at)
    assert mailoutbox[0].subject == "Scheduled: Port strike enters day three"
    assert f"{timezone.localtime(at):%d %b %Y %H:%M}" in mailoutbox[0].body


def test_a_reporter_who_turned_email_off_is_not_told(committed, mailoutbox, in_review, editor, reporter):
    NotificationSettings.objects.create(user=reporter, email=False)
    committed(workflow.return_to_draft, article=in_review, user=editor, note="Too long.")
    committed(workflow.submit_for_review, article=in_review, user=reporter)
    committed(workflow.publish, article=in_review, user=editor)
    assert sent_to(mailoutbox) == ["ed@example.org"]  # only the editor, told of the second submission


def test_an_editor_publishing_their_own_story_is_not_emailed(committed, mailoutbox, make_article, editor):
    own = make_article(headline="Own", status=Article.Status.DRAFT, created_by=editor)
    committed(workflow.publish, article=own, user=editor)
    assert mailoutbox == []


def test_a_story_without_a_known_reporter_emails_nobody_on_publish(
    committed, mailoutbox, make_article, editor
):
    orphan = make_article(headline="Imported", status=Article.Status.DRAFT, created_by=None)
    committed(workflow.publish, article=orphan, user=editor)
    assert mailoutbox == []


# --- after the commit, and only then --------------------------------------------------------------


def test_nothing_is_sent_before_the_commit(django_capture_on_commit_callbacks, mailoutbox, in_review, editor):
    with django_capture_on_commit_callbacks() as callbacks:
        workflow.return_to_draft(article=in_review, user=editor, note="Not yet")
    assert mailoutbox == []
    for callback in callbacks:
        callback()
    assert sent_to(mailoutbox) == ["rep@example.org"]


def test_nothing_is_sent_when_the_transaction_rolls_back(
    django_capture_on_commit_callbacks, mailoutbox, in_review, editor
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        workflow.return_to_draft(article=in_review, user=editor, note="Rolled back")
        raise RuntimeError("the request failed after the service ran")
    assert callbacks == [] and mailoutbox == []
    assert Article.objects.get(pk=in_review.pk).status == Article.Status.REVIEW


def test_a_refused_change_sends_nothing(committed, mailoutbox, in_review, editor):
    with pytest.raises(ValidationError):
        committed(workflow.return_to_draft, article=in_review, user=editor, note="")
    assert mailoutbox == []


def test_a_failing_mail_server_is_logged_and_the_change_stands(
    committed, mailoutbox, in_review, editor, monkeypatch, caplog
):
    def refuse(self, messages):
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    with caplog.at_level(logging.ERROR, logger="articles.publishing.notifications"):
        committed(workflow.return_to_draft, article=in_review, user=editor, note="Still sent back")
    assert Article.objects.get(pk=in_review.pk).status == Article.Status.DRAFT
    assert "Could not send" in caplog.text


def test_the_admin_sends_once_its_save_commits(
    client, mailoutbox, draft, editor, django_capture_on_commit_callbacks
):
    client.force_login(User.objects.get(username="rep"))
    url = reverse("admin:articles_article_change", args=[draft.pk])
    post = filled_form(client, url, _submit_review="Submit for review", workflow_note="Ready when you are.")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, post)
    assert response.status_code == 302
    assert sent_to(mailoutbox) == ["ed@example.org"]
    assert "Ready when you are." in mailoutbox[0].body


# --- each person's setting ------------------------------------------------------------------------


def settings_url():
    return reverse("admin:accounts_notificationsettings_changelist")


def test_setting_email_keeps_one_row_per_person(reporter):
    accounts.set_email(user=reporter, on=False)
    accounts.set_email(user=reporter, on=True)
    assert list(NotificationSettings.objects.values_list("user", "email")) == [(reporter.pk, True)]


def test_the_settings_page_shows_the_users_own_choice(reporter_client, reporter):
    html = reporter_client.get(settings_url()).content.decode()
    assert 'type="checkbox" name="email"' in html and "checked" in html
    assert "rep@example.org" in html


def test_turning_email_off_and_on_again(reporter_client, reporter):
    response = reporter_client.post(settings_url(), {}, follow=True)
    assert "Email notifications are off." in response.content.decode()
    assert NotificationSettings.objects.get(user=reporter).email is False
    reporter_client.post(settings_url(), {"email": "on"})
    assert NotificationSettings.objects.get(user=reporter).email is True
    assert NotificationSettings.objects.count() == 1


def test_the_page_changes_only_the_signed_in_users_setting(reporter_client, reporter, editor):
    NotificationSettings.objects.create(user=editor, email=True)
    reporter_client.post(settings_url(), {"user": editor.pk})
    assert NotificationSettings.objects.get(user=editor).email is True
    assert NotificationSettings.objects.get(user=reporter).email is False


def test_the_page_is_listed_for_every_member_of_staff_and_needs_a_sign_in(client, reporter):
    assert client.get(settings_url()).status_code == 302  # to the sign-in page
    client.force_login(reporter)
    assert settings_url() in client.get(reverse("admin:index")).content.decode()


def test_a_user_without_an_address_is_told_so(client, db):
    user = staff("noemail", "Reporters")
    User.objects.filter(pk=user.pk).update(email="")
    client.force_login(user)
    assert "Your account has no email address" in client.get(settings_url()).content.decode()


def test_no_one_may_add_or_delete_settings_rows_through_the_admin(client, administrator, reporter):
    client.force_login(administrator)
    row = NotificationSettings.objects.create(user=reporter, email=False)
    assert client.get(f"{settings_url()}add/").status_code == 404
    assert client.get(f"{settings_url()}{row.pk}/delete/").status_code == 404


# --- settings from the environment ----------------------------------------------------------------


@pytest.fixture
def environ(monkeypatch):
    for name in ("EMAIL_URL", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    for name in ("EMAIL_USE_TLS", "EMAIL_USE_SSL", "EMAIL_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(base_settings, "DEBUG", False)
    return monkeypatch


def test_email_url_configures_smtp(environ):
    environ.setenv("EMAIL_URL", "submission://news%40example.org:p%40ss@smtp.example.org")
    assert base_settings.mailer_from_environment() == {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": "smtp.example.org",
            "port": 587,
            "username": "news@example.org",
            "password": "p@ss",
            "use_tls": True,
            "use_ssl": False,
            "timeout": 10,
        },
    }


def test_email_url_may_name_another_backend(environ):
    environ.setenv("EMAIL_URL", "console://")
    assert base_settings.mailer_from_environment() == {
        "BACKEND": "django.core.mail.backends.console.EmailBackend",
        "OPTIONS": {},
    }


def test_the_email_host_variables_configure_smtp(environ):
    environ.setenv("EMAIL_HOST", "mail.example.org")
    environ.setenv("EMAIL_PORT", "2525")
    environ.setenv("EMAIL_HOST_USER", "newsroom")
    environ.setenv("EMAIL_HOST_PASSWORD", "secret")
    environ.setenv("EMAIL_USE_TLS", "true")
    assert base_settings.mailer_from_environment()["OPTIONS"] == {
        "host": "mail.example.org",
        "port": 2525,
        "username": "newsroom",
        "password": "secret",
        "use_tls": True,
        "use_ssl": False,
        "timeout": 10,
    }


def test_development_prints_email_and_production_uses_the_local_server(environ):
    assert base_settings.mailer_from_environment(debug=True) == {
        "BACKEND": "django.core.mail.backends.console.EmailBackend"
    }
    assert base_settings.mailer_from_environment(debug=False)["OPTIONS"]["host"] == "localhost"
