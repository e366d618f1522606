"""Fixtures for the publishing tests (a module's own fixture of the same name wins)."""

import pytest

from articles.models import Article


@pytest.fixture
def draft(make_article, reporter):
    return make_article(headline="Reporter draft", status=Article.Status.DRAFT, created_by=reporter)
