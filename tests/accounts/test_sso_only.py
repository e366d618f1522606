"""SSO_ONLY mode with its break-glass account, and the provider's back-channel logout."""

import time
import uuid

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.test import Client

from .conftest import sign_in
from .test_two_factor import shown_secret, totp

pytestmark = pytest.mark.django_db

EVENT = {"http://schemas.openid.net/event/backchannel-logout": {}}


@pytest.fixture
def sso_only(sso, settings):
    settings.SSO_ONLY = True
    settings.SSO_BREAK_GLASS_USERNAME = "glass"
    return sso


@pytest.fixture
def glass(db):
    return User.objects.create_superuser("glass", "glass@example.org", "glass-Secret-123")


def test_sso_only_refuses_a_password_on_the_server(client, rf, sso_only, editor):
    response = client.post("/admin/login/?next=/admin/", {"username": "ed", "password": "pw-Secret-123"})
    assert response.status_code == 200
    assert "Passwords are switched off here: use “Sign in with Test ID”" in response.content.decode()
    assert client.get("/admin/").status_code == 302
    # Not a hidden form: the backend itself refuses, whatever posts the password.
    assert authenticate(rf.post("/api/login"), username="ed", password="pw-Secret-123") is None


def test_the_break_glass_account_signs_in_with_its_password_and_always_a_code(client, sso_only, glass):
    page = client.get("/admin/login/").content.decode()
    assert "break-glass account only" in page and 'name="password"' in page
    assert (
        client.post("/admin/login/", {"username": "glass", "password": "glass-Secret-123"}).status_code == 302
    )
    # Enrolled or not, the password alone does not open the admin.
    held = client.get("/admin/")
    assert held.status_code == 302 and held["Location"].startswith("/admin/2fa/")
    secret = shown_secret(client.get("/admin/2fa/").content.decode())
    client.post("/admin/2fa/", {"token": totp(secret)})
    assert client.get("/admin/").status_code == 200


def test_the_break_glass_account_cannot_come_through_the_provider(client, sso_only, glass):
    sso_only.person("glass-idp", groups=["news-admins"], email=glass.email)
    response = sign_in(client, sso_only, "glass-idp")
    assert response["Location"] == "/admin/login/"
    assert client.get("/admin/").status_code == 302


def test_staff_still_sign_in_through_the_provider_in_sso_only_mode(client, sso_only):
    sso_only.person("rita", groups=["news-reporters"])
    sign_in(client, sso_only, "rita")
    assert client.get("/admin/").status_code == 200


# --- back-channel logout ------------------------------------------------------------------------------


def logout_token(provider, *, key=None, **claims) -> str:
    kid = requests.get(f"{provider.issuer}/.well-known/jwks.json", timeout=5).json()["keys"][0]["kid"]
    body = {
        "iss": provider.issuer,
        "aud": provider.client_id,
        "iat": int(time.time()),
        "jti": uuid.uuid4().hex,
        "events": EVENT,
        **claims,
    }
    return jwt.encode(body, key or provider.private_key, algorithm="RS256", headers={"kid": kid})


def signed_in_twice(provider, username):
    """Two browsers signed in as the same person."""
    sub = provider.person(username, groups=["news-editors"])
    browsers = [Client(), Client()]
    for browser in browsers:
        sign_in(browser, provider, username)
        assert browser.get("/admin/").status_code == 200
    return sub, browsers


def test_a_back_channel_logout_ends_every_session_of_the_person(client, sso):
    sub, browsers = signed_in_twice(sso, "bea")
    answer = client.post("/oidc/backchannel-logout/", {"logout_token": logout_token(sso, sub=sub)})
    assert answer.status_code == 200 and answer["Cache-Control"].startswith("max-age=0")
    assert [b.get("/admin/").status_code for b in browsers] == [302, 302]
    assert User.objects.get(username="bea@example.org").is_active


def test_a_back_channel_logout_can_deactivate(client, sso, settings):
    settings.SSO_BACKCHANNEL_DEACTIVATES = True
    sub, _ = signed_in_twice(sso, "bea")
    client.post("/oidc/backchannel-logout/", {"logout_token": logout_token(sso, sub=sub)})
    assert not User.objects.get(username="bea@example.org").is_active


@pytest.mark.parametrize(
    "forge",
    [
        {"key": rsa.generate_private_key(public_exponent=65537, key_size=2048)},
        {"aud": "another-client"},
        {"iss": "http://127.0.0.1:1/o"},
        {"events": {}},
        {"nonce": "a logout token has none"},
        {"iat": int(time.time()) - 3600},
    ],
    ids=["another-key", "audience", "issuer", "no-event", "nonce", "old"],
)
def test_a_logout_token_that_does_not_verify_is_refused(client, sso, forge):
    sub, browsers = signed_in_twice(sso, "bea")
    answer = client.post("/oidc/backchannel-logout/", {"logout_token": logout_token(sso, sub=sub, **forge)})
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_request"
    assert browsers[0].get("/admin/").status_code == 200


def test_a_logout_token_cannot_be_replayed_or_missing(client, sso):
    sub = sso.person("bea", groups=["news-editors"])
    token = logout_token(sso, sub=sub)
    assert client.post("/oidc/backchannel-logout/", {"logout_token": token}).status_code == 200
    assert client.post("/oidc/backchannel-logout/", {"logout_token": token}).status_code == 400
    assert client.post("/oidc/backchannel-logout/", {}).status_code == 400
    assert client.post("/oidc/backchannel-logout/", {"logout_token": "not.a.jwt"}).status_code == 400
    assert client.get("/oidc/backchannel-logout/").status_code == 405
