"""Desk journeys: autosave and restore, a note sent back via the desk, pending changes of a live story."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from articles.models import Article, Autosave, Section
from articles.publishing import editing, workflow
from tests.e2e.helpers import PHONE, assert_accessible, log_in, pick_autocomplete

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HEADLINE = "Harbour authority delays the new container terminal"
STANDFIRST = "Dredging found more contaminated silt than the survey predicted."
BODY = "The authority said the first berth would open a year later than planned."
NOTE = "Please add a comment from the dock workers' union before this goes out."


@pytest.fixture
def world(db):
    return Section.objects.create(name="World", slug="world")


def _autosave_of(expected: list[str]):
    """A predicate for the autosave POST whose answered copy carries all of `expected`."""

    def matches(response) -> bool:
        request = response.request
        if "autosave" not in response.url or request.method != "POST" or not response.ok:
            return False
        sent = request.post_data or ""
        return all(text in sent for text in expected)

    return matches


def test_reporter_autosaves_closes_the_tab_and_restores_the_story(new_page, shots, reporter, world):
    page: Page = new_page()
    log_in(page, reporter.username)
    page.goto("/admin/articles/article/add/")
    page.problems.assert_none("the empty story form")
    body = page.locator(".prose-editor .ProseMirror[contenteditable=true]")
    expect(body, "the rich-text editor did not start").to_be_visible()

    page.get_by_label("Headline").press_sequentially(HEADLINE)
    page.get_by_label("Standfirst").fill(STANDFIRST)
    body.click()
    page.keyboard.type(BODY)
    expect(body).to_contain_text(BODY)
    # The section is the last change: the copy that carries it goes out after the pick, once the
    # debounce has run out, whatever copies went out while the text was being typed.
    with page.expect_response(_autosave_of([HEADLINE, STANDFIRST, BODY, f'"section":"{world.pk}"'])):
        pick_autocomplete(page, "id_section", "World")
    expect(page.locator(".autosave-status")).to_contain_text("A copy of your unsaved changes was kept at")
    shots(page, "autosaved")
    page.problems.assert_none("the story form while autosaving")

    kept = Autosave.objects.get(user=reporter, article=None)
    assert kept.data["headline"] == HEADLINE
    assert BODY in kept.data["body"]
    assert not Article.objects.exists(), "an autosave must not create the story"

    # Leaving with unsaved changes asks first; the reporter leaves anyway, and nothing is saved.
    dialogs = []

    def leave_anyway(dialog):
        dialogs.append(dialog.type)
        dialog.accept()

    page.on("dialog", leave_anyway)
    with page.expect_event("close"):
        page.close(run_before_unload=True)
    assert dialogs == ["beforeunload"], dialogs
    assert not Article.objects.exists()

    page = new_page()
    log_in(page, reporter.username)
    page.goto("/admin/articles/article/add/")
    offer = page.locator("section.autosave-offer")
    expect(offer.get_by_role("heading")).to_have_text(
        f"Unsaved changes from {timezone.localtime(kept.updated_at):%H:%M} were kept"
    )
    expect(page.get_by_label("Headline")).to_have_value("")
    shots(page, "restore-offer")
    page.problems.assert_none("the story form with the restore offer")

    offer.get_by_role("link", name="Restore them").click()
    expect(page.locator(".autosave-restored")).to_contain_text("are back in the form: save to keep them")
    expect(page.get_by_label("Headline")).to_have_value(HEADLINE)
    expect(page.get_by_label("Standfirst")).to_have_value(STANDFIRST)
    expect(page.locator(".prose-editor .ProseMirror[contenteditable=true]")).to_contain_text(BODY)
    expect(page.locator("#id_section option:checked")).to_have_text("World")
    shots(page, "restored")
    page.problems.assert_none("the restored story form")

    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    article = Article.objects.get()
    assert (article.headline, article.standfirst, article.section) == (HEADLINE, STANDFIRST, world)
    assert BODY in article.body
    assert article.created_by == reporter
    assert not Autosave.objects.filter(user=reporter).exists(), "the saved form's autosave is superseded"
    expect(page.locator("section.autosave-offer")).to_have_count(0)
    page.problems.assert_none("the saved story form")


def test_editor_reviews_from_the_desk_sends_back_with_a_note_and_the_reporter_sees_it(
    new_page, shots, reporter, editor, world
):
    article = Article(
        headline=HEADLINE,
        slug="harbour-authority-delays-terminal",
        section=world,
        standfirst=STANDFIRST,
        body=f"<p>{BODY}</p>",
        status=Article.Status.DRAFT,
    )
    editing.save_edit(article=article, user=reporter)
    workflow.submit_for_review(article=article, user=reporter, note="Ready when you are.")

    page: Page = new_page()
    log_in(page, editor.username)
    expect(page).to_have_url(re.compile(r"/admin/$"))
    review = page.locator("#desk-review")
    expect(review.get_by_role("heading", level=2)).to_have_text("Awaiting review (1)")
    row = review.get_by_role("row", name=HEADLINE)
    expect(row).to_contain_text("Ready when you are.")
    shots(page, "editor-desk")
    page.problems.assert_none("the editor's desk")
    assert_accessible(page)

    row.get_by_role("link", name=HEADLINE).click()
    expect(page.get_by_label("Headline")).to_have_value(HEADLINE)
    page.get_by_label("Note for the reporter / editor").fill(NOTE)
    page.get_by_role("button", name="Send back to draft").click()
    expect(page.locator(".messagelist")).to_contain_text("Send back to draft: done")
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert article.transitions.filter(action="return_to_draft", user=editor, note=NOTE).exists()
    page.problems.assert_none("the editor's story form")

    reporter_page: Page = new_page(viewport=PHONE)
    log_in(reporter_page, reporter.username)
    sent_back = reporter_page.locator("#desk-sent-back")
    expect(sent_back.get_by_role("heading", level=2)).to_have_text("Sent back to me (1)")
    row = sent_back.get_by_role("row", name=HEADLINE)
    expect(row.locator("q.desk-note")).to_have_text(NOTE)
    expect(row).to_contain_text(editor.username)
    expect(reporter_page.locator("#desk-review")).to_have_count(0)
    shots(reporter_page, "reporter-desk-phone")
    reporter_page.problems.assert_none("the reporter's desk")
    assert_accessible(reporter_page)

    row.get_by_role("link", name=HEADLINE).click()
    history = reporter_page.locator(".workflow-history")
    expect(history.locator("q.workflow-note", has_text=NOTE)).to_have_count(1)
    shots(reporter_page, "reporter-story-history")
    reporter_page.problems.assert_none("the reporter's story form")


def test_editor_edits_a_live_story_previews_and_publishes_the_changes(new_page, shots, editor, make_article):
    old, new = "Council approves the riverside cycle path", "Council approves riverside cycle path after vote"
    article = make_article(headline=old, slug="riverside-cycle-path")
    assert article.is_live
    url = article.get_absolute_url()

    page: Page = new_page()
    log_in(page, editor.username)
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    expect(page.locator("section.pending-changes")).to_have_count(0)
    headline = page.get_by_label("Headline")
    headline.fill(new)
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("Your changes are pending")
    banner = page.locator("section.pending-changes")
    expect(banner.get_by_role("heading")).to_contain_text("readers see the live version")
    expect(page.get_by_label("Headline")).to_have_value(new)
    shots(page, "pending-banner")
    page.problems.assert_none("the story form with pending changes")
    article.refresh_from_db()
    assert article.headline == old

    reader: Page = new_page()
    assert reader.goto(url).status == 200
    expect(reader.get_by_role("heading", level=1)).to_have_text(old)

    with page.context.expect_page() as opened:
        banner.get_by_role("link", name="Preview pending changes").click()
    preview = opened.value
    preview.wait_for_load_state()
    expect(preview.get_by_role("heading", level=1)).to_have_text(new)
    shots(preview, "pending-preview")
    preview.close()

    banner.get_by_role("button", name="Publish changes").click()
    expect(page.locator(".messagelist")).to_contain_text("The pending changes are published")
    expect(page.locator("section.pending-changes")).to_have_count(0)
    shots(page, "changes-published")
    page.problems.assert_none("the story form after publishing the changes")
    article.refresh_from_db()
    assert article.headline == new

    reader.reload()
    expect(reader.get_by_role("heading", level=1)).to_have_text(new)
    shots(reader, "reader-sees-new-headline")
    reader.problems.assert_none("the public story")
