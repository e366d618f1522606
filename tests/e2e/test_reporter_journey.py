"""Journey 2: a reporter files a draft for review and cannot publish it; an editor schedules it."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from articles.models import Article, Section, Transition
from tests.e2e.helpers import check_public_page, log_in, pick_autocomplete

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HEADLINE = "Ferry operator adds a night crossing to the islands"


@pytest.fixture
def world(db):
    return Section.objects.create(name="World", slug="world")


def test_reporter_submits_and_editor_schedules(new_page, shots, reporter, editor, world, monkeypatch):
    page: Page = new_page()
    log_in(page, reporter.username)
    page.goto("/admin/articles/article/add/")
    page.get_by_label("Headline").press_sequentially(HEADLINE)
    page.get_by_label("Standfirst").fill("The route will run three nights a week from the spring.")
    body = page.locator(".prose-editor .ProseMirror[contenteditable=true]")
    body.click()
    page.keyboard.type("The operator said demand from night-shift workers justified the new sailing.")
    expect(body).to_contain_text("night-shift workers")
    pick_autocomplete(page, "id_section", "World")
    # A reporter is offered no way to publish or schedule, and cannot set the publish time.
    expect(page.get_by_role("button", name="Publish now")).to_have_count(0)
    expect(page.get_by_role("button", name="Schedule")).to_have_count(0)
    expect(page.locator("#id_published_at_0")).to_have_count(0)
    shots(page, "reporter-draft")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator(".messagelist")).to_contain_text("Submit for review: done")
    article = Article.objects.get()
    assert article.status == Article.Status.REVIEW
    page.problems.assert_none("the reporter's article form")

    # A forced request (a crafted "Publish now" on the reporter's own form) is refused by the server.
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.evaluate(
            """() => {
              const form = document.querySelector('#article_form');
              const input = Object.assign(document.createElement('input'), {type: 'hidden'});
              input.name = '_publish';
              input.value = '1';
              form.appendChild(input);
              form.submit();
            }"""
        )
    assert posted.value.status == 403
    page.wait_for_load_state()
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW and article.published_at is None
    shots(page, "reporter-forced-publish-refused")

    # The editor reviews it and schedules it for tomorrow morning.
    editor_page = new_page()
    log_in(editor_page, editor.username)
    editor_page.goto(f"/admin/articles/article/{article.pk}/change/")
    expect(editor_page.locator(".field-state_display")).to_contain_text("In review")
    at = timezone.localtime(timezone.now() + timedelta(days=1)).replace(
        hour=7, minute=30, second=0, microsecond=0
    )
    editor_page.locator("#id_published_at_0").fill(at.strftime("%d/%m/%Y"))
    editor_page.locator("#id_published_at_1").fill(at.strftime("%H:%M:%S"))
    shots(editor_page, "editor-schedules")
    editor_page.get_by_role("button", name="Schedule").click()
    expect(editor_page.locator(".messagelist")).to_contain_text("Schedule: done")
    article.refresh_from_db()
    assert article.is_scheduled and article.published_at == at
    assert Transition.objects.filter(article=article, action="schedule", user=editor).exists()

    reader = new_page()
    assert reader.goto(article.get_absolute_url()).status == 404
    # Time passes (the server thread shares this clock): at its time the story is live, no cron needed.
    monkeypatch.setattr(timezone, "now", lambda: at + timedelta(seconds=1))
    reader = new_page()
    response = reader.goto(article.get_absolute_url())
    assert response.status == 200
    expect(reader.get_by_role("heading", level=1)).to_have_text(HEADLINE)
    reader.goto("/")
    expect(reader.locator("main")).to_contain_text(HEADLINE)
    check_public_page(reader, shots, "scheduled-story-live")
