"""Pending changes to a live story (articles/publishing/pending.py, articles/admin/pending.py): an edit waits
as the story's pending version, readers keep the live one until an editor presses "Publish changes", and
"Save and publish" keeps small fixes quick."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleAuthor, Correction, GalleryItem, PendingVersion, Revision
from articles.publishing import editing, pending, preview, workflow
from articles.publishing.revisions import record_revision
from tests.helpers import filled_form
from tests.htmlscan import form_fields

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def pending_url(article, action):
    return reverse(f"admin:articles_article_pending_{action}", args=[article.pk])


def edit_in_admin(client, article, **changes):
    """The editor changes fields on the story's form and presses Save."""
    return client.post(change_url(article), filled_form(client, change_url(article), **changes))


def public_headline(article) -> str:
    """The article page as an anonymous reader sees it."""
    return Client().get(article.get_absolute_url()).content.decode()


@pytest.fixture
def live(make_article, editor):
    article = make_article(
        headline="Dam holds after storm",
        slug="dam-holds",
        created_by=editor,
        published_at=timezone.now() - timedelta(minutes=5),  # in the news sitemap's two days
    )
    record_revision(article=article, user=editor)
    return article


@pytest.fixture
def with_pending(live, editor):
    """`live` with a pending version changing its headline."""
    live.headline = "Dam holds after record storm"
    data = pending.content_of(live, tags=[], authors=[], sources=[], gallery=[])
    pending.save_pending(article=live, user=editor, data=data, loaded_version=live.version)
    live.refresh_from_db()
    return live


# --- editing a live story --------------------------------------------------------------------------------


def test_editing_a_live_story_keeps_the_change_pending_and_readers_see_the_live_one(editor_client, live):
    response = edit_in_admin(editor_client, live, headline="Dam breaks after storm")
    assert response.status_code == 302
    live.refresh_from_db()
    assert live.headline == "Dam holds after storm" and live.version == 1
    assert live.revisions.count() == 1
    assert PendingVersion.objects.get(article=live).data["headline"] == "Dam breaks after storm"
    html = public_headline(live)
    assert "Dam holds after storm" in html and "Dam breaks" not in html


def test_the_editor_is_told_the_change_is_pending(editor_client, live):
    edit_in_admin(editor_client, live, headline="Dam breaks after storm")
    html = editor_client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "Your changes are pending" in html


def test_feeds_sitemaps_and_search_keep_the_live_headline(editor_client, live):
    edit_in_admin(editor_client, live, headline="Reservoir overflows")
    reader = Client()
    for url in ("/feeds/rss/", "/sitemap-news.xml", "/search/?q=storm", "/world/"):
        html = re.sub(r"<mark>|</mark>", "", reader.get(url).content.decode())  # search marks the words
        assert "Dam holds after storm" in html and "Reservoir overflows" not in html, url
    assert "Reservoir" not in reader.get("/search/?q=reservoir").content.decode()


def test_the_form_shows_the_pending_version_under_a_banner(editor_client, with_pending):
    html = editor_client.get(change_url(with_pending)).content.decode()
    assert form_fields(html, "article_form")["headline"] == "Dam holds after record storm"
    assert "Pending changes by ed at" in html and "readers see the live version" in html
    for control in ("Publish changes", "Preview pending changes", "Discard", "Save and publish"):
        assert control in html


def test_bylines_and_tags_wait_with_the_pending_version(editor_client, make_article, make_author, editor):
    first, second, third = (
        make_author(name="Ana Ruiz"),
        make_author(name="Bo Lee"),
        make_author(name="Cy Dee"),
    )
    article = make_article(authors=[first, second], tags=["Ports"], created_by=editor)
    url = change_url(article)
    data = filled_form(editor_client, url, **{
        "articleauthor_set-0-order": "2", "articleauthor_set-2-author": str(third.pk),
        "articleauthor_set-2-order": "0", "articleauthor_set-1-DELETE": "on", "tags": [],
    })  # fmt: skip
    assert editor_client.post(url, data).status_code == 302
    assert list(ArticleAuthor.objects.filter(article=article).values_list("author", flat=True)) == [
        first.pk,
        second.pk,
    ]
    assert list(article.tags.names()) == ["Ports"]
    assert PendingVersion.objects.get(article=article).data["authors"] == [third.pk, first.pk]
    # Reopened, the form shows the pending bylines in their order, the dropped one marked for deletion.
    shown = form_fields(editor_client.get(url).content.decode(), "article_form")
    authors = [shown[f"articleauthor_set-{i}-author"] for i in range(3)]
    assert authors == [str(first.pk), str(second.pk), str(third.pk)]
    assert [shown[f"articleauthor_set-{i}-order"] for i in (0, 2)] == ["1", "0"]
    assert "articleauthor_set-1-DELETE" in shown and "tags" not in shown


def test_gallery_changes_wait_with_the_pending_version(editor_client, live, make_photo, editor, commit):
    photo = make_photo(credit_text="Staff")
    url = change_url(live)
    data = filled_form(editor_client, url, **{
        "gallery_items-TOTAL_FORMS": "1", "gallery_items-0-photo": str(photo.pk),
        "gallery_items-0-caption": "Spillway at dawn", "gallery_items-0-order": "0",
    })  # fmt: skip
    assert editor_client.post(url, data).status_code == 302
    assert not GalleryItem.objects.filter(article=live).exists()
    commit(pending.publish_pending, article=live, user=editor)
    assert list(GalleryItem.objects.filter(article=live).values_list("photo", "caption")) == [
        (photo.pk, "Spillway at dawn")
    ]


def test_a_correction_on_a_live_story_is_shown_at_once(editor_client, live):
    data = filled_form(editor_client, change_url(live), headline="Dam breaks after storm", **{
        "corrections-TOTAL_FORMS": "1", "corrections-0-kind": "correction",
        "corrections-0-text": "An earlier version gave the wrong river.",
    })  # fmt: skip
    assert editor_client.post(change_url(live), data).status_code == 302
    html = public_headline(live)
    assert "gave the wrong river" in html and "Dam breaks" not in html
    assert Correction.objects.filter(article=live).count() == 1


def test_an_unchanged_save_leaves_nothing_pending(editor_client, live):
    assert edit_in_admin(editor_client, live).status_code == 302
    assert not PendingVersion.objects.exists()


def test_a_pending_change_follows_the_slug_rules(editor_client, live, make_article):
    make_article(slug="taken")
    response = edit_in_admin(editor_client, live, slug="taken")
    assert response.status_code == 200
    assert "already exists" in str(response.context["adminform"].form.errors["slug"])
    assert not PendingVersion.objects.exists()


def test_a_scheduled_story_is_edited_directly(editor_client, make_article, editor):
    # Nobody reads it yet, and the edit must be in what goes live at its time.
    article = make_article(headline="Budget tomorrow", published_at=timezone.now() + timedelta(days=1))
    assert edit_in_admin(editor_client, article, headline="Budget on Tuesday").status_code == 302
    article.refresh_from_db()
    assert article.headline == "Budget on Tuesday" and not PendingVersion.objects.exists()


# --- publishing, saving and publishing, discarding ------------------------------------------------------


def test_publish_changes_puts_them_live_through_the_caches(
    editor_client, live, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = settings.FRAGMENT_CACHE_SECONDS = 300
    reader = Client()
    assert "Dam holds after storm" in reader.get(live.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        edit_in_admin(editor_client, live, headline="Dam breaks after storm")
    assert "Dam breaks" not in reader.get(live.get_absolute_url()).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(pending_url(live, "publish"), follow=True)
    assert "The pending changes are published" in response.content.decode()
    assert "Dam breaks after storm" in reader.get(live.get_absolute_url()).content.decode()
    assert not PendingVersion.objects.exists()
    latest = Revision.objects.filter(article=live).first()
    assert (latest.version, latest.note) == (2, "Published pending changes")


def test_save_and_publish_puts_the_edit_live_at_once(editor_client, live):
    assert edit_in_admin(editor_client, live, headline="Dam holds", _save_publish="1").status_code == 302
    live.refresh_from_db()
    assert live.headline == "Dam holds" and live.version == 2
    assert not PendingVersion.objects.exists()


def test_save_and_publish_includes_the_pending_changes_it_showed(editor_client, with_pending):
    url = change_url(with_pending)
    data = filled_form(editor_client, url, standfirst="Engineers say it will hold.", _save_publish="1")
    assert editor_client.post(url, data).status_code == 302
    with_pending.refresh_from_db()
    assert (with_pending.headline, with_pending.standfirst) == (
        "Dam holds after record storm",
        "Engineers say it will hold.",
    )
    assert not PendingVersion.objects.exists()


def test_discard_drops_the_pending_changes(editor_client, with_pending):
    response = editor_client.post(pending_url(with_pending, "discard"), follow=True)
    assert "Pending changes discarded" in response.content.decode()
    assert not PendingVersion.objects.exists()
    assert form_fields(response.content.decode(), "article_form")["headline"] == "Dam holds after storm"


def test_publishing_over_a_newer_live_version_is_refused(editor_client, with_pending, editor):
    with_pending.standfirst = "Saved straight to the live story."
    editing.save_edit(article=with_pending, user=editor, loaded_version=with_pending.version)
    response = editor_client.post(pending_url(with_pending, "publish"), follow=True)
    assert "after these changes were made, so they were NOT published" in response.content.decode()
    with_pending.refresh_from_db()
    assert with_pending.headline == "Dam holds after storm"
    assert PendingVersion.objects.filter(article=with_pending).exists()


def test_saving_again_brings_outdated_pending_changes_up_to_date(editor_client, with_pending, editor):
    with_pending.standfirst = "Saved straight to the live story."
    editing.save_edit(article=with_pending, user=editor, loaded_version=with_pending.version)
    assert "The live story was saved after" in editor_client.get(change_url(with_pending)).content.decode()
    assert edit_in_admin(editor_client, with_pending).status_code == 302
    pending.publish_pending(article=with_pending, user=editor)
    with_pending.refresh_from_db()
    assert (with_pending.headline, with_pending.standfirst) == (
        "Dam holds after record storm",
        "Saved straight to the live story.",
    )


def test_a_second_editor_saving_over_newer_pending_changes_gets_a_conflict(
    client, live, editor, django_user_model
):
    other = django_user_model.objects.create_user("ed2", password="pw-Secret-123", is_staff=True)
    other.groups.add(*editor.groups.all())
    first, second = client, Client()
    first.force_login(editor)
    second.force_login(other)
    stale = filled_form(second, change_url(live))
    assert edit_in_admin(first, live, headline="First editor's headline").status_code == 302

    response = second.post(change_url(live), {**stale, "headline": "Second editor's headline"})
    html = response.content.decode()
    assert response.status_code == 200 and "saved pending changes at" in html and "NOT saved" in html
    assert PendingVersion.objects.get().data["headline"] == "First editor's headline"
    # Saving again after reading the conflict is a deliberate replacement.
    again = second.post(change_url(live), form_fields(html, "article_form"))
    assert again.status_code == 302
    assert PendingVersion.objects.get().data["headline"] == "Second editor's headline"


def test_restoring_a_revision_of_a_live_story_makes_it_pending(editor_client, live, editor):
    live.headline = "Dam holds, engineers say"
    editing.save_edit(article=live, user=editor, loaded_version=live.version)
    url = reverse("admin:articles_article_revision_restore", args=[live.pk, 1])
    response = editor_client.post(url, follow=True)
    assert "restored as pending changes" in response.content.decode()
    live.refresh_from_db()
    assert live.headline == "Dam holds, engineers say" and live.version == 2
    assert PendingVersion.objects.get(article=live).data["headline"] == "Dam holds after storm"


# --- previews --------------------------------------------------------------------------------------


def test_the_pending_preview_shows_the_changes_privately(editor_client, with_pending, settings):
    settings.FRAGMENT_CACHE_SECONDS = 300
    response = editor_client.get(pending_url(with_pending, "preview"))
    html = response.content.decode()
    assert response.status_code == 200 and "Dam holds after record storm" in html
    assert "changes not yet published" in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}
    # Never kept: readers still get the live story, from a fresh render or the stored fragments.
    assert "record storm" not in public_headline(with_pending)
    assert "record storm" not in public_headline(with_pending)


def test_a_preview_link_shows_the_pending_version(client, with_pending):
    response = client.get(reverse("articles:preview", args=[preview.preview_token(with_pending)]))
    assert response.status_code == 200
    assert "Dam holds after record storm" in response.content.decode()


def test_the_form_offers_a_preview_link_only_while_changes_wait(editor_client, live, editor):
    assert "/preview/" not in editor_client.get(change_url(live)).content.decode()
    live.headline = "Dam holds after record storm"
    data = pending.content_of(live, tags=[], authors=[], sources=[], gallery=[])
    pending.save_pending(article=live, user=editor, data=data, loaded_version=live.version)
    html = editor_client.get(change_url(live)).content.decode()
    assert "/preview/" in html and "Revoke preview links" in html


def test_a_preview_link_to_a_live_story_is_withdrawn_once_its_changes_are_published(
    client, with_pending, editor
):
    url = reverse("articles:preview", args=[preview.preview_token(with_pending)])
    pending.publish_pending(article=with_pending, user=editor)
    assert client.get(url).status_code == 410


def test_the_pending_preview_of_a_story_without_changes_goes_back_to_the_form(editor_client, live):
    response = editor_client.get(pending_url(live, "preview"))
    assert response.status_code == 302 and response["Location"] == change_url(live)


# --- who may, and bad requests -------------------------------------------------------------------------


def test_a_reporter_cannot_publish_pending_changes(reporter_client, with_pending):
    assert reporter_client.post(pending_url(with_pending, "publish")).status_code == 403
    with_pending.refresh_from_db()
    assert with_pending.headline == "Dam holds after storm" and PendingVersion.objects.exists()


def test_a_reporter_cannot_discard_pending_changes(reporter_client, with_pending):
    assert reporter_client.post(pending_url(with_pending, "discard")).status_code == 403
    assert PendingVersion.objects.exists()


def test_a_reporter_cannot_keep_pending_changes_through_the_service(reporter, live):
    live.headline = "Reporter's headline"
    data = pending.content_of(live, tags=[], authors=[], sources=[], gallery=[])
    with pytest.raises(PermissionDenied):
        pending.save_pending(article=live, user=reporter, data=data, loaded_version=live.version)
    assert not PendingVersion.objects.exists()


def test_a_draft_cannot_have_pending_changes(editor, make_article):
    draft = make_article(status=Article.Status.DRAFT)
    data = pending.content_of(draft, tags=[], authors=[], sources=[], gallery=[])
    with pytest.raises(ValidationError, match="save this story directly"):
        pending.save_pending(article=draft, user=editor, data=data, loaded_version=draft.version)


def test_pending_changes_with_a_bad_slug_are_refused_by_the_service(editor, live):
    live.slug = "Not a slug!"
    data = pending.content_of(live, tags=[], authors=[], sources=[], gallery=[])
    with pytest.raises(ValidationError) as caught:
        pending.save_pending(article=live, user=editor, data=data, loaded_version=live.version)
    assert "slug" in caught.value.message_dict
    assert not PendingVersion.objects.exists()


def test_get_on_publish_changes_is_not_allowed(editor_client, with_pending):
    assert editor_client.get(pending_url(with_pending, "publish")).status_code == 405
    assert PendingVersion.objects.exists()


def test_publishing_when_nothing_is_pending_says_so(editor_client, live):
    response = editor_client.post(pending_url(live, "publish"), follow=True)
    assert "There are no pending changes to publish" in response.content.decode()


def test_the_pending_pages_of_a_hidden_story_are_not_found(reporter_client, make_article, editor):
    draft = make_article(status=Article.Status.DRAFT, created_by=editor)
    for action in ("preview", "publish", "discard"):
        assert reporter_client.post(pending_url(draft, action)).status_code == 404, action


def test_the_change_form_with_pending_changes_stays_within_budget(
    editor_client, with_pending, django_assert_max_num_queries
):
    editor_client.get(change_url(with_pending))
    # 32, the live coverage panel's question, the audit history panel and the story's reads (two).
    with django_assert_max_num_queries(36):
        assert editor_client.get(change_url(with_pending)).status_code == 200


def test_unpublishing_keeps_the_pending_changes_in_the_form(editor_client, with_pending, editor):
    workflow.unpublish(article=with_pending, user=editor)
    html = editor_client.get(change_url(with_pending)).content.decode()
    assert form_fields(html, "article_form")["headline"] == "Dam holds after record storm"
    assert "Publish changes" not in html
    # Saved, the unpublished story takes them directly: nothing waits any more.
    assert edit_in_admin(editor_client, with_pending).status_code == 302
    with_pending.refresh_from_db()
    assert with_pending.headline == "Dam holds after record storm" and not PendingVersion.objects.exists()


def test_a_pending_save_does_not_say_the_story_was_changed(editor_client, make_article):
    article = make_article(headline="Live wording")
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = editor_client.post(url, filled_form(editor_client, url, headline="New wording"), follow=True)
    html = response.content.decode()
    assert "Your changes are pending" in html and "was changed successfully" not in html
