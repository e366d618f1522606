"""Addresses never mailed again: the provider's webhook (its secret the only way in), the command for a
provider's list, and what a suppressed address then gets: no confirmation on sign-up, no issue on send."""

import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from newsroom.readers import sending
from newsroom.readers.models import Delivery, Issue, IssueItem, Reader, Subscription, Suppression
from tests.readers.conftest import ORIGIN

pytestmark = pytest.mark.django_db

WEBHOOK = "/newsletters/suppress/"
SECRET = "s3cret-shared-with-the-provider"


@pytest.fixture(autouse=True)
def webhook_secret(settings):
    settings.NEWSLETTER_WEBHOOK_SECRET = SECRET
    settings.NEWSLETTER_SEND_RATE = 0  # no sleeps between messages


def hook(client, data, secret=SECRET):
    headers = {"HTTP_X_NEWSLETTER_SECRET": secret} if secret is not None else {}
    return client.post(WEBHOOK, data, **headers)


def suppressed() -> dict:
    return dict(Suppression.objects.values_list("email", "reason"))


# --- The webhook ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "secret", [None, "", "wrong", SECRET + "x"], ids=["none", "empty", "wrong", "longer"]
)
def test_the_webhook_refuses_a_request_without_the_secret(client, secret):
    response = hook(client, {"type": "bounce", "email": "ana@example.org"}, secret=secret)
    assert response.status_code == 403
    assert suppressed() == {}


def test_the_webhook_is_closed_while_no_secret_is_set(client, settings):
    settings.NEWSLETTER_WEBHOOK_SECRET = ""
    assert hook(client, {"type": "bounce", "email": "ana@example.org"}, secret="").status_code == 403
    assert suppressed() == {}


@pytest.mark.parametrize("reason", ["bounce", "complaint"])
def test_the_webhook_suppresses_a_bounce_or_a_complaint(client, reason):
    response = hook(client, {"type": reason, "email": "  Ana@Example.ORG "})
    assert response.status_code == 200 and response.content == b"OK\n"
    assert suppressed() == {"ana@example.org": reason}
    assert Suppression.objects.get().note == "webhook"


def test_a_second_report_keeps_the_first_reason(client):
    hook(client, {"type": "bounce", "email": "ana@example.org"})
    assert hook(client, {"type": "complaint", "email": "ANA@example.org"}).status_code == 200
    assert suppressed() == {"ana@example.org": "bounce"}


@pytest.mark.parametrize(
    "data",
    [
        {"email": "ana@example.org"},
        {"type": "manual", "email": "ana@example.org"},
        {"type": "bounce"},
        {"type": "bounce", "email": "   "},
        {"type": "bounce", "email": "not an address"},
        {"type": "complaint", "email": "a" * 250 + "@example.org"},
    ],
    ids=["no type", "another type", "no email", "blank email", "not an address", "too long"],
)
def test_the_webhook_refuses_bad_input(client, data):
    response = hook(client, data)
    assert response.status_code == 400
    assert b"Needs type=bounce|complaint and email" in response.content
    assert suppressed() == {}


def test_the_webhook_is_post_only(client):
    response = client.get(
        WEBHOOK, {"type": "bounce", "email": "a@example.org"}, HTTP_X_NEWSLETTER_SECRET=SECRET
    )
    assert response.status_code == 405 and suppressed() == {}


# --- The command -----------------------------------------------------------------------------------------


def test_the_command_suppresses_a_providers_csv(tmp_path):
    path = tmp_path / "bounces.csv"
    path.write_text('email,reason\n"Ana@Example.org",hard\n\nben@example.org,hard\n', encoding="utf-8")
    out = io.StringIO()
    call_command("newsletter_suppress", "--bounce", str(path), stdout=out)
    assert suppressed() == {"ana@example.org": "bounce", "ben@example.org": "bounce"}
    assert "2 addresses suppressed (0 were already)." in out.getvalue()
    assert set(Suppression.objects.values_list("note", flat=True)) == {"newsletter_suppress"}


def test_the_command_takes_addresses_and_counts_those_already_suppressed():
    Suppression.objects.create(email="ana@example.org", reason="bounce")
    out = io.StringIO()
    call_command("newsletter_suppress", "--complaint", "ana@example.org", "cleo@example.org", stdout=out)
    assert "1 addresses suppressed (1 were already)." in out.getvalue()
    assert suppressed() == {"ana@example.org": "bounce", "cleo@example.org": "complaint"}


@pytest.mark.parametrize(
    "source, content, error",
    [
        ("missing.txt", None, "cannot be read"),
        ("folder", "dir", "cannot be read"),
        ("latin1.txt", "zoé@example.org\n".encode("latin-1"), "cannot be read as UTF-8"),
        ("nobody.txt", b"email\n\n", "No email address found."),
        ("typo.txt", b"ana@example.org\nben@example\n", "Not email addresses: ben@example"),
        # A file name with an "@" that does not exist is not an address to suppress.
        ("list@provider.csv", None, "cannot be read"),
    ],
)
def test_the_command_refuses_a_bad_source_with_a_message(tmp_path, source, content, error):
    path = tmp_path / source
    if content == "dir":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    with pytest.raises(CommandError, match=error):
        call_command("newsletter_suppress", "--bounce", str(path))
    assert suppressed() == {}


def test_a_mistyped_file_name_with_an_at_sign_is_not_suppressed():
    with pytest.raises(CommandError, match="cannot be read"):
        call_command("newsletter_suppress", "--bounce", "bounces@2024.csv")
    assert suppressed() == {}


def test_the_command_needs_a_reason():
    with pytest.raises(CommandError):
        call_command("newsletter_suppress", "ana@example.org")
    assert suppressed() == {}


# --- What a suppressed address gets ------------------------------------------------------------------------


def test_a_suppressed_address_gets_no_confirmation_email(
    client, newsletter, django_capture_on_commit_callbacks
):
    Suppression.objects.create(email="ana@example.org", reason="complaint")
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post("/newsletters/subscribe/", {"email": "ANA@example.org"}, **ORIGIN)
        accepted = client.post("/newsletters/subscribe/", {"email": "ben@example.org"}, **ORIGIN)
    # The same answer either way: the form reveals nobody's list.
    assert refused.status_code == accepted.status_code == 303
    assert refused["Location"] == accepted["Location"]
    assert [m.to for m in mail.outbox] == [["ben@example.org"]]
    assert Subscription.objects.get(reader__email="ana@example.org").status == "pending"


def _issue(newsletter, *emails) -> Issue:
    for email in emails:
        Subscription.objects.create(
            reader=Reader.objects.create(email=email),
            newsletter=newsletter,
            status="confirmed",
            consent_at=timezone.now(),
            consent_source="footer",
        )
    issue = Issue.objects.create(newsletter=newsletter, subject="Tuesday's briefing")
    IssueItem.objects.create(issue=issue, headline="A story", url="https://news.example/world/a-story/")
    return issue


def deliveries(issue) -> dict:
    return dict(Delivery.objects.filter(issue=issue).values_list("email", "status"))


def test_a_suppressed_address_is_set_aside_at_send_time(newsletter, django_capture_on_commit_callbacks):
    issue = _issue(newsletter, "ana@example.org", "ben@example.org", "cleo@example.org")
    Suppression.objects.create(email="ben@example.org", reason="bounce")
    with django_capture_on_commit_callbacks(execute=True):
        assert sending.send_now(issue=issue) == 3  # queued for every confirmed subscriber...
    # ...and the send task (run inline by the test settings' ImmediateBackend) skips the suppressed one.
    assert sorted(m.to[0] for m in mail.outbox) == ["ana@example.org", "cleo@example.org"]
    assert deliveries(issue) == {
        "ana@example.org": "sent",
        "ben@example.org": "suppressed",
        "cleo@example.org": "sent",
    }
    issue.refresh_from_db()
    assert issue.status == "sent"


def test_a_bounce_reported_after_queueing_stops_the_send(
    client, newsletter, django_capture_on_commit_callbacks
):
    issue = _issue(newsletter, "ana@example.org", "ben@example.org")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sending.send_now(issue=issue)
    assert deliveries(issue) == {"ana@example.org": "queued", "ben@example.org": "queued"}
    assert hook(client, {"type": "bounce", "email": "Ben@example.org"}).status_code == 200
    for callback in callbacks:  # the commit happens now: the send task runs
        callback()
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]
    assert deliveries(issue) == {"ana@example.org": "sent", "ben@example.org": "suppressed"}
    assert sending.progress(issue)["suppressed"] == 1
