"""Sign-up with double opt-in, confirmation, one-click unsubscribe, magic links, the reader's page."""

import json
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from newsroom.readers import services, sessions
from newsroom.readers.models import Reader, SignInLink, Subscription
from tests.readers.conftest import ORIGIN

pytestmark = pytest.mark.django_db


def _link(message, prefix):
    return re.search(rf"https?://[^\s]+{prefix}[^\s]+", message.body).group(0).split("testserver", 1)[-1]


@pytest.fixture
def signed_up(client, newsletter, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/newsletters/subscribe/", {"email": "Ana@Example.org", "source": "footer"}, **ORIGIN
        )
    assert response.status_code == 303
    return mail.outbox[-1]


def test_sign_up_waits_for_confirmation(signed_up, newsletter):
    subscription = Subscription.objects.get()
    assert subscription.status == "pending" and subscription.consent_source == "footer"
    assert subscription.reader.email == "ana@example.org" and subscription.consent_at
    assert signed_up.to == ["ana@example.org"] and "/newsletters/confirm/" in signed_up.body


def test_the_confirmation_page_confirms_only_on_post(client, signed_up):
    url = _link(signed_up, "/newsletters/confirm/")
    assert "Yes, send me" in client.get(url).content.decode()
    assert Subscription.objects.get().status == "pending"  # a mail scanner's GET confirms nothing
    assert "You are subscribed" in client.post(url).content.decode()
    subscription = Subscription.objects.get()
    assert subscription.status == "confirmed" and subscription.confirmed_at


def test_a_forged_confirmation_is_refused(client, signed_up):
    url = _link(signed_up, "/newsletters/confirm/")
    assert client.post(url[:-3] + "xx/").status_code == 400
    assert Subscription.objects.get().status == "pending"


def test_a_sign_up_from_another_site_is_refused(client, newsletter):
    response = client.post(
        "/newsletters/subscribe/", {"email": "a@example.org"}, HTTP_ORIGIN="https://evil.example"
    )
    assert response.status_code == 403 and not Subscription.objects.exists()


def test_sign_ups_are_rate_limited_per_client(client, newsletter, settings):
    settings.READER_REQUESTS_PER_CLIENT = 2
    codes = [
        client.post("/newsletters/subscribe/", {"email": f"r{n}@example.org"}, **ORIGIN).status_code
        for n in range(3)
    ]
    assert codes == [303, 303, 429]


@pytest.mark.parametrize("url", ["/newsletters/subscribe/", "/account/sign-in/"])
def test_an_address_too_long_to_keep_is_refused_with_a_message(client, newsletter, url):
    # Valid for Django's validator (up to 320 characters), too long for our columns and for SMTP.
    email = "a" * 64 + "@" + ".".join(["b" * 60] * 4) + ".org"
    assert 254 < len(email) <= 320
    response = client.post(url, {"email": email}, **ORIGIN)
    assert response.status_code == 400
    assert "does not look like an email address" in response.content.decode()
    assert not Reader.objects.exists()


def _confirmed(newsletter, email="ben@example.org"):
    reader = Reader.objects.create(email=email)
    return Subscription.objects.create(
        reader=reader,
        newsletter=newsletter,
        status="confirmed",
        consent_at=timezone.now(),
        consent_source="footer",
    )


def test_one_click_unsubscribe_needs_no_sign_in(client, newsletter):
    subscription = _confirmed(newsletter)
    url = f"/newsletters/unsubscribe/{services.unsubscribe_token(subscription.pk)}/"
    assert client.get(url).status_code == 200
    subscription.refresh_from_db()
    assert subscription.status == "confirmed"  # GET never unsubscribes
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.status == "unsubscribed" and subscription.unsubscribed_at


def test_a_forged_unsubscribe_link_is_refused(client, newsletter):
    subscription = _confirmed(newsletter)
    assert client.post(f"/newsletters/unsubscribe/{subscription.pk}:forged/").status_code == 404


def _ask_link(client, email, capture):
    with capture(execute=True):
        assert client.post("/account/sign-in/", {"email": email}, **ORIGIN).status_code == 303
    return _link(mail.outbox[-1], "/account/sign-in/")


def test_magic_link_signs_in_once_with_a_cookie_on_account_only(
    client, newsletter, django_capture_on_commit_callbacks
):
    _confirmed(newsletter)
    url = _ask_link(client, "ben@example.org", django_capture_on_commit_callbacks)
    assert client.get(url).status_code == 200  # a scanner's GET does not spend it
    response = client.post(url)
    assert response.status_code == 303
    cookie = response.cookies[sessions.COOKIE]
    assert cookie["path"] == "/account/" and cookie["httponly"] and "sessionid" not in response.cookies
    page = client.get("/account/")
    assert "ben@example.org" in page.content.decode() and "no-store" in page["Cache-Control"]
    client.cookies.clear()
    assert client.post(url).status_code == 400  # used


def test_an_expired_link_is_refused(client, newsletter, django_capture_on_commit_callbacks):
    _confirmed(newsletter)
    url = _ask_link(client, "ben@example.org", django_capture_on_commit_callbacks)
    SignInLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.post(url).status_code == 400 and sessions.COOKIE not in client.cookies


def test_a_forged_link_or_cookie_is_refused(client, newsletter):
    reader = _confirmed(newsletter).reader
    assert client.post("/account/sign-in/not-a-real-token/").status_code == 400
    client.cookies[sessions.COOKIE] = str(reader.pk)  # unsigned
    assert "Email me a link" in client.get("/account/").content.decode()


def test_sign_in_links_are_rate_limited_per_address(client, newsletter, settings):
    settings.READER_LINKS_PER_ADDRESS = 2
    _confirmed(newsletter)
    for _ in range(4):
        client.post("/account/sign-in/", {"email": "ben@example.org"}, **ORIGIN)
    assert SignInLink.objects.count() == 2


def _signed_in(client, reader):
    link = sessions.new_link(reader)
    client.post(f"/account/sign-in/{link}/")
    return sessions.form_token(client.get("/account/").wsgi_request)


def test_export_and_delete_my_account(client, newsletter):
    subscription = _confirmed(newsletter)
    token = _signed_in(client, subscription.reader)
    data = json.loads(client.get("/account/export/").content)
    assert data["email"] == "ben@example.org" and data["subscriptions"][0]["consent_source"] == "footer"
    assert client.post("/account/delete/", {"token": "wrong"}, **ORIGIN).status_code == 403
    response = client.post("/account/delete/", {"token": token}, **ORIGIN)
    assert response.status_code == 200 and not Reader.objects.exists() and not Subscription.objects.exists()
    assert client.get("/account/export/").status_code == 404
