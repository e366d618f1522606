"""Browser fixtures for the end-to-end journeys: one headless Chromium per run, a fresh context per page."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from playwright.sync_api import sync_playwright

from articles.models import SiteSettings
from newsroom.accounts.roles import sync_roles
from tests.e2e.helpers import DESKTOP, PageProblems, Screenshots

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(settings.BASE_DIR) / "artifacts" / "e2e"


@pytest.fixture(scope="package")
def browser():
    """One Chromium for the e2e tests, gone before the rest of the suite runs."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (make test installs it)")
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        # Playwright's sync API leaves its asyncio loop marked as running in this thread while it is
        # open, and Django refuses ORM calls from such a thread (SynchronousOnlyOperation). The tests'
        # ORM calls are plain synchronous code that never runs inside that loop, so the guard is a false
        # alarm here; it is lifted only while the browser is open.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _migrated_data(transactional_db):
    # Transactional tests end with a flush that empties every table: put back what the migrations made.
    # sync_roles() blanks every AppConfig.models_module when given the real app registry, which would
    # stop later flushes from recreating content types and permissions: keep them as they were.
    models_modules = {config: config.models_module for config in apps.get_app_configs()}
    sync_roles()
    for config, module in models_modules.items():
        config.models_module = module
    SiteSettings.objects.get_or_create(pk=1, defaults={"outlet_name": "English News"})


@pytest.fixture
def new_page(browser, live_server):
    """Open a page in a fresh browser context (own cookies): new_page(viewport=PHONE)."""
    contexts = []

    def make(viewport=DESKTOP, **kwargs):
        # The newsroom's locale and time zone, so the admin's "Now" and date formats match the server's.
        context = browser.new_context(
            viewport=viewport,
            base_url=live_server.url,
            locale="en-GB",
            timezone_id=settings.TIME_ZONE,
            **kwargs,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        # What has gone wrong on the page since the last check (helpers.PageProblems).
        page.problems = PageProblems(page)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def shots(request):
    """Screenshots of the key steps: artifacts/e2e/<test name>/NN-step.png."""
    name = re.sub(r"[^\w.-]+", "-", request.node.name).strip("-")
    return Screenshots(ARTIFACTS / name)
