"""Autosave (articles/publishing/autosave.py, articles/admin/pending.py): the story forms keep a copy of
unsaved changes on the server without touching the story, offer it back when reopened, and forget it once
saved."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Autosave, Revision
from articles.publishing import editing
from tests.helpers import article_post, filled_form
from tests.htmlscan import form_fields, scripts

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_article_add")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def autosave_url(article=None):
    if article is None:
        return reverse("admin:articles_article_add_autosave")
    return reverse("admin:articles_article_autosave", args=[article.pk])


def post_json(client, url, payload):
    body = payload if isinstance(payload, (str, bytes)) else json.dumps(payload)
    return client.post(url, body, content_type="application/json")


@pytest.fixture
def draft(make_article, editor):
    return make_article(headline="Harbour plan", status=Article.Status.DRAFT, created_by=editor)


def kept(editor_client, article, **changes):
    """What the browser's script would post after the editor changed `changes` on the story's form."""
    fields = filled_form(editor_client, change_url(article), **changes)
    fields.pop("csrfmiddlewaretoken", None)
    response = post_json(editor_client, autosave_url(article), fields)
    assert response.status_code == 200, response.content
    return fields


# --- keeping -------------------------------------------------------------------------------------------


def test_autosave_keeps_the_fields_without_touching_the_story(editor_client, draft, editor):
    response = post_json(
        editor_client, autosave_url(draft), {"headline": "Harbour plan delayed", "body": "<p>x</p>"}
    )
    assert response.status_code == 200 and "saved_at" in response.json()
    autosave = Autosave.objects.get(user=editor, article=draft)
    assert autosave.data == {"headline": "Harbour plan delayed", "body": "<p>x</p>"}
    draft.refresh_from_db()
    assert (draft.headline, draft.version) == ("Harbour plan", 1)
    assert not Revision.objects.exists()


def test_the_add_form_autosave_keeps_a_story_not_yet_created(editor_client, editor):
    response = post_json(editor_client, autosave_url(), {"headline": "Breaking", "tags": ["1", "2"]})
    assert response.status_code == 200
    assert Autosave.objects.get(user=editor, article=None).data["tags"] == ["1", "2"]
    assert not Article.objects.exists()


def test_a_later_autosave_replaces_the_earlier_one(editor_client, draft, editor):
    post_json(editor_client, autosave_url(draft), {"headline": "First"})
    post_json(editor_client, autosave_url(draft), {"headline": "Second"})
    assert list(Autosave.objects.values_list("data", flat=True)) == [{"headline": "Second"}]


# --- bad requests and who may --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{not json", "JSON object"),
        ("[1, 2]", "names with text values"),
        ('{"headline": {"nested": 1}}', "names with text values"),
        (json.dumps({"body": "x" * 1_100_000}), "too large"),
    ],
)
def test_a_bad_autosave_is_a_400_with_a_message(editor_client, draft, body, message):
    response = post_json(editor_client, autosave_url(draft), body)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not Autosave.objects.exists()


def test_get_on_the_autosave_endpoint_is_not_allowed(editor_client, draft):
    assert editor_client.get(autosave_url(draft)).status_code == 405


def test_a_reporter_cannot_autosave_a_live_story(reporter_client, make_article):
    live = make_article()
    assert post_json(reporter_client, autosave_url(live), {"headline": "Mine now"}).status_code == 403
    assert not Autosave.objects.exists()


def test_a_reporter_cannot_autosave_a_colleagues_draft(reporter_client, draft):
    assert post_json(reporter_client, autosave_url(draft), {"headline": "Mine now"}).status_code == 404
    assert not Autosave.objects.exists()


def test_a_reporter_autosaves_their_own_draft(reporter_client, reporter, make_article):
    own = make_article(status=Article.Status.DRAFT, created_by=reporter)
    assert post_json(reporter_client, autosave_url(own), {"headline": "Better"}).status_code == 200
    assert Autosave.objects.filter(user=reporter, article=own).exists()


def test_a_reader_cannot_autosave(client, draft):
    response = post_json(client, autosave_url(draft), {"headline": "x"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not Autosave.objects.exists()


# --- offering it back -----------------------------------------------------------------------------------


def test_reopening_the_form_offers_the_kept_changes(editor_client, draft):
    kept(editor_client, draft, headline="Harbour plan delayed")
    html = editor_client.get(change_url(draft)).content.decode()
    assert "Unsaved changes from" in html and "were kept" in html and "Restore them" in html
    # Offered, not applied: the form still shows the saved story.
    assert form_fields(html, "article_form")["headline"] == "Harbour plan"


def test_an_autosave_older_than_the_last_save_is_not_offered(editor_client, draft, editor):
    Autosave.objects.create(
        user=editor, article=draft, data={"headline": "Old"}, updated_at=timezone.now() - timedelta(days=1)
    )
    assert "were kept" not in editor_client.get(change_url(draft)).content.decode()


def test_someone_elses_autosave_is_not_offered(editor_client, draft, reporter):
    Autosave.objects.create(user=reporter, article=draft, data={"headline": "Theirs"})
    assert "were kept" not in editor_client.get(change_url(draft)).content.decode()


def test_restore_fills_the_form_with_the_kept_values(editor_client, draft, make_author):
    author = make_author(name="Ana Ruiz")
    kept(editor_client, draft, headline="Harbour plan delayed", body="<p>Typed before the crash.</p>", **{
        "articleauthor_set-0-author": str(author.pk),
    })  # fmt: skip
    response = editor_client.get(change_url(draft), {"restore": "autosave"})
    shown = form_fields(response.content.decode(), "article_form")
    assert shown["headline"] == "Harbour plan delayed"
    assert shown["body"] == "<p>Typed before the crash.</p>"
    assert shown["articleauthor_set-0-author"] == str(author.pk)
    assert "are back in the form" in response.content.decode()
    draft.refresh_from_db()
    assert draft.headline == "Harbour plan"


def test_restored_changes_are_saved_with_the_form(editor_client, draft):
    kept(editor_client, draft, headline="Harbour plan delayed")
    url = f"{change_url(draft)}?restore=autosave"
    assert editor_client.post(change_url(draft), filled_form(editor_client, url)).status_code == 302
    draft.refresh_from_db()
    assert draft.headline == "Harbour plan delayed"


def test_restore_on_the_add_form(editor_client, section):
    fields = {name: str(value) for name, value in article_post(section, headline="Unsaved scoop").items()}
    assert post_json(editor_client, autosave_url(), {**fields, "slug": "unsaved-scoop"}).status_code == 200
    assert "were kept" in editor_client.get(ADD_URL).content.decode()
    shown = form_fields(editor_client.get(ADD_URL, {"restore": "autosave"}).content.decode(), "article_form")
    assert (shown["headline"], shown["slug"], shown["section"]) == (
        "Unsaved scoop",
        "unsaved-scoop",
        str(section.pk),
    )


def test_a_restored_half_written_form_shows_no_errors_yet(editor_client):
    # Typed so far: a headline, no section, a byline row without its author.
    typed = filled_form(editor_client, ADD_URL, headline="Half a story", **{"articleauthor_set-0-order": "3"})
    typed.pop("csrfmiddlewaretoken", None)
    assert post_json(editor_client, autosave_url(), typed).status_code == 200
    response = editor_client.get(ADD_URL, {"restore": "autosave"})
    html = response.content.decode()
    assert form_fields(html, "article_form")["headline"] == "Half a story"
    assert "Please correct" not in html and "This field is required" not in html


def test_restoring_a_stale_autosave_shows_the_conflict(editor_client, draft, editor):
    kept(editor_client, draft, headline="Harbour plan delayed")
    draft.standfirst = "Saved by someone since."
    editing.save_edit(article=draft, user=editor, loaded_version=draft.version)
    html = editor_client.get(change_url(draft), {"restore": "autosave"}).content.decode()
    assert "your changes were NOT saved" in html
    assert form_fields(html, "article_form")["headline"] == "Harbour plan delayed"


def test_discarding_the_kept_changes_deletes_them(editor_client, draft):
    kept(editor_client, draft, headline="Harbour plan delayed")
    url = reverse("admin:articles_article_autosave_discard", args=[draft.pk])
    response = editor_client.post(url, follow=True)
    assert "were discarded" in response.content.decode() and "were kept" not in response.content.decode()
    assert not Autosave.objects.exists()


def test_restore_without_kept_changes_shows_the_saved_story(editor_client, draft):
    response = editor_client.get(change_url(draft), {"restore": "autosave"})
    assert response.status_code == 200
    assert form_fields(response.content.decode(), "article_form")["headline"] == "Harbour plan"


# --- forgetting it once saved ----------------------------------------------------------------------------


def test_saving_the_form_forgets_its_autosave(editor_client, draft):
    kept(editor_client, draft, headline="Harbour plan delayed")
    assert (
        editor_client.post(change_url(draft), filled_form(editor_client, change_url(draft))).status_code
        == 302
    )
    assert not Autosave.objects.exists()


def test_creating_a_story_forgets_the_add_form_autosave(editor_client, section, editor):
    post_json(editor_client, autosave_url(), {"headline": "Breaking"})
    assert editor_client.post(ADD_URL, article_post(section)).status_code == 302
    assert not Autosave.objects.filter(user=editor).exists()


def test_a_form_with_errors_keeps_its_autosave(editor_client, draft):
    kept(editor_client, draft, headline="Harbour plan delayed")
    response = editor_client.post(
        change_url(draft), filled_form(editor_client, change_url(draft), slug="not a slug")
    )
    assert response.status_code == 200
    assert Autosave.objects.exists()


# --- the page ------------------------------------------------------------------------------------------


def test_the_forms_load_the_autosave_script_from_a_static_file(editor_client, draft):
    for url in (change_url(draft), ADD_URL):
        html = editor_client.get(url).content.decode()
        sources = [script.attrs.get("src") or "" for script in scripts(html)]
        assert any(src.endswith("admin/js/autosave.js") for src in sources), url
        assert f'data-autosave-url="{autosave_url(draft if url != ADD_URL else None)}"' in html


def test_a_view_only_form_has_no_autosave(reporter_client, make_article):
    live = make_article()
    assert "data-autosave-url" not in reporter_client.get(change_url(live)).content.decode()
