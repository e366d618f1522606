"""A partner's developer reads the API documentation and tries a request from it, in a real browser, under
the site's Content Security Policy, without any request leaving the machine."""

import json

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article, Section
from tests.e2e.helpers import PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def story():
    world = Section.objects.create(name="World", slug="world")
    return Article.objects.create(
        headline="Harbour reopens after the storm",
        slug="harbour-reopens",
        section=world,
        status=Article.Status.PUBLISHED,
        published_at=timezone.now(),
        body="<p>Ships sail again.</p>",
    )


def watch_hosts(page, live_server) -> list[str]:
    """Every request the page makes to anywhere but our server."""
    elsewhere = []
    page.on(
        "request", lambda r: None if r.url.startswith((live_server.url, "data:")) else elsewhere.append(r.url)
    )
    return elsewhere


def test_developer_reads_the_docs_and_tries_the_story_list(page, live_server, story, shots):
    elsewhere = watch_hosts(page, live_server)
    page.goto("/api/v1/docs/")
    expect(page.locator(".opblock")).to_have_count(6)
    expect(page.get_by_role("heading", name="Newsroom read API")).to_be_visible()
    stories = page.locator(".opblock").filter(has_text="Published stories, newest first")
    stories.locator(".opblock-summary").click()
    stories.locator("input[placeholder='limit']").fill("1")
    stories.locator(".execute").click()
    status = stories.locator(".live-responses-table .response .response-col_status").first
    expect(status).to_have_text("200")
    body = json.loads(stories.locator(".live-responses-table .microlight").first.inner_text())
    assert body["items"][0]["headlines"][0]["value"] == story.headline
    shots(page, "docs-tried")
    # A blocked script, style or fetch shows as a console error; nothing may have gone elsewhere.
    page.problems.assert_none("the API docs")
    assert elsewhere == []


def test_docs_fit_a_phone(new_page, live_server, story, shots):
    page = new_page(viewport=PHONE)
    elsewhere = watch_hosts(page, live_server)
    page.goto("/api/v1/docs/")
    expect(page.locator(".opblock")).to_have_count(6)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways: {width}px"
    shots(page, "docs-phone")
    page.problems.assert_none("the API docs on a phone")
    assert elsewhere == []
