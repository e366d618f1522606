"""A reader meets a story with every block: nothing is asked of a provider until they click, the player
then loads in place, and the page is accessible (axe-core) before and after, on a desktop and a phone."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article, Photo, Section, Source
from articles.photos import services
from tests.e2e.helpers import DESKTOP, PHONE, assert_accessible, check_public_page, jpeg_bytes, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VIDEO_SRC = "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"
POST_SRC = "https://mastodon.social/@Gargron/109316227232331219/embed"
STAND_IN = "<!DOCTYPE html><title>player</title><p>A provider's player</p>"


@pytest.fixture
def story():
    section = Section.objects.create(name="Climate", slug="climate")
    agency = Source.objects.create(name="Harbour Agency", slug="harbour-agency")

    def photo(name, alt):
        image = SimpleUploadedFile(f"{name}.jpg", jpeg_bytes(960, 640), "image/jpeg")
        return services.save_photo(
            photo=Photo(image=image, alt_text=alt, caption=f"{alt}.", credit_source=agency)
        )

    now = timezone.now()
    other = Article.objects.create(
        headline="Coastal towns vote on a shared flood plan", slug="coastal-vote", section=section,
        status=Article.Status.PUBLISHED, published_at=now - timedelta(hours=2),
        lead_photo=photo("vote", "A sea wall"),
    )  # fmt: skip
    inline = photo("deck", "Walkers on the pier deck")
    body = (
        "<p>The pier reopened on Saturday.</p>"
        '<figure data-block="pullquote"><blockquote><p>We rebuilt it for the sea we will have</p>'
        "</blockquote>"
        "<figcaption>Ana Ruiz, chief engineer</figcaption></figure>"
        f'<figure data-block="photo" data-photo-id="{inline.pk}"></figure>'
        '<aside data-block="factbox"><h2>The pier in numbers</h2><ul><li>Opened in 1902</li>'
        "<li>310 metres long</li></ul></aside>"
        '<p><a href="https://youtu.be/dQw4w9WgXcQ" title="Rebuilding the pier">https://youtu.be/dQw4w9WgXcQ</a></p>'
        "<p>https://mastodon.social/@Gargron/109316227232331219</p>"
        f'<aside data-block="readmore" data-story-id="{other.pk}"></aside>'
        "<p>It is open from 7am.</p>"
    )
    return Article.objects.create(
        headline="Storm-battered pier reopens higher", slug="pier-reopens", section=section, body=body,
        standfirst="Rebuilt 1.2 metres higher.", status=Article.Status.PUBLISHED,
        published_at=now - timedelta(hours=1), lead_photo=photo("pier", "The rebuilt pier"),
    )  # fmt: skip


def _providers(page) -> list[str]:
    """Every request that leaves for another site is recorded and answered by a stand-in player."""
    asked = []

    def answer(route):
        asked.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body=STAND_IN)

    page.route(re.compile(r"^https://"), answer)
    return asked


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_embeds_load_only_when_the_reader_clicks(new_page, shots, story, viewport):
    page = new_page(viewport=viewport)
    asked = _providers(page)
    page.goto(story.get_absolute_url())
    expect(page.locator(".pull-quote")).to_contain_text("We rebuilt it for the sea we will have")
    expect(page.locator(".fact-box h2")).to_have_text("The pier in numbers")
    expect(page.locator(".read-more a")).to_have_attribute("href", "/climate/coastal-vote/")
    check_public_page(page, shots, "story-before-click")
    assert asked == [] and page.locator("iframe").count() == 0

    video = page.locator("figure.embed-video")
    video.get_by_role("button", name="Play video: Rebuilding the pier").click()
    frame = video.locator("iframe.embed-frame")
    expect(frame).to_have_attribute("src", VIDEO_SRC)
    expect(frame).to_have_attribute("title", "YouTube video: Rebuilding the pier")
    expect(frame).to_be_focused()
    expect(video.get_by_role("link", name="Watch on YouTube")).to_be_visible()
    assert asked == [VIDEO_SRC]

    post = page.locator("figure.embed-post")
    post.scroll_into_view_if_needed()
    post.get_by_role("button", name="Show post").click()
    expect(post.locator("iframe.embed-frame")).to_have_attribute("src", POST_SRC)
    assert asked == [VIDEO_SRC, POST_SRC]
    page.frame_locator("figure.embed-video iframe").locator("p").wait_for()
    shots(page, "story-after-click")
    assert_accessible(page)
    page.problems.assert_none(page.url)


def test_without_javascript_the_placeholder_is_a_working_link(new_page, story):
    page = new_page(java_script_enabled=False)
    asked = _providers(page)
    page.goto(story.get_absolute_url())
    video = page.locator("figure.embed-video")
    expect(video.locator(".embed-title")).to_have_text("Rebuilding the pier")
    expect(video.get_by_role("button")).to_be_hidden()
    link = video.get_by_role("link", name="Watch on YouTube")
    expect(link).to_have_attribute("href", "https://youtu.be/dQw4w9WgXcQ")
    link.click()
    page.wait_for_url("https://youtu.be/dQw4w9WgXcQ")
    assert asked == ["https://youtu.be/dQw4w9WgXcQ"]


def test_an_editor_types_blocks_in_the_editor_and_readers_see_them(new_page, editor, story):
    draft = Article.objects.create(
        headline="Pier fishing platform considered", slug="pier-platform", section=story.section,
        body="<p>The council will look at a lower platform.</p>", created_by=editor,
    )  # fmt: skip
    page = new_page()
    log_in(page, editor.username)
    page.goto(f"/admin/articles/article/{draft.pk}/change/")
    body = page.locator(".prose-editor .ProseMirror[contenteditable=true]")
    expect(body, "the rich-text editor did not start").to_be_visible()
    body.locator("p").last.click()
    page.keyboard.press("End")
    for line in ("[pull quote: Anglers lost their spot | Club secretary]", "https://youtu.be/dQw4w9WgXcQ",
                 "[read more: /climate/pier-reopens/]", "Closing line."):  # fmt: skip
        page.keyboard.press("Enter")
        page.keyboard.type(line)
        expect(body.locator(":scope > p").last).to_have_text(line)
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    page.problems.assert_none("the story form")
    stored = Article.objects.get(pk=draft.pk).body
    assert '<figure data-block="pullquote"><blockquote><p>Anglers lost their spot</p></blockquote>' in stored
    assert f'<aside data-block="readmore" data-story-id="{story.pk}"></aside>' in stored
    # Reopened, the form shows what the editor typed.
    expect(body.locator(":scope > p").nth(1)).to_have_text(
        "[pull quote: Anglers lost their spot | Club secretary]"
    )
    expect(body.locator(":scope > p").nth(3)).to_have_text(
        "[read more: " + str(story.pk) + " | Storm-battered pier reopens higher]"
    )
    page.goto(draft.get_absolute_url())  # the staff preview of the draft
    expect(page.locator(".pull-quote figcaption")).to_have_text("Club secretary")
    expect(page.locator("figure.embed-video .embed-provider")).to_have_text("YouTube")
    expect(page.locator(".read-more a")).to_have_attribute("href", story.get_absolute_url())
