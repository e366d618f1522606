"""Putting up, editing and clearing the breaking news banner in the admin: editors only, mistakes are form
errors, and what readers see changes on the next request."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from articles.frontpage import services
from articles.models import BreakingBanner

pytestmark = pytest.mark.django_db

ADD = reverse("admin:articles_breakingbanner_add")
LIST = reverse("admin:articles_breakingbanner_changelist")


def clear_url(banner):
    return reverse("admin:articles_breakingbanner_clear", args=[banner.pk])


def post(text="Storm warning for the coast", link="", day="", time=""):
    return {"text": text, "link": link, "expires_at_0": day, "expires_at_1": time}


def on_home(client) -> str:
    client.logout()
    return client.get("/").content.decode()


def test_an_editor_puts_up_a_banner_and_readers_see_it(
    editor_client, client, make_article, django_capture_on_commit_callbacks
):
    story = make_article(headline="Storm")
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(ADD, post(link=story.get_absolute_url()))
    assert response.status_code == 302
    banner = BreakingBanner.objects.get()
    assert banner.created_by.username == "ed" and banner.state == "Showing"
    assert f'<a href="{story.get_absolute_url()}">Storm warning for the coast</a>' in on_home(client)


def test_clearing_takes_the_banner_down(editor_client, client, banner, django_capture_on_commit_callbacks):
    shown = banner("Bridge closed")
    assert "Bridge closed" in client.get("/").content.decode()
    page = editor_client.get(
        reverse("admin:articles_breakingbanner_change", args=[shown.pk])
    ).content.decode()
    assert (
        "Readers see it on every page until an editor clears it." in page and "Clear the banner now" in page
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(clear_url(shown))
    assert response.status_code == 302
    shown.refresh_from_db()
    assert shown.state == "Cleared" and shown.cleared_by.username == "ed"
    assert "Bridge closed" not in on_home(client)


def test_clearing_from_the_list_takes_the_banner_down(editor_client, banner):
    shown = banner()
    data = {"action": "clear_selected", "_selected_action": [shown.pk]}
    assert editor_client.post(LIST, data).status_code == 302
    assert BreakingBanner.objects.showing().count() == 0


def test_an_expired_banner_shown_again_with_a_later_expiry_replaces_the_one_showing(banner, editor, clock):
    old = banner("Old line", expires_at=timezone.now() + timedelta(minutes=1))
    clock.move(timedelta(minutes=2))
    new = banner("New line")
    old.expires_at = timezone.now() + timedelta(hours=1)
    services.edit_banner(banner=old, user=editor)
    new.refresh_from_db()
    assert list(BreakingBanner.objects.showing()) == [old] and new.state == "Cleared"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"text": ""}, "This field is required."),
        ({"text": "   "}, "This field is required."),
        ({"text": "x" * 161}, "Ensure this value has at most 160 characters"),
        ({"text": "Nul\x00byte"}, "Null characters are not allowed."),
        ({"link": "javascript:alert(1)"}, "Enter a web address (https://…) or a path (/…)."),
        ({"link": "//evil.example/x"}, "Enter a web address (https://…) or a path (/…)."),
        ({"day": "31/02/2026", "time": "10:00"}, "Enter a valid date."),
        ({"day": "01/01/2020", "time": "10:00"}, "That time has passed: readers would never see the banner."),
    ],
)
def test_a_bad_banner_is_a_form_error_and_nothing_is_saved(editor_client, fields, message):
    html = editor_client.post(ADD, post(**fields)).content.decode()
    assert message in html.replace("&#x27;", "'").replace("&quot;", '"')
    assert not BreakingBanner.objects.exists()


def test_clearing_needs_a_post_and_a_banner_that_exists(editor_client, banner):
    shown = banner()
    assert editor_client.get(clear_url(shown)).status_code == 405
    assert (
        editor_client.post(reverse("admin:articles_breakingbanner_clear", args=[999999])).status_code == 404
    )
    assert BreakingBanner.objects.showing().get() == shown


def test_reporters_cannot_touch_the_banner(reporter_client, reporter, banner):
    shown = banner("Bridge closed")
    for url in (LIST, ADD, reverse("admin:articles_breakingbanner_change", args=[shown.pk])):
        assert reporter_client.get(url).status_code == 403, url
    assert reporter_client.post(ADD, post(text="Reporter's line")).status_code == 403
    assert reporter_client.post(clear_url(shown)).status_code == 403
    assert BreakingBanner.objects.showing().get() == shown
    with pytest.raises(PermissionDenied):
        services.put_banner(banner=BreakingBanner(text="Mine"), user=reporter)
    with pytest.raises(PermissionDenied):
        services.clear_banner(banner=shown, user=reporter)
