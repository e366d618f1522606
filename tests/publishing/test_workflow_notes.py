"""Notes on the workflow: why a story goes back to draft (required), what a reporter says on submitting it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Transition
from articles.publishing import workflow
from tests.helpers import filled_form

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


@pytest.fixture
def draft(make_article, reporter):
    return make_article(headline="Harbour strike talks", status=Article.Status.DRAFT, created_by=reporter)


@pytest.fixture
def in_review(draft, reporter):
    return workflow.submit_for_review(article=draft, user=reporter)


# --- the services ---------------------------------------------------------------------------------


def test_submitting_keeps_the_reporters_note(draft, reporter):
    workflow.submit_for_review(article=draft, user=reporter, note="  Second source is on the record.  ")
    transition = Transition.objects.get(article=draft)
    assert (transition.action, transition.note) == ("submit_for_review", "Second source is on the record.")


def test_submitting_needs_no_note(draft, reporter):
    workflow.submit_for_review(article=draft, user=reporter)
    assert Transition.objects.get(article=draft).note == ""


def test_sending_back_keeps_the_editors_note(in_review, editor):
    workflow.return_to_draft(article=in_review, user=editor, note="Check the figures in paragraph three.")
    back = Transition.objects.filter(article=in_review).first()
    assert (back.action, back.to_status, back.note, back.user) == (
        "return_to_draft",
        "draft",
        "Check the figures in paragraph three.",
        editor,
    )


@pytest.mark.parametrize("note", ["", "   \n "])
def test_sending_back_without_saying_why_is_refused(in_review, editor, note):
    with pytest.raises(ValidationError) as refused:
        workflow.return_to_draft(article=in_review, user=editor, note=note)
    assert "Say why the story goes back to draft" in " ".join(refused.value.messages)
    in_review.refresh_from_db()
    assert in_review.status == Article.Status.REVIEW
    assert Transition.objects.filter(article=in_review).count() == 1


def test_a_note_over_the_limit_is_refused_with_its_length(in_review, editor):
    with pytest.raises(ValidationError) as refused:
        workflow.return_to_draft(article=in_review, user=editor, note="x" * 201)
    message = " ".join(refused.value.messages)
    assert "200 characters" in message and "201" in message
    assert Article.objects.get(pk=in_review.pk).status == Article.Status.REVIEW


def test_a_note_of_exactly_the_limit_is_kept(in_review, editor):
    workflow.return_to_draft(article=in_review, user=editor, note="y" * 200)
    assert Transition.objects.filter(article=in_review).first().note == "y" * 200


def test_a_reporter_cannot_send_back_even_with_a_note(in_review, reporter):
    with pytest.raises(PermissionDenied):
        workflow.return_to_draft(article=in_review, user=reporter, note="Please")
    assert Article.objects.get(pk=in_review.pk).status == Article.Status.REVIEW


# --- the change form ------------------------------------------------------------------------------


def test_the_form_offers_a_note_beside_the_workflow_buttons(editor_client, in_review):
    html = editor_client.get(change_url(in_review)).content.decode()
    assert 'name="workflow_note"' in html
    assert "Note for the reporter / editor" in html
    assert 'name="_return_draft"' in html


def test_no_note_is_offered_where_no_button_takes_one(editor_client, make_article):
    live = make_article(headline="Live already")
    html = editor_client.get(change_url(live)).content.decode()
    assert 'name="workflow_note"' not in html


def test_the_reporter_submits_with_a_note_from_the_form(reporter_client, draft):
    post = filled_form(
        reporter_client,
        change_url(draft),
        _submit_review="Submit for review",
        workflow_note="Photos still to come.",
    )
    assert reporter_client.post(change_url(draft), post).status_code == 302
    draft.refresh_from_db()
    assert draft.status == Article.Status.REVIEW
    assert Transition.objects.get(article=draft).note == "Photos still to come."


def test_the_editor_sends_back_with_a_note_and_it_shows_in_the_history(editor_client, in_review):
    post = filled_form(
        editor_client,
        change_url(in_review),
        _return_draft="Send back to draft",
        workflow_note="Needs a <b>second</b> source.",
    )
    assert editor_client.post(change_url(in_review), post).status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == Article.Status.DRAFT
    html = editor_client.get(change_url(in_review)).content.decode()
    assert "Needs a &lt;b&gt;second&lt;/b&gt; source." in html
    assert '<q class="workflow-note">' in html
    assert (
        f'<time datetime="{timezone.localtime(Transition.objects.first().at):%Y-%m-%dT%H:%M:%S%z}">' in html
    )


def test_sending_back_from_the_form_without_a_note_says_why_and_keeps_the_story_in_review(
    editor_client, in_review
):
    post = filled_form(
        editor_client, change_url(in_review), _return_draft="Send back to draft", workflow_note=" "
    )
    response = editor_client.post(change_url(in_review), post, follow=True)
    assert response.status_code == 200
    assert "Say why the story goes back to draft" in response.content.decode()
    in_review.refresh_from_db()
    assert in_review.status == Article.Status.REVIEW


def test_the_bulk_submit_still_works_without_a_note(reporter_client, draft):
    reporter_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "submit_selected", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.status == Article.Status.REVIEW
    assert Transition.objects.get(article=draft).note == ""


def test_sending_back_is_not_offered_in_bulk(editor_client, in_review):
    html = editor_client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "return_to_draft" not in html and "Send back" not in html
    response = editor_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "return_selected", "_selected_action": [in_review.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert Article.objects.get(pk=in_review.pk).status == Article.Status.REVIEW
