"""Editors' newsletter screens: an issue built from the curated front (or a section's), edited, previewed,
tested, scheduled and sent through the admin; what was sent stays as sent; reporters kept out of all of it."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from newsroom.readers import issues
from newsroom.readers.models import Delivery, Issue, Newsletter, Reader, Subscription
from tests.helpers import filled_form
from tests.htmlscan import csp_directives, scripts
from tests.readers.conftest import build

pytestmark = pytest.mark.django_db

NEWSLETTERS = reverse("admin:readers_newsletter_changelist")
ISSUES = reverse("admin:readers_issue_changelist")


def change_url(issue):
    return reverse("admin:readers_issue_change", args=[issue.pk])


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture(autouse=True)
def _no_pacing(settings):
    settings.NEWSLETTER_SEND_RATE = 0  # no sleeps between messages


@pytest.fixture
def stories(make_article, make_photo):
    """Ten published stories, "Story 0" the newest; "Story 7" has a lead photo."""
    now = timezone.now()
    made = [
        make_article(
            headline=f"Story {i}",
            standfirst=f"What happened in {i}.",
            published_at=now - timedelta(hours=i + 1),
        )
        for i in range(10)
    ]
    made[7].lead_photo = make_photo(alt_text="Firefighters at the harbour")
    made[7].save()
    return made


def subscribe(newsletter, email, status="confirmed"):
    reader, _ = Reader.objects.get_or_create(email=email)
    return Subscription.objects.create(
        reader=reader,
        newsletter=newsletter,
        status=status,
        consent_at=timezone.now(),
        consent_source="footer",
    )


def item_rows(issue) -> list[tuple]:
    return list(issue.items.order_by("position").values_list("headline", "standfirst", "image_alt"))


# --- Building ------------------------------------------------------------------------------------------


def test_an_editor_builds_an_issue_from_the_curated_front_page_in_its_order(
    editor_client, newsletter, stories, arrange
):
    newsletter.story_count = 4
    newsletter.save()
    arrange([stories[7], stories[3], stories[9]])
    response = build(editor_client, newsletter)
    issue = Issue.objects.get()
    assert response.status_code == 302 and response["Location"] == change_url(issue)
    assert issue.status == "draft" and issue.subject == "Story 7"
    # The editors' three, then the newest story not chosen to fill the fourth place.
    assert item_rows(issue) == [
        ("Story 7", "What happened in 7.", "Firefighters at the harbour"),
        ("Story 3", "What happened in 3.", ""),
        ("Story 9", "What happened in 9.", ""),
        ("Story 0", "What happened in 0.", ""),
    ]
    lead = issue.items.get(position=0)
    assert lead.image_url.startswith("http") and lead.image_width and lead.image_height
    assert lead.url == settings.SITE_URL + stories[7].get_absolute_url()
    assert not issue.items.exclude(position=0).exclude(image_url="").exists()
    page = editor_client.get(change_url(issue)).content.decode()
    assert "Story 7" in page and "Firefighters at the harbour" in page
    # The email's links say which newsletter a read came from (the story's reads panel counts it).
    rendered = issues.render(issue)
    assert f'href="{lead.url}?nl=brief"' in rendered.html and f"{lead.url}?nl=brief" in rendered.text


def test_a_section_newsletter_is_built_from_that_sections_front(
    editor_client, make_article, make_section, section, arrange
):
    business = make_section(name="Business", slug="business")
    for i in range(4):  # newer than every deal: only the section keeps them out
        make_article(headline=f"World story {i}", section=section)
    deals = [make_article(headline=f"Deal {i}", section=business) for i in range(4)]
    arrange([deals[2]], section=business)
    weekly = Newsletter.objects.create(
        name="Business Weekly", slug="business-weekly", kind="section", section=business, story_count=3
    )
    assert build(editor_client, weekly).status_code == 302
    issue = Issue.objects.get()
    assert [row[0] for row in item_rows(issue)] == ["Deal 2", "Deal 0", "Deal 1"]
    assert set(issue.items.values_list("kicker", flat=True)) == {"Business"}


def test_building_several_issues_at_once_says_how_many(editor_client, newsletter, stories):
    other = Newsletter.objects.create(name="Evening", slug="evening")
    response = build(editor_client, newsletter, other)
    assert response.status_code == 302 and response["Location"] == NEWSLETTERS
    assert Issue.objects.filter(newsletter=newsletter).count() == 1
    assert Issue.objects.filter(newsletter=other).count() == 1
    assert "2 draft issues built." in messages_of(response)


# --- Editing and previewing ----------------------------------------------------------------------------


def test_an_editor_edits_an_item_through_the_change_form(editor_client, draft):
    url = change_url(draft)
    data = filled_form(editor_client, url, "issue_form")
    assert data["items-0-headline"] == "Harbour fire contained"
    data.update({"subject": "Wednesday's briefing", "items-0-headline": "Harbour fire is out"})
    response = editor_client.post(url, data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.subject == "Wednesday's briefing"
    assert item_rows(draft)[0][0] == "Harbour fire is out"
    preview = editor_client.get(reverse("admin:readers_issue_preview", args=[draft.pk]))
    assert "Harbour fire is out" in preview.content.decode()


def test_a_picture_cannot_lose_its_alt_text_in_the_change_form(editor_client, draft):
    url = change_url(draft)
    data = filled_form(editor_client, url, "issue_form", **{"items-0-image_alt": "  "})
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "A picture needs its alt text" in response.content.decode()
    assert item_rows(draft)[0][2] == "Firefighters at the harbour"


def test_the_preview_is_the_email_with_no_script_under_its_own_policy(editor_client, draft):
    response = editor_client.get(reverse("admin:readers_issue_preview", args=[draft.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html == issues.render(draft).html
    assert "Harbour fire contained" in html and "Good morning." in html
    assert 'style="' in html  # inlined for mail clients
    assert scripts(html) == [] and "<script" not in html.lower()
    policy = csp_directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'none'"]
    assert "script-src" not in policy and "'unsafe-inline'" in policy["style-src"]
    assert "no-store" in response["Cache-Control"]
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_an_editor_sends_a_test_to_themselves(editor_client, editor, draft):
    response = editor_client.post(reverse("admin:readers_issue_send_test", args=[draft.pk]))
    assert response.status_code == 302 and response["Location"] == change_url(draft)
    assert f"A test was sent to {editor.email}." in messages_of(response)
    [sent] = mail.outbox
    assert sent.to == [editor.email]
    assert sent.subject == "[Test] Tuesday's briefing"
    assert "Harbour fire contained" in sent.body
    [(html, mimetype)] = sent.alternatives
    assert mimetype == "text/html" and "Harbour fire contained" in html
    assert sent.extra_headers["List-Unsubscribe"].startswith("<http")
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    message = sent.message()
    assert message["List-Unsubscribe"] == sent.extra_headers["List-Unsubscribe"]
    assert {part.get_content_type() for part in message.walk()} >= {"text/plain", "text/html"}
    # A test is not a send: no deliveries, still a draft.
    draft.refresh_from_db()
    assert draft.status == "draft" and not Delivery.objects.exists()


def test_a_test_send_needs_the_editors_address(editor_client, editor, draft):
    editor.email = ""
    editor.save()
    response = editor_client.post(reverse("admin:readers_issue_send_test", args=[draft.pk]))
    assert response.status_code == 302
    assert "Your account has no email address to send the test to." in messages_of(response)
    assert mail.outbox == []


def test_a_test_send_is_post_only(editor_client, draft):
    assert editor_client.get(reverse("admin:readers_issue_send_test", args=[draft.pk])).status_code == 405
    assert mail.outbox == []


# --- Scheduling and sending ----------------------------------------------------------------------------


def send(client, issue, when):
    return client.post(reverse("admin:readers_issue_send", args=[issue.pk]), {"when": when})


@pytest.mark.parametrize("at", [None, timedelta(minutes=-5)], ids=["no time", "a past time"])
def test_scheduling_without_a_future_time_is_refused(editor_client, draft, at):
    Issue.objects.filter(pk=draft.pk).update(scheduled_for=at and timezone.now() + at)
    response = send(editor_client, draft, "schedule")
    assert response.status_code == 302
    assert "Set a time in the future under “Scheduled for” first." in messages_of(response)
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_an_editor_schedules_an_issue_for_the_time_set(editor_client, draft):
    at = (timezone.now() + timedelta(days=1)).replace(second=0, microsecond=0)
    data = filled_form(editor_client, change_url(draft), "issue_form")
    local = timezone.localtime(at)
    data.update({"scheduled_for_0": f"{local:%Y-%m-%d}", "scheduled_for_1": f"{local:%H:%M:%S}"})
    assert editor_client.post(change_url(draft), data).status_code == 302
    response = send(editor_client, draft, "schedule")
    assert response.status_code == 302
    assert [m for m in messages_of(response) if m.startswith("Scheduled for ")]
    draft.refresh_from_db()
    assert draft.status == "scheduled" and draft.scheduled_for == at
    assert not Delivery.objects.exists() and mail.outbox == []


def test_sending_queues_confirmed_subscribers_only_and_shows_progress(editor_client, newsletter, draft):
    for n in range(3):
        subscribe(newsletter, f"confirmed{n}@example.org")
    subscribe(newsletter, "pending@example.org", "pending")
    subscribe(newsletter, "gone@example.org", "unsubscribed")
    other = Newsletter.objects.create(name="Evening", slug="evening")
    subscribe(other, "evening@example.org")
    response = send(editor_client, draft, "now")
    assert response.status_code == 302
    assert "Sending to 3 subscribers." in messages_of(response)
    queued = Delivery.objects.filter(issue=draft)
    assert sorted(queued.values_list("email", flat=True)) == [f"confirmed{n}@example.org" for n in range(3)]
    assert set(queued.values_list("status", flat=True)) == {"queued"}
    draft.refresh_from_db()
    assert draft.status == "sending" and draft.started_at
    page = editor_client.get(change_url(draft))
    assert page.status_code == 200
    assert "<strong>3</strong> queued" in page.content.decode()


def test_a_sent_issue_reaches_its_subscribers_and_the_counts_say_so(
    editor_client, newsletter, draft, django_capture_on_commit_callbacks
):
    for n in range(2):
        subscribe(newsletter, f"confirmed{n}@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        send(editor_client, draft, "now")
    assert sorted(m.to[0] for m in mail.outbox) == ["confirmed0@example.org", "confirmed1@example.org"]
    draft.refresh_from_db()
    assert draft.status == "sent" and draft.finished_at
    html = editor_client.get(change_url(draft)).content.decode()
    assert "<strong>2</strong> sent" in html and "<strong>0</strong> queued" in html


def test_an_issue_is_sent_once_however_often_the_button_is_pressed(editor_client, newsletter, draft):
    subscribe(newsletter, "once@example.org")
    send(editor_client, draft, "now")
    assert send(editor_client, draft, "now").status_code == 403
    assert Delivery.objects.count() == 1


def test_a_sent_issue_is_read_only(editor_client, draft):
    Issue.objects.filter(pk=draft.pk).update(status="sent")
    url = change_url(draft)
    page = editor_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="subject"' not in html and 'name="_save"' not in html
    assert "Send now to every subscriber" not in html
    data = {"subject": "Rewritten", "items-TOTAL_FORMS": "0", "items-INITIAL_FORMS": "0"}
    assert editor_client.post(url, data).status_code == 403
    assert send(editor_client, draft, "now").status_code == 403
    assert send(editor_client, draft, "schedule").status_code == 403
    assert editor_client.post(reverse("admin:readers_issue_delete", args=[draft.pk])).status_code == 403
    draft.refresh_from_db()
    assert draft.subject == "Tuesday's briefing" and draft.status == "sent"
    # Still seen and previewed as it went out.
    assert editor_client.get(reverse("admin:readers_issue_preview", args=[draft.pk])).status_code == 200


# --- Reporters -----------------------------------------------------------------------------------------


def test_a_reporter_is_kept_out_of_every_newsletter_screen(reporter_client, newsletter, draft, stories):
    pk = draft.pk
    for url in [
        NEWSLETTERS,
        ISSUES,
        change_url(draft),
        reverse("admin:readers_issue_preview", args=[pk]),
        reverse("admin:readers_newsletter_change", args=[newsletter.pk]),
        reverse("admin:readers_newsletter_import", args=[newsletter.pk]),
        reverse("admin:readers_newsletter_export", args=[newsletter.pk]),
        reverse("admin:readers_reader_changelist"),
        reverse("admin:readers_suppression_changelist"),
        reverse("admin:readers_delivery_changelist"),
    ]:
        assert reporter_client.get(url).status_code == 403, url
    assert build(reporter_client, newsletter).status_code == 403
    assert reporter_client.post(reverse("admin:readers_issue_send_test", args=[pk])).status_code == 403
    assert send(reporter_client, draft, "now").status_code == 403
    assert send(reporter_client, draft, "schedule").status_code == 403
    assert Issue.objects.count() == 1 and not Delivery.objects.exists() and mail.outbox == []
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_only_our_own_links_are_tagged(newsletter, settings):
    site = settings.SITE_URL.rstrip("/")
    assert issues.tracked(f"{site}/world/a/", newsletter) == f"{site}/world/a/?nl=brief"
    assert issues.tracked(f"{site}/world/?page=2#top", newsletter) == f"{site}/world/?page=2&nl=brief#top"
    assert issues.tracked("https://other.example/world/a/", newsletter) == "https://other.example/world/a/"
