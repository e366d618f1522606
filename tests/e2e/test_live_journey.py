"""Live coverage in the browser: an editor posts an entry from the story's change page and a reader's tab,
open since before, shows it without reloading (through the page cache); then the coverage ends."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from articles.live import services
from articles.models import Article, Author, LiveEntry, Section
from tests.e2e.helpers import PHONE, assert_accessible, check_public_page, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ENTRY_TITLE = "Coast road closed"
ENTRY_TEXT = "Police closed the coast road after part of the verge collapsed."
ENTRY_QUOTE = "Stay away from the cliffs until the storm has passed."


@pytest.fixture
def live_story(editor, settings):
    # As in production: the readers' page cache on; the poll shortened so the journey takes seconds.
    settings.PAGE_CACHE_SECONDS = 300
    settings.LIVE_POLL_SECONDS = 1
    Author.objects.create(name="Maya Lindqvist", slug="maya", user=editor)
    story = Article.objects.create(
        headline="Storm comes ashore: live updates",
        slug="storm-live",
        standfirst="Follow the latest as the storm makes landfall.",
        body="<p>What we know so far.</p>",
        section=Section.objects.create(name="Climate", slug="climate"),
        status=Article.Status.PUBLISHED,
        published_at=timezone.now() - timedelta(hours=1),
    )
    services.start_coverage(article=story, user=editor)
    services.post_entry(article=story, user=editor, title="Landfall", body="<p>The storm made landfall.</p>",
                        key_event=True)  # fmt: skip
    return story


def test_an_editor_posts_an_entry_and_an_open_reader_tab_shows_it(new_page, shots, editor, live_story):
    reader: Page = new_page()
    reader.goto(live_story.get_absolute_url())
    expect(reader.locator(".live-entry")).to_have_count(1)
    check_public_page(reader, shots, "reader-before")
    # Marks this document: a reload would lose it.
    reader.evaluate("() => { window.notReloaded = true; }")
    assert reader.evaluate("() => document.activeElement === document.body")

    desk: Page = new_page()
    log_in(desk, editor.username)
    desk.goto(f"/admin/articles/article/{live_story.pk}/change/")
    form = desk.locator("form.live-entry-form")
    form.get_by_label("Title").fill(ENTRY_TITLE)
    form.get_by_label("Key event").check()
    # The story body's editor: text, then a quote from its toolbar; Ctrl+Enter posts from inside it.
    body = form.locator(".prose-editor .ProseMirror[contenteditable=true]")
    expect(body, "the entry's rich-text editor did not start").to_be_visible()
    body.click()
    desk.keyboard.type(ENTRY_TEXT)
    expect(body).to_contain_text(ENTRY_TEXT)
    desk.keyboard.press("Enter")
    form.get_by_role("button", name="blockquote", exact=True).click()
    desk.keyboard.type(ENTRY_QUOTE)
    expect(body.locator("blockquote")).to_have_text(ENTRY_QUOTE)
    shots(desk, "desk-entry-form")
    with desk.expect_navigation():
        desk.keyboard.press("Control+Enter")
    expect(desk.locator(".messagelist")).to_contain_text("Entry posted")
    desk.problems.assert_none("the story's change page")
    entry = LiveEntry.objects.get(title=ENTRY_TITLE)
    assert f"<blockquote><p>{ENTRY_QUOTE}</p></blockquote>" in entry.body
    assert LiveEntry.objects.filter(title=ENTRY_TITLE).count() == 1

    new_entry = reader.locator(f"#entry-{entry.pk}")
    expect(new_entry).to_contain_text(ENTRY_TEXT, timeout=10_000)
    assert reader.evaluate("() => window.notReloaded === true"), "the reader's page was reloaded"
    assert [e.get_attribute("id") for e in reader.locator(".live-entries > .live-entry").all()][0] == (
        f"entry-{entry.pk}"
    )
    expect(reader.locator(".live-key-events li")).to_have_count(2)
    expect(reader.locator(".live-announce")).to_have_text("1 new entry.")
    assert reader.evaluate("() => document.activeElement === document.body"), "focus was moved"
    shots(reader, "reader-after")
    assert_accessible(reader)

    # A correction reaches the open tab too, then the end.
    desk.locator(f"#live-entry-{entry.pk} summary").click()
    desk.locator(f"#live-body-{entry.pk}").fill("Police closed the coast road after the verge collapsed.")
    desk.locator(f"#live-note-{entry.pk}").fill("The closure was not partial.")
    desk.locator(f"#live-entry-{entry.pk}").get_by_role("button", name="Save correction").click()
    expect(reader.locator(f"#entry-{entry.pk} .live-correction")).to_contain_text(
        "The closure was not partial."
    )
    desk.get_by_role("button", name="End live coverage").click()
    expect(reader.locator(".live-state")).to_contain_text("Live coverage has ended")
    assert reader.evaluate("() => window.notReloaded === true")
    reader.problems.assert_none("the reader's live page")


def test_the_live_page_on_a_phone_is_accessible(new_page, shots, live_story):
    page = new_page(viewport=PHONE)
    page.goto(live_story.get_absolute_url())
    check_public_page(page, shots, "live-phone")


HIDE = """() => {
  Object.defineProperty(document, "visibilityState", {configurable: true, get: () => "hidden"});
  document.dispatchEvent(new Event("visibilitychange"));
}"""
SHOW = """() => {
  Object.defineProperty(document, "visibilityState", {configurable: true, get: () => "visible"});
  document.dispatchEvent(new Event("visibilitychange"));
}"""


def test_the_page_asks_with_its_etag_and_only_while_visible(new_page, editor, live_story):
    page: Page = new_page()
    asked = []
    page.on("request", lambda r: asked.append(r) if "/live/" in r.url else None)
    endpoint = lambda status: lambda r: "/live/" in r.url and r.status == status  # noqa: E731
    with page.expect_response(endpoint(200)):
        page.goto(live_story.get_absolute_url())
    # Nothing new: the next question carries the answer's ETag and is answered 304, with no body.
    with page.expect_response(endpoint(304)) as unchanged:
        pass
    assert unchanged.value.request.headers.get("if-none-match")

    page.evaluate(HIDE)
    asked.clear()
    services.post_entry(article=live_story, user=editor, body="<p>Posted while the tab was hidden.</p>")
    # Three poll intervals (1 s each here) pass with the tab hidden: it asks nothing.
    page.wait_for_timeout(3_000)
    assert asked == []
    expect(page.get_by_text("Posted while the tab was hidden.")).to_have_count(0)
    with page.expect_response(endpoint(200)):
        page.evaluate(SHOW)
    expect(page.get_by_text("Posted while the tab was hidden.")).to_be_visible()
    page.problems.assert_none("the live page")


def test_a_new_entry_does_not_move_what_a_scrolled_reader_is_reading(new_page, editor, live_story):
    for n in range(8):
        services.post_entry(article=live_story, user=editor, body=f"<p>Entry {n}. {'Words. ' * 60}</p>")
    page: Page = new_page(viewport=PHONE)
    page.goto(live_story.get_absolute_url())
    reading = page.locator("#" + page.locator(".live-entries > .live-entry").nth(4).get_attribute("id"))
    reading.evaluate("el => el.scrollIntoView({block: 'start'})")
    before = reading.evaluate("el => el.getBoundingClientRect().top")
    entry = services.post_entry(article=live_story, user=editor, body="<p>Arrived while reading.</p>")
    expect(page.locator(f"#entry-{entry.pk}")).to_be_attached()
    after = reading.evaluate("el => el.getBoundingClientRect().top")
    assert abs(after - before) < 1, f"the entry being read moved by {after - before}px"
    page.problems.assert_none("the live page")
