"""Journey 1: an editor uploads a photo, writes a story in the rich-text editor and publishes it."""

import re

import pytest
from playwright.sync_api import Page, expect
from taggit.models import Tag

from articles.models import Article, Author, Photo, Section, Source
from tests.e2e.helpers import check_public_page, jpeg_bytes, log_in, pick_autocomplete

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

QUOTE = "We will not be intimidated by threats."
LINK = "https://example.org/statement"


@pytest.fixture
def newsroom_data(editor):
    Author.objects.create(name="Eva Lindqvist", slug="eva-lindqvist", user=editor)
    Section.objects.create(name="World", slug="world")
    Source.objects.create(name="Reuters", slug="reuters", kind=Source.Kind.AGENCY)
    Source.objects.create(name="Al Jazeera", slug="al-jazeera", url="https://www.aljazeera.com/")
    for name in ("Diplomacy", "Baltic Sea"):
        Tag.objects.create(name=name, slug=name.lower().replace(" ", "-"))


def upload_photo(page: Page, shots):
    page.goto("/admin/articles/photo/add/")
    page.get_by_label("Image").set_input_files(
        {"name": "harbour.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes(1600, 1000)}
    )
    page.get_by_label("Alt text").fill("Grey warships moored at a harbour wall under a cloudy sky")
    page.get_by_label("Caption").fill("Navy ships in the harbour of Tallinn on Monday")
    pick_autocomplete(page, "id_credit_source", "Reuters")
    page.get_by_label("Rights:", exact=True).select_option(label="Agency (licensed)")
    shots(page, "photo-form")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    page.problems.assert_none("the photo admin")


def write_body(page: Page):
    """Type the body as an editor would: a bold word from the toolbar, a block quote, a link on words.

    The editor applies keystrokes asynchronously, so each toolbar click or caret move first waits until
    the text typed before it is in. The link comes last: after its dialog closes the editor puts the
    selection back on the linked words on timers of its own, which would race any further typing.
    """
    body = page.locator(".prose-editor .ProseMirror[contenteditable=true]")
    expect(body, "the rich-text editor did not start").to_be_visible()
    body.click()
    page.keyboard.type("The foreign ministry summoned the ambassador, calling the manoeuvres ")
    expect(body).to_contain_text("calling the manoeuvres")
    bold = page.get_by_role("button", name="bold", exact=True)
    bold.click()
    page.keyboard.type("unacceptable")
    expect(body.locator("strong")).to_have_text("unacceptable")
    bold.click()
    page.keyboard.type(".")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="blockquote", exact=True).click()
    page.keyboard.type(QUOTE)
    expect(body.locator("blockquote")).to_have_text(QUOTE)
    # Enter on the empty line that follows leaves the quote.
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    page.keyboard.type("Read the full statement online.")
    expect(body.locator(":scope > p").last).to_have_text("Read the full statement online.")
    for _ in " online.":
        page.keyboard.press("ArrowLeft")
    for _ in "full statement":
        page.keyboard.press("Shift+ArrowLeft")
    page.wait_for_function("() => getSelection().toString() === 'full statement'")
    page.get_by_role("button", name="insert link").click()
    dialog = page.locator("dialog.prose-editor-dialog[open]")
    dialog.get_by_label("URL").fill(LINK)
    dialog.get_by_role("button", name="Update").click()
    expect(dialog).to_be_hidden()
    # What the editor shows is what will be saved.
    expect(body.locator(":scope > *")).to_have_count(3)
    expect(body.locator(":scope > p").first).to_have_text(re.compile(r"manoeuvres unacceptable\.$"))
    expect(body.locator("strong")).to_have_text("unacceptable")
    expect(body.locator("blockquote")).to_have_text(QUOTE)
    expect(body.locator(f'a[href="{LINK}"]')).to_have_text("full statement")


def test_editor_writes_and_publishes_a_story(page: Page, shots, editor, newsroom_data):
    log_in(page, editor.username)
    expect(page.locator("#user-tools")).to_contain_text(f"Welcome, {editor.username}")
    shots(page, "admin-index")
    page.problems.assert_none("the admin index")

    upload_photo(page, shots)
    photo = Photo.objects.get()
    assert (photo.width, photo.height, photo.credit) == (1600, 1000, "Reuters")

    page.goto("/admin/articles/article/add/")
    # A Content-Security-Policy that blocks the editor's import map or modules is reported here in the
    # browser's own words, before the editor is found missing.
    page.problems.assert_none("the article form as loaded (the rich-text editor needs its scripts)")
    # A help text or value that opens a raw-text element (<title>, <textarea>) swallows the rest of the form.
    expect(page.locator("#content-main")).not_to_contain_text("</div>")
    page.get_by_label("Headline").press_sequentially("Estonia summons Russian envoy over naval drills")
    expect(page.get_by_label("Slug")).to_have_value("estonia-summons-russian-envoy-over-naval-drills")
    page.get_by_label("Standfirst").fill("Tallinn says warships came within a mile of its waters.")
    write_body(page)
    pick_autocomplete(page, "id_section", "World")
    pick_autocomplete(page, "id_tags", "Diplomacy")
    pick_autocomplete(page, "id_tags", "Baltic Sea")
    pick_autocomplete(page, "id_lead_photo", "Navy ships")
    pick_autocomplete(page, "id_articleauthor_set-0-author", "Eva Lindqvist")
    pick_autocomplete(page, "id_articlesource_set-0-source", "Al Jazeera")
    publish_time = page.locator(".field-published_at")
    publish_time.get_by_role("button", name=re.compile(r"^Today")).click()
    publish_time.get_by_role("button", name="Now", exact=True).click()
    expect(page.locator("#id_published_at_0")).not_to_have_value("")
    expect(page.locator("#id_published_at_1")).not_to_have_value("")
    shots(page, "article-form")
    page.problems.assert_none("the article form")

    page.get_by_role("button", name="Publish now").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    expect(page.locator(".messagelist")).not_to_contain_text("no credit")
    row = page.locator("#result_list tbody tr", has_text="Estonia summons")
    expect(row.locator("td.field-state")).to_have_text("Published")
    article = Article.objects.get()
    assert article.is_live, (article.status, article.published_at)
    shots(page, "article-list")

    page.locator("#result_list").get_by_role("link", name=article.headline).click()
    page.get_by_role("link", name="View on site").click()
    expect(page).to_have_url(re.compile(re.escape(article.get_absolute_url()) + "$"))
    story = page.locator("article.story")
    expect(story.get_by_role("heading", level=1)).to_have_text(article.headline)
    expect(story.locator(".standfirst")).to_have_text(article.standfirst)
    expect(story.locator(".byline")).to_have_text("By Eva Lindqvist")
    figure = story.locator("figure")
    expect(figure.locator("img")).to_have_attribute("alt", photo.alt_text)
    expect(figure.locator("img")).to_have_js_property("complete", True)
    assert figure.locator("img").evaluate("img => img.naturalWidth") > 0, "the lead photo did not load"
    expect(figure.locator("figcaption")).to_have_text(
        "Navy ships in the harbour of Tallinn on Monday (Photo: Reuters)"
    )
    body = story.locator(".story-body")
    expect(body.locator("strong")).to_have_text("unacceptable")
    expect(body.get_by_role("link", name="full statement")).to_have_attribute("href", LINK)
    expect(body.locator("blockquote")).to_have_text(QUOTE)
    topics = story.get_by_role("navigation", name="Topics").get_by_role("link")
    expect(topics).to_have_count(2)
    assert sorted(topics.all_inner_texts()) == ["Baltic Sea", "Diplomacy"]
    expect(story.locator(".attribution")).to_contain_text("reporting by Al Jazeera")
    check_public_page(page, shots, "story-on-site")
