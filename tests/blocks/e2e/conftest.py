"""The browser fixtures of tests/e2e (one Chromium, a fresh context per page), for the blocks' journey."""

from tests.e2e.conftest import _migrated_data, browser, new_page, page, shots  # noqa: F401
