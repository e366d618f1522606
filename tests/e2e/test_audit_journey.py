"""Journey: an editor changes a headline; an administrator finds who did it, and when, in the audit log,
and on the story's own history panel."""

import pytest
from playwright.sync_api import expect

from articles.models import Article
from tests.e2e.helpers import assert_accessible, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_administrator_finds_who_changed_a_headline(new_page, editor, administrator, make_article, shots):
    story = make_article(status=Article.Status.DRAFT, headline="Council delays vote")
    desk = new_page()
    log_in(desk, editor.username)
    desk.goto(f"/admin/articles/article/{story.pk}/change/")
    desk.get_by_label("Headline").fill("Council votes to delay budget")
    desk.get_by_role("button", name="Save", exact=True).click()
    expect(desk.locator(".messagelist")).to_contain_text("was changed successfully")

    page = new_page()
    log_in(page, administrator.username)
    page.goto("/admin/audit/auditentry/?action=article.")
    row = page.locator("table.audit-rows tbody tr").first
    expect(row).to_contain_text("article.update")
    expect(row).to_contain_text(f"ed (user {editor.pk})")
    expect(row).to_contain_text("Council delays vote → Council votes to delay budget")
    shots(page, "audit-log")
    assert_accessible(page)

    page.goto(f"/admin/articles/article/{story.pk}/change/")
    history = page.locator("section.audit-history")
    expect(history).to_contain_text("Council votes to delay budget")
    history.scroll_into_view_if_needed()
    shots(page, "story-history")
    # The panel only: the story form's editor widgets have findings of their own, not this feature's.
    assert_accessible(page, within="section.audit-history")
    page.problems.assert_none("the audit log")
