"""Journey 3: a reader goes home -> section -> story -> tag -> search -> author, by mouse and by keyboard."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import Page, expect

from articles.models import Article, ArticleAuthor, ArticleSource, Author, Photo, Section, Source
from articles.photos import services
from tests.e2e.helpers import (
    DESKTOP,
    PHONE,
    check_public_page,
    focus_is_visible,
    follow,
    jpeg_bytes,
    layout_shift_with_late_images,
    tab_to,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LEAD = "Floods force thousands from homes in northern Italy"
HEATWAVE = "Heatwave grips southern Spain"
# Well under the 0.1 that Core Web Vitals call good: images with width/height should shift nothing.
MAX_CLS = 0.02


@pytest.fixture
def stories():
    world = Section.objects.create(name="World", slug="world", order=1)
    business = Section.objects.create(name="Business", slug="business", order=2)
    reuters = Source.objects.create(name="Reuters", slug="reuters", kind=Source.Kind.AGENCY)
    maya = Author.objects.create(name="Maya Lindqvist", slug="maya-lindqvist", bio="Europe correspondent.")
    now = timezone.now()

    def photo(n, alt):
        return services.save_photo(
            photo=Photo(
                image=SimpleUploadedFile(f"reader-{n}.jpg", jpeg_bytes(960, 640), "image/jpeg"),
                alt_text=alt,
                caption=f"{alt}.",
                credit_source=reuters,
            )
        )

    def story(headline, section, minutes_ago, *, lead_photo=None, tags=()):
        article = Article.objects.create(
            headline=headline,
            slug=re.sub(r"\W+", "-", headline.lower()),
            standfirst=f"{headline}: what we know so far.",
            body="<p>Rescue teams worked all night.</p><blockquote><p>It came so fast.</p></blockquote>",
            section=section,
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(minutes=minutes_ago),
            lead_photo=lead_photo,
        )
        ArticleAuthor.objects.create(article=article, author=maya)
        ArticleSource.objects.create(article=article, source=reuters)
        article.tags.set(tags)
        return article

    story(LEAD, world, 10, lead_photo=photo(1, "People wade through a flooded street"), tags=["Climate"])
    story(HEATWAVE, world, 60, lead_photo=photo(2, "A dry reservoir"), tags=["Climate"])
    story("Talks resume on Black Sea grain deal", world, 120)
    story("Central bank holds interest rates", business, 30, lead_photo=photo(3, "The bank's building"))
    story("Shipping costs rise again", business, 180)


def search_exists(page: Page) -> bool:
    return page.request.get("/search/?q=floods").status != 404


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_reader_follows_a_story_from_home_to_its_author(new_page, shots, stories, viewport):
    page = new_page(viewport=viewport)
    cls = layout_shift_with_late_images(page, lambda: page.goto("/", wait_until="commit"))
    assert cls < MAX_CLS, f"home page layout shift {cls:.3f}"
    expect(page.locator(".card-lead")).to_contain_text(LEAD)
    check_public_page(page, shots, "home")

    follow(page, page.get_by_role("navigation", name="Sections").get_by_role("link", name="World"))
    expect(page.get_by_role("heading", level=1)).to_have_text("World")
    expect(page.locator("main .card-headline")).to_have_count(3)
    check_public_page(page, shots, "section")

    story_link = page.locator("main").get_by_role("link", name=LEAD)
    cls = layout_shift_with_late_images(page, lambda: follow(page, story_link, wait_until="commit"))
    assert cls < MAX_CLS, f"story page layout shift {cls:.3f}"
    expect(page.get_by_role("heading", level=1)).to_have_text(LEAD)
    expect(page.locator("figure figcaption")).to_contain_text("(Photo: Reuters)")
    check_public_page(page, shots, "story")

    follow(page, page.get_by_role("navigation", name="Topics").get_by_role("link", name="Climate"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Climate")
    expect(page.locator("main .card-headline")).to_have_text([LEAD, HEATWAVE])
    check_public_page(page, shots, "tag")

    if search_exists(page):
        search = page.get_by_role("search", name="Site")
        search.get_by_role("searchbox").fill("floods Italy")
        search.get_by_role("button", name="Search").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Search results for “floods Italy”")
        expect(page.locator("main .card-headline").first).to_have_text(LEAD)
        check_public_page(page, shots, "search")
        follow(page, page.locator("main").get_by_role("link", name=LEAD))

    follow(page, page.locator(".byline").get_by_role("link", name="Maya Lindqvist"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Maya Lindqvist")
    expect(page.locator("main")).to_contain_text("Europe correspondent.")
    expect(page.locator("main .card-headline")).to_have_count(5)
    check_public_page(page, shots, "author")


def test_reader_uses_the_keyboard_only(page: Page, shots, stories):
    page.goto("/")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).not_to_be_in_viewport()
    page.keyboard.press("Tab")
    expect(skip, "the skip link is not the first thing Tab reaches").to_be_focused()
    expect(skip).to_be_in_viewport()
    assert focus_is_visible(skip)
    shots(page, "skip-link-focused")
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    lead = page.locator(".card-lead").get_by_role("link", name=LEAD)
    tab_to(page, lead)
    shots(page, "lead-focused")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(LEAD)

    tab_to(page, page.get_by_role("navigation", name="Topics").get_by_role("link", name="Climate"))
    shots(page, "tag-focused")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Climate")
    page.problems.assert_none("the keyboard path")
