"""A list moved in from Mailchimp or Substack through the admin (consent dates kept, nobody who left
resubscribed, a bad file importing nothing) and out again as CSV; the same from the command line."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from newsroom.readers.models import Newsletter, Reader, Subscription

pytestmark = pytest.mark.django_db

MAILCHIMP_COLUMNS = [
    "Email Address", "First Name", "Last Name", "MEMBER_RATING", "OPTIN_TIME", "OPTIN_IP", "CONFIRM_TIME",
    "CONFIRM_IP", "LATITUDE", "LONGITUDE", "GMTOFF", "DSTOFF", "TIMEZONE", "CC", "REGION", "LAST_CHANGED",
    "LEID", "EUID", "NOTES", "TAGS",
]  # fmt: skip
SUBSTACK_COLUMNS = [
    "email", "active_subscription", "expiry", "plan", "email_disabled", "created_at", "first_payment_at",
]  # fmt: skip


def csv_text(columns, rows) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, restval="")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def mailchimp(*rows, columns=MAILCHIMP_COLUMNS) -> str:
    return csv_text(columns, rows)


def substack(*rows) -> str:
    return csv_text(SUBSTACK_COLUMNS, rows)


MAILCHIMP = mailchimp(
    {
        "Email Address": "Ana.Silva@Example.org",
        "First Name": "Ana",
        "Last Name": "Silva",
        "MEMBER_RATING": "4",
        "OPTIN_TIME": "2021-03-04 09:10:11",
        "OPTIN_IP": "192.0.2.1",
        "CONFIRM_TIME": "2021-03-04 09:15:00",
        "CONFIRM_IP": "192.0.2.1",
        "LEID": "12345",
        "TAGS": '"Daily"',
    },
    # Added by hand on Mailchimp: no opt-in time, only the confirmation's.
    {"Email Address": "ben@example.org", "MEMBER_RATING": "2", "CONFIRM_TIME": "2022-07-08 20:00:00"},
)
SUBSTACK = substack(
    {
        "email": "cleo@example.org",
        "active_subscription": "false",
        "plan": "free",
        "email_disabled": "false",
        "created_at": "2023-05-06T07:08:09.123Z",
    },
    {
        "email": "dan@example.org",
        "active_subscription": "true",
        "expiry": "2025-01-01T00:00:00.000Z",
        "plan": "paid",
        "email_disabled": "false",
        "created_at": "2020-11-12T13:14:15.000Z",
        "first_payment_at": "2020-11-12T13:14:15.000Z",
    },
)


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def import_url(newsletter):
    return reverse("admin:readers_newsletter_import", args=[newsletter.pk])


def upload(client, newsletter, content, name="export.csv"):
    data = content.encode() if isinstance(content, str) else content
    return client.post(import_url(newsletter), {"file": SimpleUploadedFile(name, data, "text/csv")})


def subscriptions(newsletter) -> dict:
    return {
        s.reader.email: s for s in Subscription.objects.filter(newsletter=newsletter).select_related("reader")
    }


def counts():
    return Reader.objects.count(), Subscription.objects.count()


def existing(newsletter, email, status):
    reader = Reader.objects.create(email=email)
    return Subscription.objects.create(
        reader=reader,
        newsletter=newsletter,
        status=status,
        consent_at=at(2019, 1, 1),
        consent_source="footer",
        unsubscribed_at=at(2019, 6, 1) if status == "unsubscribed" else None,
    )


# --- Importing through the admin -------------------------------------------------------------------------


def test_the_import_page_shows_its_form(editor_client, newsletter):
    response = editor_client.get(import_url(newsletter))
    assert response.status_code == 200
    assert 'type="file"' in response.content.decode() and "The Morning Brief" in response.content.decode()


def test_a_mailchimp_export_is_imported_confirmed_with_its_consent_dates(editor_client, newsletter):
    response = upload(editor_client, newsletter, MAILCHIMP)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:readers_newsletter_change", args=[newsletter.pk])
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message.startswith("Imported from Mailchimp: 2 new subscribers")
    imported = subscriptions(newsletter)
    assert set(imported) == {"ana.silva@example.org", "ben@example.org"}
    ana, ben = imported["ana.silva@example.org"], imported["ben@example.org"]
    assert {ana.status, ben.status} == {"confirmed"}
    assert {ana.consent_source, ben.consent_source} == {"import: mailchimp"}
    assert ana.consent_at == at(2021, 3, 4, 9, 10, 11) and ana.confirmed_at == at(2021, 3, 4, 9, 15)
    assert ben.consent_at == ben.confirmed_at == at(2022, 7, 8, 20, 0)


def test_a_substack_export_is_imported_confirmed_with_its_consent_dates(editor_client, newsletter):
    assert upload(editor_client, newsletter, SUBSTACK).status_code == 302
    imported = subscriptions(newsletter)
    assert set(imported) == {"cleo@example.org", "dan@example.org"}
    cleo, dan = imported["cleo@example.org"], imported["dan@example.org"]
    assert {cleo.status, dan.status} == {"confirmed"}
    assert {cleo.consent_source, dan.consent_source} == {"import: substack"}
    assert cleo.consent_at == cleo.confirmed_at == at(2023, 5, 6, 7, 8, 9, 123000)
    assert dan.consent_at == at(2020, 11, 12, 13, 14, 15)


def test_an_unsubscribed_reader_stays_unsubscribed(editor_client, newsletter):
    gone = existing(newsletter, "ana.silva@example.org", "unsubscribed")
    waiting = existing(newsletter, "ben@example.org", "pending")
    response = upload(editor_client, newsletter, MAILCHIMP)
    assert response.status_code == 302
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "0 new subscribers, 1 confirmed, 1 already subscribed or unsubscribed" in message
    gone.refresh_from_db()
    assert gone.status == "unsubscribed" and gone.unsubscribed_at == at(2019, 6, 1)
    assert gone.consent_source == "footer" and gone.consent_at == at(2019, 1, 1)
    # Waiting for our confirmation and confirmed on the old list: the old list's opt-in counts.
    waiting.refresh_from_db()
    assert waiting.status == "confirmed" and waiting.confirmed_at
    assert Reader.objects.count() == 2


def test_a_reader_of_another_newsletter_gets_this_one_too(editor_client, newsletter):
    other = Newsletter.objects.create(name="Evening", slug="evening")
    existing(other, "cleo@example.org", "unsubscribed")
    assert upload(editor_client, newsletter, SUBSTACK).status_code == 302
    assert subscriptions(newsletter)["cleo@example.org"].status == "confirmed"
    assert subscriptions(other)["cleo@example.org"].status == "unsubscribed"
    assert Reader.objects.filter(email="cleo@example.org").count() == 1


def test_people_who_left_the_old_list_are_not_imported(editor_client, newsletter):
    unsubscribed = mailchimp(
        {"Email Address": "stays@example.org", "OPTIN_TIME": "2021-01-01 00:00:00"},
        {
            "Email Address": "left@example.org",
            "OPTIN_TIME": "2021-01-01 00:00:00",
            "UNSUB_TIME": "2022-01-01",
        },
        {"Email Address": "bounced@example.org", "OPTIN_TIME": "2021-01-01", "CLEAN_TIME": "2022-02-02"},
        columns=[*MAILCHIMP_COLUMNS, "UNSUB_TIME", "CLEAN_TIME"],
    )
    assert upload(editor_client, newsletter, unsubscribed).status_code == 302
    disabled = substack(
        {"email": "reads@example.org", "email_disabled": "false", "created_at": "2023-01-01T00:00:00Z"},
        {"email": "muted@example.org", "email_disabled": "true", "created_at": "2023-01-01T00:00:00Z"},
    )
    response = upload(editor_client, newsletter, disabled)
    assert response.status_code == 302
    assert set(subscriptions(newsletter)) == {"stays@example.org", "reads@example.org"}
    [message] = [str(m) for m in get_messages(response.wsgi_request)][-1:]
    assert "1 left out" in message


BAD_FILES = {
    "no email column": (b"name,created_at\nAna,2021-01-01\n", "No email column"),
    "a bad address": (
        mailchimp({"Email Address": "good@example.org"}, {"Email Address": "not-an-address"}).encode(),
        'line 3: "not-an-address" is not an email address',
    ),
    "an address too long to keep": (
        mailchimp(
            {"Email Address": "good@example.org"}, {"Email Address": "a" * 250 + "@example.org"}
        ).encode(),
        "is not an email address",
    ),
    "a bad date": (
        substack(
            {"email": "good@example.org", "created_at": "2023-01-01T00:00:00Z"},
            {"email": "late@example.org", "created_at": "next Tuesday"},
        ).encode(),
        "line 3: a date is not a date",
    ),
    "not UTF-8": (
        "Email Address,First Name\ngood@example.org,José\n".encode("latin-1"),
        "not UTF-8",
    ),
    "UTF-16": (SUBSTACK.encode("utf-16"), "not UTF-8"),
    "a field too large to read": (
        mailchimp({"Email Address": "good@example.org", "NOTES": "x" * 200_000}).encode(),
        "not a CSV file we can read",
    ),
    "everyone had left": (
        substack({"email": "muted@example.org", "email_disabled": "true"}).encode(),
        "everyone in the file had left the old list",
    ),
    "empty": (b"", "The submitted file is empty."),
    "a header only": (mailchimp().encode(), "the file has a header but no subscribers"),
}


@pytest.mark.parametrize("content, error", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_bad_file_is_a_form_error_and_imports_nothing(editor_client, newsletter, content, error):
    existing(newsletter, "already@example.org", "confirmed")
    before = counts()
    response = upload(editor_client, newsletter, content)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="errorlist' in html
    assert error.replace('"', "&quot;") in html or error in html, html.split('class="errorlist', 1)[1][:500]
    assert counts() == before


def test_old_mac_line_endings_are_read(editor_client, newsletter):
    content = "Email Address,OPTIN_TIME\rana@example.org,2021-03-04 09:10:11\rben@example.org,\r"
    assert upload(editor_client, newsletter, content).status_code == 302
    assert set(subscriptions(newsletter)) == {"ana@example.org", "ben@example.org"}


def test_the_import_needs_a_file(editor_client, newsletter):
    response = editor_client.post(import_url(newsletter), {"file": ""})  # a browser sends the empty field
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    assert counts() == (0, 0)


def test_a_reporter_cannot_import(reporter_client, newsletter):
    assert upload(reporter_client, newsletter, MAILCHIMP).status_code == 403
    assert counts() == (0, 0)


def test_an_unknown_newsletter_is_not_found(editor_client):
    assert editor_client.get(reverse("admin:readers_newsletter_import", args=[999])).status_code == 404


# --- Exporting ---------------------------------------------------------------------------------------------


def test_the_export_lists_every_subscriber_with_their_consent(editor_client, newsletter):
    upload(editor_client, newsletter, MAILCHIMP)
    existing(newsletter, "gone@example.org", "unsubscribed")
    other = Newsletter.objects.create(name="Evening", slug="evening")
    existing(other, "evening@example.org", "confirmed")
    response = editor_client.get(reverse("admin:readers_newsletter_export", args=[newsletter.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="brief-subscribers.csv"'
    rows = {row["email"]: row for row in csv.DictReader(io.StringIO(response.content.decode()))}
    assert set(rows) == {"ana.silva@example.org", "ben@example.org", "gone@example.org"}
    ana = rows["ana.silva@example.org"]
    assert ana["status"] == "confirmed" and ana["consent_source"] == "import: mailchimp"
    assert datetime.fromisoformat(ana["consent_at"]) == at(2021, 3, 4, 9, 10, 11)
    assert datetime.fromisoformat(ana["confirmed_at"]) == at(2021, 3, 4, 9, 15)
    gone = rows["gone@example.org"]
    assert gone["status"] == "unsubscribed" and gone["unsubscribed_at"]


def test_the_export_link_is_on_the_newsletters_page(editor_client, newsletter):
    page = editor_client.get(reverse("admin:readers_newsletter_change", args=[newsletter.pk]))
    html = page.content.decode()
    assert reverse("admin:readers_newsletter_export", args=[newsletter.pk]) in html
    assert import_url(newsletter) in html


# --- The commands --------------------------------------------------------------------------------------


def test_the_import_command_imports_a_file(newsletter, tmp_path):
    path = tmp_path / "audience.csv"
    path.write_text(MAILCHIMP, encoding="utf-8")
    out = io.StringIO()
    call_command("newsletter_import", "brief", str(path), stdout=out)
    assert "2 new subscribers" in out.getvalue()
    assert set(subscriptions(newsletter)) == {"ana.silva@example.org", "ben@example.org"}


@pytest.mark.parametrize(
    "name, content, error",
    [
        ("missing.csv", None, "cannot be read"),
        ("folder", "dir", "cannot be read"),
        ("latin1.csv", "Email Address\nzoé@example.org\n".encode("latin-1"), "cannot be read as UTF-8"),
        ("bad.csv", b"Email Address\ngood@example.org\nnope\n", '"nope" is not an email address'),
        ("empty.csv", b"", "No email column"),
    ],
)
def test_the_import_command_refuses_a_bad_file_with_a_message(newsletter, tmp_path, name, content, error):
    path = tmp_path / name
    if content == "dir":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    with pytest.raises(CommandError, match=error):
        call_command("newsletter_import", "brief", str(path))
    assert counts() == (0, 0)


def test_the_import_command_needs_a_known_newsletter(db, tmp_path):
    path = tmp_path / "audience.csv"
    path.write_text(MAILCHIMP, encoding="utf-8")
    with pytest.raises(CommandError, match='No newsletter "nope"'):
        call_command("newsletter_import", "nope", str(path))
    assert counts() == (0, 0)


def test_the_export_command_writes_the_csv(newsletter):
    existing(newsletter, "ana@example.org", "confirmed")
    out = io.StringIO()
    call_command("newsletter_export", "brief", stdout=out)
    [row] = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert row["email"] == "ana@example.org" and row["status"] == "confirmed"
    with pytest.raises(CommandError, match='No newsletter "nope"'):
        call_command("newsletter_export", "nope")
