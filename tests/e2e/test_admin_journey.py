"""Journey 4: an administrator gives a new colleague a role, and unlocks a locked-out one."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from tests.e2e.helpers import PASSWORD, assert_accessible, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def admin_page(new_page, administrator) -> Page:
    """An Administrators member (tests/conftest.py), signed in."""
    page = new_page()
    log_in(page, administrator.username)
    expect(page.locator("#user-tools")).to_contain_text(f"Welcome, {administrator.username}")
    return page


def admin_models(page: Page) -> list[str]:
    """The model names the admin index offers, as the user sees them."""
    return page.locator("#content-main th[scope=row]").all_inner_texts()


def test_administrator_creates_a_reporter_who_sees_only_their_tools(admin_page, new_page, shots):
    page = admin_page
    shots(page, "admin-index")
    assert {"Users", "Groups", "Access attempts"} <= set(admin_models(page))

    page.get_by_role("link", name="Users").first.click()
    page.get_by_role("link", name="Add user").click()
    page.get_by_label("Username:").fill("rita")
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation:").fill(PASSWORD)
    shots(page, "add-user")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    # No "staff status" box to tick: a role gives it (newsroom/accounts/roles.py).
    page.locator("#id_groups_from").select_option(label="Reporters")
    page.get_by_role("button", name="Choose selected groups").click()
    expect(page.locator("#id_groups_to option")).to_have_text(["Reporters"])
    shots(page, "user-role")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    page.problems.assert_none("the user admin")
    rita = User.objects.get(username="rita")
    assert rita.is_staff and not rita.is_superuser
    assert list(rita.groups.values_list("name", flat=True)) == ["Reporters"]

    reporter = new_page()
    log_in(reporter, "rita")
    expect(reporter.locator("#user-tools")).to_contain_text("Welcome, rita")
    shots(reporter, "reporter-index")
    models = set(admin_models(reporter))
    assert {"Articles", "Photos"} <= models, models
    assert not models & {"Users", "Groups", "Access attempts", "Site settings"}, models
    reporter.problems.assert_none("the reporter's admin index")

    response = reporter.goto("/admin/auth/user/")
    assert response.status == 403
    expect(reporter.get_by_role("heading", level=1)).to_have_text("You cannot do that")
    shots(reporter, "reporter-users-403")
    assert_accessible(reporter)
    reporter.problems.forget("403 (Forbidden)")


def test_administrator_unlocks_a_locked_out_user(admin_page, new_page, shots, editor):
    locked = new_page()
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        log_in(locked, editor.username, f"wrong-guess-{attempt}")
    expect(locked.get_by_role("heading", level=1)).to_have_text("Too many failed sign-in attempts")
    shots(locked, "locked-out")
    assert_accessible(locked)
    log_in(locked, editor.username)
    expect(locked.get_by_role("heading", level=1)).to_have_text("Too many failed sign-in attempts")
    locked.problems.forget("429 (Too Many Requests)")
    assert AccessAttempt.objects.filter(username=editor.username).exists()

    page = admin_page
    page.get_by_role("link", name="Access attempts").click()
    row = page.locator("#result_list tbody tr").filter(
        has=page.get_by_role("cell", name=editor.username, exact=True)
    )
    expect(row).to_have_count(1)
    shots(page, "access-attempts")
    row.get_by_role("checkbox").check()
    page.get_by_label("Action:").select_option(label="Delete selected access attempts")
    page.get_by_role("button", name="Run").click()
    page.get_by_role("button", name="Yes, I’m sure").click()
    expect(page.locator(".messagelist")).to_contain_text("Successfully deleted 1 access attempt")
    page.problems.assert_none("the axes admin")
    assert not AccessAttempt.objects.filter(username=editor.username).exists()

    log_in(locked, editor.username)
    expect(locked.locator("#user-tools")).to_contain_text(f"Welcome, {editor.username}")
    shots(locked, "unlocked-user-signed-in")
    locked.problems.assert_none("the unlocked user's admin")
