"""The story list says which live stories have changes waiting for "Publish changes", and filters them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.publishing import pending

pytestmark = pytest.mark.django_db

LIST_URL = reverse("admin:articles_article_changelist")


@pytest.fixture
def waiting(make_article, editor):
    story = make_article(headline="Harbour reopens")
    pending.save_pending(
        article=story, user=editor, data={"headline": "Harbour reopens at dawn"}, loaded_version=story.version
    )
    return story


def test_the_list_marks_a_story_with_changes_pending(editor_client, waiting, make_article):
    make_article(headline="Nothing waits here")
    html = editor_client.get(LIST_URL).content.decode()
    assert html.count("changes pending") == 1
    assert "Published · changes pending" in html


def test_the_state_filter_lists_only_stories_with_changes_pending(editor_client, waiting, make_article):
    make_article(headline="Nothing waits here")
    html = editor_client.get(LIST_URL, {"state": "pending"}).content.decode()
    assert "Harbour reopens" in html and "Nothing waits here" not in html


def test_marking_pending_changes_costs_no_query(editor_client, waiting, make_article):
    editor_client.get(LIST_URL)
    with CaptureQueriesContext(connection) as with_pending:
        editor_client.get(LIST_URL)
    waiting.pending.delete()
    with CaptureQueriesContext(connection) as without:
        editor_client.get(LIST_URL)
    assert len(with_pending) == len(without)
