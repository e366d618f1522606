import base64
import hashlib
import hmac
import re
import struct
import time
from urllib.parse import parse_qs, unquote, urlparse

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.models import Article

pytestmark = pytest.mark.django_db


def totp(secret_b32: str, at: float | None = None) -> str:
    """RFC 6238 with the defaults every authenticator app uses (SHA-1, 30 s, 6 digits)."""
    key = base64.b32decode(secret_b32.replace(" ", "").upper())
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def shown_secret(html: str) -> str:
    return re.search(r'<code class="totp-secret">([A-Z2-7 ]+)</code>', html).group(1)


@pytest.fixture
def require_editors(settings):
    settings.REQUIRE_2FA_GROUPS = ["Editors", "Administrators"]


@pytest.fixture
def editor_device(editor):
    return TOTPDevice.objects.create(user=editor, name="phone", confirmed=True)


def device_secret(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode()


def test_staff_member_enrols_with_a_code_from_their_app(editor_client, editor):
    page = editor_client.get(reverse("two_factor"))
    html = page.content.decode()
    assert page.status_code == 200
    assert '<img src="data:image/svg+xml' in html and 'alt="QR code' in html
    secret = shown_secret(html)
    # The QR code and the key typed by hand set up the same secret.
    pending = TOTPDevice.objects.get(user=editor, confirmed=False)
    uri = urlparse(pending.config_url)
    assert parse_qs(uri.query)["secret"] == [secret.replace(" ", "")]
    assert unquote(uri.path) == "/Newsroom:ed" and parse_qs(uri.query)["issuer"] == ["Newsroom"]

    response = editor_client.post(reverse("two_factor"), {"token": totp(secret), "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    device = TOTPDevice.objects.get(user=editor)
    assert device.confirmed and device.pk == pending.pk
    done = editor_client.get(reverse("two_factor")).content.decode()
    assert "Two-factor sign-in is <strong>on</strong>" in done and "totp-secret" not in done


def test_reloading_the_enrolment_page_keeps_the_same_secret(editor_client):
    first = shown_secret(editor_client.get(reverse("two_factor")).content.decode())
    assert shown_secret(editor_client.get(reverse("two_factor")).content.decode()) == first


def test_wrong_code_does_not_enrol(editor_client, editor):
    secret = shown_secret(editor_client.get(reverse("two_factor")).content.decode())
    response = editor_client.post(reverse("two_factor"), {"token": wrong(totp(secret))})
    assert response.status_code == 200 and "That code is not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=editor, confirmed=True).exists()


def test_required_group_member_without_2fa_is_sent_to_enrolment(editor_client, require_editors, section):
    for url in ("/admin/", reverse("admin:articles_article_changelist"), "/admin/autocomplete/"):
        response = editor_client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{reverse('two_factor')}?next=")
    enrol = editor_client.get(reverse("two_factor")).content.decode()
    assert "Your role requires two-factor sign-in" in enrol and "totp-secret" in enrol
    # Writes are refused too, not just pages hidden.
    response = editor_client.post(
        reverse("admin:articles_article_add"), {"headline": "Sneaky", "slug": "sneaky"}
    )
    assert response.status_code == 302 and not Article.objects.exists()


def test_required_group_member_gets_in_after_enrolling(editor_client, require_editors):
    secret = shown_secret(editor_client.get(reverse("two_factor")).content.decode())
    editor_client.post(reverse("two_factor"), {"token": totp(secret)})
    assert editor_client.get("/admin/").status_code == 200


def test_enrolled_member_must_enter_a_code_in_each_new_session(editor, editor_device, require_editors):
    client = Client()
    client.force_login(editor)
    assert client.get("/admin/").status_code == 302
    page = client.get(reverse("two_factor")).content.decode()
    # Someone with only the password must not be able to see or replace the secret.
    assert "Enter the 6-digit code" in page and "totp-secret" not in page and "data:image" not in page
    response = client.post(
        reverse("two_factor"), {"token": totp(device_secret(editor_device)), "next": "/admin/"}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200

    other_session = Client()
    other_session.force_login(editor)
    assert other_session.get("/admin/").status_code == 302


def test_code_for_another_users_device_is_refused(editor_client, editor_device, reporter, require_editors):
    reporters_device = TOTPDevice.objects.create(user=reporter, name="phone", confirmed=True)
    response = editor_client.post(reverse("two_factor"), {"token": totp(device_secret(reporters_device))})
    assert response.status_code == 200
    assert editor_client.get("/admin/").status_code == 302


def test_wrong_code_slows_down_the_next_attempt(editor_client, editor_device, require_editors):
    editor_client.post(reverse("two_factor"), {"token": wrong(totp(device_secret(editor_device)))})
    response = editor_client.post(reverse("two_factor"), {"token": totp(device_secret(editor_device))})
    assert "Too many wrong codes" in response.content.decode()
    assert editor_client.get("/admin/").status_code == 302


def test_user_outside_the_required_groups_is_unaffected(reporter_client, require_editors):
    assert reporter_client.get("/admin/").status_code == 200


def test_enrolling_is_optional_when_no_group_requires_it(editor_client):
    assert editor_client.get("/admin/").status_code == 200


def test_voluntarily_enrolled_user_is_asked_for_a_code(editor, editor_device):
    client = Client()
    client.force_login(editor)
    assert client.get("/admin/").status_code == 302


def test_unverified_member_sees_the_public_site_as_a_reader(editor_client, editor_device, make_article):
    draft = make_article(status=Article.Status.DRAFT)
    assert editor_client.get(draft.get_absolute_url()).status_code == 404
    editor_client.post(reverse("two_factor"), {"token": totp(device_secret(editor_device))})
    assert editor_client.get(draft.get_absolute_url()).status_code == 200


def test_next_cannot_send_the_user_to_another_site(editor_client, editor_device):
    token = totp(device_secret(editor_device))
    response = editor_client.post(reverse("two_factor"), {"token": token, "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_readers_are_sent_to_sign_in(client):
    response = client.get(reverse("two_factor"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
