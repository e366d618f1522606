import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "pw-Secret-123"  # what tests/conftest.py gives every user


def sign_in(client, username, password):
    return client.post(f"{reverse('admin:login')}?next=/admin/", {"username": username, "password": password})


@pytest.fixture
def locked_out(editor, settings):
    """The editor after as many wrong passwords as the limit allows."""
    client = Client()
    responses = [sign_in(client, editor.username, "wrong-guess") for _ in range(settings.AXES_FAILURE_LIMIT)]
    return client, responses


def test_wrong_passwords_below_the_limit_just_show_the_form_again(editor, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(client, editor.username, "wrong-guess")
        assert response.status_code == 200 and "Please enter the correct username and password" in (
            response.content.decode()
        )
    assert sign_in(client, editor.username, PASSWORD).status_code == 302


def test_the_limit_locks_the_account_with_a_designed_page(locked_out, settings):
    client, responses = locked_out
    last = responses[-1]
    assert last.status_code == 429
    html = last.content.decode()
    assert '<header class="site-header">' in html
    assert "Too many failed sign-in attempts" in html and "ask an administrator to unlock" in html
    assert f"after {settings.AXES_FAILURE_LIMIT} wrong" in html and "60 minutes" in html
    assert "Content-Security-Policy" in last.headers


def test_locked_account_refuses_even_the_right_password(locked_out, editor):
    client, _ = locked_out
    response = sign_in(client, editor.username, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert Client().get(reverse("admin:index")).status_code == 302


def test_lockout_is_for_that_account_only(locked_out, reporter):
    assert sign_in(Client(), reporter.username, PASSWORD).status_code == 302


def test_administrator_unlocks_by_deleting_the_access_attempt(locked_out, editor, administrator):
    admin_client = Client()
    admin_client.force_login(administrator)
    attempt = AccessAttempt.objects.get(username=editor.username)
    changelist = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert changelist.status_code == 200 and editor.username in changelist.content.decode()
    response = admin_client.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert sign_in(Client(), editor.username, PASSWORD).status_code == 302


def test_reporter_cannot_unlock_anyone(locked_out, editor, reporter_client):
    attempt = AccessAttempt.objects.get(username=editor.username)
    response = reporter_client.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()
    assert sign_in(Client(), editor.username, PASSWORD).status_code == 429


def test_axes_reset_command_unlocks(locked_out, editor):
    call_command("axes_reset", verbosity=0)
    assert sign_in(Client(), editor.username, PASSWORD).status_code == 302


def test_successful_sign_in_resets_the_count(editor, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, editor.username, "wrong-guess")
    assert sign_in(client, editor.username, PASSWORD).status_code == 302
    client.logout()
    assert sign_in(client, editor.username, "wrong-guess").status_code == 200
    assert User.objects.get(pk=editor.pk).is_active
