"""Journey: an editor arranges the home page in the admin, and a reader sees the new lead (and the
breaking news banner) on phone and desktop; then the editor moves another story to the lead."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import Page, expect

from articles.frontpage import services as fronts
from articles.models import Article, BreakingBanner, Photo, Section
from articles.photos import services
from tests.e2e.helpers import (
    DESKTOP,
    PHONE,
    check_public_page,
    jpeg_bytes,
    log_in,
    pick_autocomplete,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NEWEST = "Harbour strike ends after nine days"
PICK = "Budget vote delayed as talks run late"
SECOND = "Rail link to the airport approved"
BANNER = "Polls close at ten: results through the night"


@pytest.fixture
def stories(editor):
    world = Section.objects.create(name="World", slug="world", order=1)
    business = Section.objects.create(name="Business", slug="business", order=2)
    now = timezone.now()
    for minutes, (headline, section) in enumerate(
        [(NEWEST, world), (SECOND, business), (PICK, world), ("Markets steady", business)]
    ):
        photo = services.save_photo(
            photo=Photo(
                image=SimpleUploadedFile(f"front-{minutes}.jpg", jpeg_bytes(960, 640), "image/jpeg"),
                alt_text=f"A picture for {headline}",
                credit_text="Staff",
            )
        )
        Article.objects.create(
            headline=headline,
            slug=f"story-{minutes}",
            standfirst=f"{headline}: what we know.",
            body="<p>Text.</p>",
            section=section,
            lead_photo=photo,
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(minutes=10 * (minutes + 1)),
        )
    story = Article.objects.get(headline=PICK)
    fronts.put_banner(banner=BreakingBanner(text=BANNER, link=story.get_absolute_url()), user=editor)


def lead(page: Page):
    return page.locator(".card-lead .card-headline")


def test_editor_rearranges_the_home_page_and_a_reader_sees_the_new_lead(new_page, shots, editor, stories):
    reader = new_page(viewport=DESKTOP)
    reader.goto("/")
    expect(lead(reader)).to_have_text(NEWEST)

    editor_page = new_page(viewport=DESKTOP)
    log_in(editor_page, editor.username)
    editor_page.goto("/admin/articles/frontlayout/")
    editor_page.get_by_role("link", name="Add front page layout").click()
    pick_autocomplete(editor_page, "id_stories-0-article", PICK)
    pick_autocomplete(editor_page, "id_stories-1-article", SECOND)
    editor_page.get_by_role("textbox", name="Note").fill("Evening front")
    shots(editor_page, "admin-layout-form")
    editor_page.get_by_role("button", name="Save", exact=True).first.click()
    expect(editor_page.locator(".messagelist")).to_contain_text("was added successfully")
    expect(editor_page.locator("#result_list")).to_contain_text("On the page now")
    editor_page.problems.assert_none("the front page layout admin")

    for viewport, name in ((DESKTOP, "desktop"), (PHONE, "phone")):
        reader = new_page(viewport=viewport)
        reader.goto("/")
        expect(lead(reader)).to_have_text(PICK)
        expect(reader.locator(".latest-list .card-headline").first).to_have_text(SECOND)
        banner = reader.get_by_role("region", name="Breaking news")
        expect(banner).to_contain_text(BANNER)
        expect(banner.get_by_role("link")).to_have_attribute("href", "/world/story-2/")
        check_public_page(reader, shots, f"home-with-banner-{name}")

    # The editor makes the second story the lead with its "Move up" button.
    editor_page.get_by_role("link", name="Home page").first.click()
    expect(editor_page.locator(".field-what_readers_see")).to_contain_text(f"Lead: {PICK}")
    editor_page.locator("#stories-1").get_by_role("button", name="Move up").click()
    expect(editor_page.locator("#id_stories-1-position")).to_have_value("1")
    expect(editor_page.locator("#id_stories-0-position")).to_have_value("2")
    expect(editor_page.locator("#stories-group tbody tr.form-row").first).to_have_id("stories-1")
    shots(editor_page, "admin-layout-change")
    editor_page.get_by_role("button", name="Save", exact=True).first.click()
    expect(editor_page.locator(".messagelist")).to_contain_text("was changed successfully")

    reader.goto("/")
    expect(lead(reader)).to_have_text(SECOND)
    expect(reader.locator(".latest-list .card-headline").first).to_have_text(PICK)
    reader.problems.assert_none("the home page")
