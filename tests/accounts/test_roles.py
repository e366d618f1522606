"""Roles and sign-in: staff status follows the newsroom role an administrator gives, and an administrator
who is not a superuser cannot take away a superuser's second factor."""

import pytest
from django.contrib.admin import helpers
from django.contrib.auth.models import Group, Permission, User
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Quill-Harbour-2026!"


@pytest.fixture
def administrator_client(client, administrator):
    client.force_login(administrator)
    return client


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@example.org", "pw-Secret-123")


def role(name: str) -> Group:
    return Group.objects.get(name=name)


def change_post(user, *groups: Group, **overrides) -> dict:
    """The user change form as an administrator sends it: the account's fields and these roles."""
    joined = timezone.localtime(user.date_joined)
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "groups": [str(group.pk) for group in groups],
        "date_joined_0": f"{joined:%Y-%m-%d}",
        "date_joined_1": f"{joined:%H:%M:%S}",
        "last_login_0": "",
        "last_login_1": "",
    }
    data.update(overrides)
    return data


def set_roles(client, user, *groups: Group, **overrides):
    url = reverse("admin:auth_user_change", args=[user.pk])
    response = client.post(url, change_post(user, *groups, **overrides))
    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()
    return response


def sign_in(username: str, password: str):
    """A fresh browser signing in to the admin: (the login response, that browser)."""
    browser = Client()
    response = browser.post(
        f"{reverse('admin:login')}?next=/admin/", {"username": username, "password": password}
    )
    return response, browser


# --- Staff status follows the role ----------------------------------------------------------------


def test_a_user_given_a_role_by_an_administrator_can_sign_in(administrator_client):
    response = administrator_client.post(
        reverse("admin:auth_user_add"),
        {"username": "maya", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    maya = User.objects.get(username="maya")
    assert not maya.is_staff
    refused, _ = sign_in("maya", NEW_PASSWORD)
    assert refused.status_code == 200 and "staff account" in refused.content.decode()

    set_roles(administrator_client, maya, role("Reporters"))

    assert maya.is_staff
    response, browser = sign_in("maya", NEW_PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert browser.get(reverse("admin:index")).status_code == 200


def test_removing_every_role_takes_staff_away(administrator_client, reporter):
    set_roles(administrator_client, reporter)
    assert not reporter.is_staff
    response, _ = sign_in("rep", "pw-Secret-123")
    assert response.status_code == 200 and "staff account" in response.content.decode()


def test_removing_one_of_two_roles_keeps_staff(administrator_client, reporter):
    set_roles(administrator_client, reporter, role("Reporters"), role("Editors"))
    set_roles(administrator_client, reporter, role("Editors"))
    assert reporter.is_staff and list(reporter.groups.values_list("name", flat=True)) == ["Editors"]


def test_the_staff_box_cannot_undo_the_role(administrator_client, reporter):
    """An administrator sees staff status as following the role, and an unticked box does not lock out."""
    page = administrator_client.get(reverse("admin:auth_user_change", args=[reporter.pk])).content.decode()
    assert 'name="is_staff"' not in page and "Follows the role" in page
    set_roles(administrator_client, reporter, role("Reporters"))  # the box is not in the post: unticked
    assert reporter.is_staff


def test_a_superuser_may_still_set_staff_by_hand(client, superuser):
    user = User.objects.create_user("guest", "guest@example.org", NEW_PASSWORD)
    client.force_login(superuser)
    page = client.get(reverse("admin:auth_user_change", args=[user.pk])).content.decode()
    assert 'name="is_staff"' in page and "Follows the role" in page
    set_roles(client, user, is_staff="on")
    assert user.is_staff


def test_a_role_given_from_the_group_side_grants_staff(db):
    user = User.objects.create_user("maya", "maya@example.org", NEW_PASSWORD)
    role("Editors").user_set.add(user)
    user.refresh_from_db()
    assert user.is_staff


def test_clearing_a_roles_members_takes_their_staff_away(reporter, editor):
    role("Reporters").user_set.clear()
    reporter.refresh_from_db()
    editor.refresh_from_db()
    assert not reporter.is_staff
    assert editor.is_staff


def test_clearing_a_users_roles_takes_staff_away(reporter):
    reporter.groups.clear()
    reporter.refresh_from_db()
    assert not reporter.is_staff


def test_a_group_that_is_no_role_leaves_staff_alone(db):
    """Staff made by hand (no role) keep it when put in a group that grants no role."""
    helper = User.objects.create_user("helper", "helper@example.org", NEW_PASSWORD, is_staff=True)
    helper.groups.add(Group.objects.create(name="Newsletter readers"))
    helper.refresh_from_db()
    assert helper.is_staff


def test_a_superuser_keeps_staff_without_any_role(superuser):
    superuser.groups.add(role("Reporters"))
    superuser.groups.remove(role("Reporters"))
    superuser.refresh_from_db()
    assert superuser.is_staff


def test_an_administrator_cannot_make_anyone_a_superuser(administrator_client, reporter):
    set_roles(administrator_client, reporter, role("Reporters"), is_superuser="on")
    assert not reporter.is_superuser


# --- A superuser's second factor ------------------------------------------------------------------


@pytest.fixture
def devices(superuser, reporter):
    return {
        "root": TOTPDevice.objects.create(user=superuser, name="root's phone", confirmed=True),
        "rep": TOTPDevice.objects.create(user=reporter, name="rep's phone", confirmed=True),
    }


def delete_url(device) -> str:
    return reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])


def test_an_administrator_cannot_delete_a_superusers_device(administrator_client, devices):
    assert administrator_client.get(delete_url(devices["root"])).status_code == 403
    response = administrator_client.post(delete_url(devices["root"]), {"post": "yes"})
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(pk=devices["root"].pk).exists()


def test_an_administrator_resets_a_reporters_lost_phone(administrator_client, devices):
    response = administrator_client.post(delete_url(devices["rep"]), {"post": "yes"})
    assert response.status_code == 302
    assert list(TOTPDevice.objects.values_list("user__username", flat=True)) == ["root"]


def test_an_administrator_cannot_change_a_superusers_device(administrator_client, devices, administrator):
    # Even given the change permission, which no role grants today.
    administrator.user_permissions.add(Permission.objects.get(codename="change_totpdevice"))
    url = reverse("admin:otp_totp_totpdevice_change", args=[devices["root"].pk])
    response = administrator_client.post(url, {"name": "taken over", "confirmed": "on"})
    assert response.status_code == 403
    devices["root"].refresh_from_db()
    assert devices["root"].name == "root's phone"


def test_bulk_delete_never_removes_a_superusers_device(administrator_client, devices):
    data = {
        "action": "delete_selected",
        helpers.ACTION_CHECKBOX_NAME: [str(devices["root"].pk), str(devices["rep"].pk)],
        "post": "yes",
    }
    response = administrator_client.post(reverse("admin:otp_totp_totpdevice_changelist"), data)
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(pk=devices["root"].pk).exists()


def test_a_superuser_can_delete_a_superusers_device(client, devices):
    # Another superuser: root itself, enrolled, would first be asked for a code.
    client.force_login(User.objects.create_superuser("root2", "root2@example.org", "pw-Secret-123"))
    response = client.post(delete_url(devices["root"]), {"post": "yes"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=devices["root"].pk).exists()
