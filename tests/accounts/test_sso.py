"""Staff single sign-on, end to end against a real OpenID provider on loopback (conftest.py)."""

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages

from newsroom.accounts.models import SSOIdentity
from newsroom.audit.models import AuditEntry

from .conftest import sign_in

pytestmark = pytest.mark.django_db


def roles(user) -> list[str]:
    return sorted(user.groups.values_list("name", flat=True))


def refusal(response) -> str:
    assert response.status_code == 302 and response["Location"] == "/admin/login/", response
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def test_a_reporter_signs_in_through_the_provider_and_reaches_the_admin(client, sso):
    sub = sso.person("rita", groups=["news-reporters", "canteen"])
    done = sign_in(client, sso, "rita")
    assert done.status_code == 302 and done["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    user = User.objects.get(sso_identities__issuer=sso.issuer, sso_identities__subject=sub)
    assert (user.username, user.email, user.first_name) == ("rita@example.org", "rita@example.org", "Rita")
    assert user.is_staff and not user.is_superuser and roles(user) == ["Reporters"]


def test_the_role_follows_the_provider_at_the_next_sign_in(client, sso, settings):
    sso.person("eddie", groups=["news-reporters"])
    sign_in(client, sso, "eddie")
    client.logout()
    sso.person("eddie", groups=["news-editors"])
    sign_in(client, sso, "eddie")
    user = User.objects.get(username="eddie@example.org")
    assert roles(user) == ["Editors"] and user.is_staff
    assert user.has_perm("articles.publish_article")


def test_a_group_the_newsroom_does_not_know_gives_no_access(client, sso):
    sso.person("mark", groups=["marketing"])
    response = sign_in(client, sso, "mark")
    assert "in no newsroom group" in refusal(response)
    assert not User.objects.filter(email="mark@example.org").exists()
    assert client.get("/admin/").status_code == 302
    # The reason is on the login page itself.
    page = client.get("/admin/login/")
    assert "Sign in with Test ID" in page.content.decode()


def test_an_email_domain_not_allowed_is_refused(client, sso):
    sso.person("gus", groups=["news-editors"], email="gus@gmail.example")
    response = sign_in(client, sso, "gus")
    assert "Accounts at gmail.example may not sign in here" in refusal(response)
    assert not User.objects.filter(email="gus@gmail.example").exists()


def test_a_missing_groups_claim_is_refused_as_a_configuration_problem(client, sso, settings):
    settings.SSO_GROUPS_CLAIM = "roles"
    sso.person("rita", groups=["news-reporters"])
    assert "did not say which groups" in refusal(sign_in(client, sso, "rita"))


def test_a_verified_email_links_the_existing_account_once(client, sso, editor):
    sub = sso.person("ed-at-idp", groups=["news-editors"], email=editor.email)
    sign_in(client, sso, "ed-at-idp")
    assert client.get("/admin/").wsgi_request.user == editor
    assert SSOIdentity.objects.get(user=editor).subject == sub
    # From now on the sub decides, even after the address changes at the provider.
    client.logout()
    sso.person("ed-at-idp", groups=["news-editors"], email="edward@example.org")
    sign_in(client, sso, "ed-at-idp")
    editor.refresh_from_db()
    assert editor.email == "edward@example.org" and User.objects.count() == 1


def test_an_unverified_email_never_takes_over_an_account(client, sso, editor):
    sso.person("impostor", groups=["news-admins"], email=editor.email, verified=False)
    assert "has not verified" in refusal(sign_in(client, sso, "impostor"))
    assert not SSOIdentity.objects.exists() and User.objects.count() == 1


def test_losing_every_newsroom_group_deactivates_a_member_of_staff(client, sso):
    sso.person("leaver", groups=["news-editors"])
    sign_in(client, sso, "leaver")
    other_browser = client.cookies.copy()
    client.logout()
    sso.person("leaver", groups=[])
    assert "in no newsroom group" in refusal(sign_in(client, sso, "leaver"))
    user = User.objects.get(username="leaver@example.org")
    assert not user.is_active and not user.is_staff and roles(user) == []
    client.cookies = other_browser
    assert client.get("/admin/").status_code == 302


def test_a_deactivated_account_cannot_sign_in_through_the_provider(client, sso):
    sso.person("gone", groups=["news-editors"])
    sign_in(client, sso, "gone")
    client.logout()
    User.objects.filter(username="gone@example.org").update(is_active=False)
    assert "deactivated" in refusal(sign_in(client, sso, "gone"))


def test_a_single_sign_on_session_skips_the_local_second_factor(client, sso, settings):
    # The provider does MFA; a password session of an Editor would be sent to /admin/2fa/.
    settings.REQUIRE_2FA_GROUPS = ["Editors"]
    sso.person("eve", groups=["news-editors"])
    sign_in(client, sso, "eve")
    assert client.get("/admin/").status_code == 200


def test_the_provider_saying_no_is_told_on_the_login_page(client, sso):
    client.get("/oidc/authenticate/")
    response = client.get("/oidc/callback/?error=access_denied&error_description=Not+for+you&state=x")
    assert "Test ID did not sign you in: Not for you" in refusal(response)


def test_a_callback_this_browser_did_not_start_is_refused_without_an_error_page(client, sso):
    client.get("/oidc/authenticate/")
    assert "had expired" in refusal(client.get("/oidc/callback/?code=forged&state=forged"))


def test_a_provider_that_cannot_be_reached_is_said_so(client, sso, settings):
    settings.OIDC_ISSUER = "http://127.0.0.1:9"  # discard: nothing listens
    assert "could not be reached" in refusal(client.get("/oidc/authenticate/"))


def test_the_login_page_offers_the_provider_and_the_password(client, sso):
    html = client.get("/admin/login/?next=/admin/articles/").content.decode()
    assert 'href="/oidc/authenticate/?next=%2Fadmin%2Farticles%2F"' in html
    assert "Sign in with Test ID" in html and 'name="password"' in html


def test_without_single_sign_on_nothing_changes(client, editor, settings):
    assert settings.OIDC_ISSUER == ""
    assert "newsroom.accounts.sso.SSOBackend" not in settings.AUTHENTICATION_BACKENDS
    html = client.get("/admin/login/").content.decode()
    assert "Sign in with" not in html and 'name="password"' in html
    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.post("/oidc/backchannel-logout/").status_code == 404
    signed_in = client.post("/admin/login/?next=/admin/", {"username": "ed", "password": "pw-Secret-123"})
    assert signed_in.status_code == 302 and client.get("/admin/").status_code == 200


def test_a_role_change_from_the_provider_is_in_the_audit_log(client, sso):
    sso.person("eddie", groups=["news-reporters"])
    sign_in(client, sso, "eddie")
    client.logout()
    sso.person("eddie", groups=["news-editors"])
    sign_in(client, sso, "eddie")
    changes = list(
        AuditEntry.objects.filter(action="user.roles").order_by("id").values_list("changes", flat=True)
    )
    assert changes == [{"roles": [[], ["Reporters"]]}, {"roles": [["Reporters"], ["Editors"]]}]
