"""A story's history (revisions, edit conflicts, corrections, preview links) and the user admin's limits."""

from datetime import timedelta

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Correction, Revision
from articles.publishing import policy, preview, revisions
from tests.publishing.workflow_helpers import change_url, edit_post

pytestmark = pytest.mark.django_db


# --- revisions and conflicts --------------------------------------------------------------------


def test_second_save_on_a_stale_form_is_refused_with_a_diff(client, make_article, editor, django_user_model):
    article = make_article(headline="Original headline", created_by=editor)
    other = django_user_model.objects.create_user("ed2", password="pw-Secret-123", is_staff=True)
    other.groups.add(*editor.groups.all())
    first, second = client, type(client)()
    first.force_login(editor)
    second.force_login(other)
    # Both open the story at the same version.
    first.get(change_url(article))
    second.get(change_url(article))
    # "Save and publish": both save straight to the live story (pending changes conflict in test_pending.py).
    stale = edit_post(article, _save_publish="1")
    assert (
        first.post(
            change_url(article), edit_post(article, headline="First editor's headline", _save_publish="1")
        ).status_code
        == 302
    )

    response = second.post(change_url(article), {**stale, "headline": "Second editor's headline"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "your changes were NOT saved" in html
    assert "<ins>editor&#x27;s headline</ins>" in html or "First" in html
    article.refresh_from_db()
    assert article.headline == "First editor's headline"
    # Their text is still in the form, and saving again is a deliberate overwrite.
    form = response.context["adminform"].form
    assert form.data["headline"] == "Second editor's headline"
    again = second.post(change_url(article), {**form.data.dict(), "headline": "Second editor's headline"})
    assert again.status_code == 302
    article.refresh_from_db()
    assert article.headline == "Second editor's headline"


def test_revisions_diff_and_restore(editor_client, make_article, editor):
    article = make_article(
        headline="Version one", body="<p>Old words here.</p>", created_by=editor, status=Article.Status.DRAFT
    )
    revisions.record_revision(article=article, user=editor)
    editor_client.post(
        change_url(article), edit_post(article, headline="Version two", body="<p>New words here.</p>")
    )
    article.refresh_from_db()
    assert list(article.revisions.values_list("version", flat=True)) == [2, 1]

    listing = editor_client.get(reverse("admin:articles_article_revisions", args=[article.pk]))
    assert "changes from v1" in listing.content.decode()
    diff = editor_client.get(reverse("admin:articles_article_revision_diff", args=[article.pk, 1, 2]))
    html = diff.content.decode()
    assert "<del>one</del>" in html and "<ins>two</ins>" in html
    assert "<del>Old</del>" in html and "<ins>New</ins>" in html

    editor_client.post(reverse("admin:articles_article_revision_restore", args=[article.pk, 1]))
    article.refresh_from_db()
    assert article.headline == "Version one" and article.body == "<p>Old words here.</p>"
    latest = Revision.objects.filter(article=article).first()
    assert latest.version == 3 and latest.note == "Restored version 1"


def test_reporter_cannot_restore_a_revision_of_a_published_story(reporter_client, make_article, reporter):
    article = make_article(headline="Live", created_by=reporter)
    revisions.record_revision(article=article, user=reporter)
    response = reporter_client.post(reverse("admin:articles_article_revision_restore", args=[article.pk, 1]))
    assert response.status_code == 403


def test_others_see_who_has_the_story_open(client, make_article, editor, django_user_model):
    article = make_article()
    other = django_user_model.objects.create_user("ed2", password="pw-Secret-123", is_staff=True)
    other.groups.add(*editor.groups.all())
    client.force_login(editor)
    client.get(change_url(article))
    client.force_login(other)
    html = client.get(change_url(article)).content.decode()
    assert "ed has had this story open since" in html


# --- corrections --------------------------------------------------------------------------------


def test_correction_is_shown_dated_and_updates_modified_time(
    editor_client, client, make_article, django_capture_on_commit_callbacks
):
    article = make_article()
    data = edit_post(
        article,
        **{
            "corrections-TOTAL_FORMS": "1",
            "corrections-0-kind": "correction",
            "corrections-0-text": "An earlier version misspelled the minister's name.",
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert editor_client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.revised_at is not None and article.content_modified_at >= article.revised_at
    html = client.get(article.get_absolute_url()).content.decode()
    assert "misspelled the minister" in html and "Updated <time" in html
    assert article.content_modified_at.isoformat() in html
    assert "misspelled the minister" in client.get("/corrections/").content.decode()


def test_editing_a_correction_keeps_the_original(editor_client, make_article, editor):
    article = make_article()
    note = Correction.objects.create(article=article, text="First wording.", created_by=editor)
    data = edit_post(
        article,
        **{
            "corrections-TOTAL_FORMS": "1",
            "corrections-INITIAL_FORMS": "1",
            "corrections-0-id": str(note.pk),
            "corrections-0-article": str(article.pk),
            "corrections-0-kind": "correction",
            "corrections-0-text": "Second wording.",
        },
    )
    assert editor_client.post(change_url(article), data).status_code == 302
    note.refresh_from_db()
    assert (note.text, note.original_text) == ("Second wording.", "First wording.")


def test_reporter_cannot_add_a_correction(reporter_client, draft):
    data = edit_post(
        draft,
        **{"corrections-TOTAL_FORMS": "1", "corrections-0-kind": "correction", "corrections-0-text": "x"},
    )
    reporter_client.post(change_url(draft), data)
    assert not Correction.objects.exists()


# --- preview links ------------------------------------------------------------------------------


def test_preview_link_shows_a_draft_without_login(client, draft):
    url = reverse("articles:preview", args=[preview.preview_token(draft)])
    response = client.get(url)
    assert response.status_code == 200
    assert "Reporter draft" in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()


def test_tampered_preview_link_is_refused(client, draft, make_article):
    other = make_article(status=Article.Status.DRAFT, headline="Other draft")
    token = preview.preview_token(draft)
    payload = signing.b64_encode(f'{{"a":{other.pk}}}'.encode()).decode()
    forged = ":".join([payload, *token.split(":")[1:]])
    for bad in [token[:-2] + "xx", forged, "nonsense", signing.dumps({"a": other.pk})]:
        assert client.get(reverse("articles:preview", args=[bad])).status_code == 404


def test_expired_preview_link_is_gone(client, draft, monkeypatch):
    token = preview.preview_token(draft)
    later = signing.time.time() + preview.PREVIEW_LINK_MAX_AGE.total_seconds() + 1
    monkeypatch.setattr(signing.time, "time", lambda: later)
    assert client.get(reverse("articles:preview", args=[token])).status_code == 410


def test_corrections_feed_lists_notes_newest_first(client, make_article, editor):
    import feedparser

    article = make_article(headline="Corrected story")
    Correction.objects.create(
        article=article, text="Older note.", created_at=timezone.now() - timedelta(hours=1)
    )
    Correction.objects.create(article=article, text="Newer note.", kind="update")
    hidden = make_article(status=Article.Status.DRAFT)
    Correction.objects.create(article=hidden, text="Note on a draft.")
    feed = feedparser.parse(client.get(reverse("articles:corrections_feed")).content)
    assert not feed.bozo
    assert [e.summary for e in feed.entries] == ["Newer note.", "Older note."]
    assert feed.entries[0].link.endswith(
        f"{article.get_absolute_url()}#correction-{article.corrections.first().pk}"
    )


def test_administrator_cannot_grant_superuser(client, administrator, django_user_model):
    target = django_user_model.objects.create_user("target", password="pw-Secret-123", is_staff=True)
    client.force_login(administrator)
    url = reverse("admin:auth_user_change", args=[target.pk])
    form = client.get(url).context["adminform"].form
    assert "is_superuser" not in form.fields and "user_permissions" not in form.fields
    client.post(
        url,
        {
            "username": "target",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
            "initial-date_joined_0": "2026-01-01",
            "initial-date_joined_1": "10:00:00",
        },
    )
    target.refresh_from_db()
    assert not target.is_superuser


def test_administrator_cannot_touch_a_superuser(client, administrator, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.org", "pw-Secret-123")
    client.force_login(administrator)
    response = client.post(reverse("admin:auth_user_change", args=[root.pk]), {"username": "owned"})
    assert response.status_code == 403
    root.refresh_from_db()
    assert root.username == "root"


def test_deactivating_a_user_keeps_their_articles_and_bylines(make_article, make_author, reporter):
    author = make_author(user=reporter)
    article = make_article(created_by=reporter, authors=[author])
    reporter.is_active = False
    reporter.save()
    article.refresh_from_db()
    assert article.created_by == reporter and list(article.authors.all()) == [author]
    assert not policy.can_edit(reporter, article)
