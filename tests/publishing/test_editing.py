"""Saving an edit through the one service (articles/publishing/editing.py): the same rules hold for the
admin, a management command and a plain function call."""

import importlib
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Correction, Photo, Revision, Transition
from articles.publishing import editing, workflow
from articles.publishing.revisions import record_revision
from tests.helpers import article_post, filled_form

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def local_parts(when):
    local = timezone.localtime(when)
    return {"published_at_0": f"{local:%Y-%m-%d}", "published_at_1": f"{local:%H:%M:%S}"}


@pytest.fixture
def embargoed_scheduled(make_article):
    """Scheduled for tomorrow, under embargo until tonight."""
    now = timezone.now()
    return make_article(
        headline="Budget leak", published_at=now + timedelta(days=1), embargo_until=now + timedelta(hours=6)
    )


# --- Defect 4: an embargo cannot be bypassed by moving a scheduled story's time ------------------------


def test_moving_a_scheduled_story_into_the_past_before_its_embargo_is_refused_in_the_admin(
    editor_client, embargoed_scheduled
):
    url = change_url(embargoed_scheduled)
    data = filled_form(editor_client, url, **local_parts(timezone.now() - timedelta(minutes=5)))
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "embargoed until" in response.content.decode()
    embargoed_scheduled.refresh_from_db()
    assert embargoed_scheduled.is_scheduled
    assert editor_client.get(embargoed_scheduled.get_absolute_url()).status_code == 200  # staff preview
    editor_client.logout()
    assert editor_client.get(embargoed_scheduled.get_absolute_url()).status_code == 404


def test_moving_a_scheduled_story_into_the_past_is_refused_by_the_service(editor, embargoed_scheduled):
    embargoed_scheduled.published_at = timezone.now() - timedelta(minutes=5)
    with pytest.raises(ValidationError, match="embargoed"):
        editing.save_edit(
            article=embargoed_scheduled, user=editor, loaded_version=embargoed_scheduled.version
        )
    assert Article.objects.get(pk=embargoed_scheduled.pk).is_scheduled


def test_moving_a_scheduled_story_after_its_embargo_is_allowed(editor_client, embargoed_scheduled):
    url = change_url(embargoed_scheduled)
    later = timezone.now() + timedelta(hours=7)
    data = filled_form(editor_client, url, **local_parts(later))
    assert editor_client.post(url, data).status_code == 302
    embargoed_scheduled.refresh_from_db()
    assert abs(embargoed_scheduled.published_at - later) < timedelta(seconds=1)


def test_scheduling_needs_a_future_time_whoever_asks(editor, make_article):
    draft = make_article(status=Article.Status.DRAFT)
    with pytest.raises(ValidationError, match="in the future"):
        workflow.schedule(article=draft, user=editor, at=timezone.now() - timedelta(hours=1))
    assert Article.objects.get(pk=draft.pk).status == Article.Status.DRAFT


# --- Defect 5: restoring a revision that can no longer be restored says why -----------------------------


def restore(client, article, version):
    url = reverse("admin:articles_article_revision_restore", args=[article.pk, version])
    return client.post(url, follow=True)


def test_restoring_a_revision_whose_slug_now_belongs_to_another_story_says_so(
    editor_client, editor, make_article
):
    article = make_article(headline="Harbour fire", slug="harbour-fire")
    record_revision(article=article, user=editor)
    article.slug = "harbour-fire-latest"
    editing.save_edit(article=article, user=editor, loaded_version=article.version)
    make_article(headline="Another fire", slug="harbour-fire")

    response = restore(editor_client, article, 1)
    assert response.status_code == 200
    assert "Version 1 cannot be restored" in response.content.decode()
    article.refresh_from_db()
    assert article.slug == "harbour-fire-latest" and article.version == 2


def test_restoring_a_revision_whose_photo_was_deleted_says_so(
    editor_client, editor, make_article, make_photo
):
    photo = make_photo(credit_text="Staff")
    article = make_article(lead_photo=photo)
    record_revision(article=article, user=editor)
    article.lead_photo = None
    editing.save_edit(article=article, user=editor, loaded_version=article.version)
    Photo.objects.filter(pk=photo.pk).delete()

    response = restore(editor_client, article, 1)
    assert "its lead photo has been deleted" in response.content.decode()
    article.refresh_from_db()
    assert article.lead_photo_id is None and article.version == 2


def test_restoring_a_revision_makes_its_content_a_new_version(editor_client, editor, make_article):
    # A draft: a live story's restore is pending changes (test_pending.py).
    article = make_article(headline="First wording", tags=["Ports"], status=Article.Status.DRAFT)
    record_revision(article=article, user=editor)
    article.headline = "Second wording"
    editing.save_edit(article=article, user=editor, loaded_version=article.version, tags=["Rail"])

    restore(editor_client, article, 1)
    article.refresh_from_db()
    assert (article.headline, article.version, list(article.tags.names())) == ("First wording", 3, ["Ports"])


# --- Defect 6: a slug that leads readers to a published story cannot be taken -------------------------


def test_a_new_story_cannot_take_a_slug_that_redirects_to_a_published_story(
    editor_client, editor, make_article, section
):
    old = make_article(headline="Dam opens", slug="dam-opens")
    old.slug = "dam-opens-to-traffic"
    editing.save_edit(article=old, user=editor)
    response = editor_client.post(
        reverse("admin:articles_article_add"), article_post(section, headline="Other dam", slug="dam-opens")
    )
    assert response.status_code == 200
    assert "links to it still lead there" in response.content.decode()
    assert not Article.objects.filter(headline="Other dam").exists()
    assert editor_client.get(f"/{section.slug}/dam-opens/").url == old.get_absolute_url()


def test_a_slug_that_redirected_to_a_draft_may_be_reused(editor, make_article, section):
    old = make_article(slug="plan", status=Article.Status.DRAFT)
    old.slug = "plan-b"
    editing.save_edit(article=old, user=editor)
    new = editing.save_edit(article=Article(headline="Plan", slug="plan", section=section), user=editor)
    assert new.pk and Article.objects.get(slug="plan") == new


# --- Defect 7: every story has a revision from its creation; diffs name things ------------------------


def test_a_story_created_through_the_service_has_its_first_revision(editor, section):
    article = editing.save_edit(article=Article(headline="New", slug="new", section=section), user=editor)
    assert list(article.revisions.values_list("version", "note")) == [(1, "Created")]


def test_the_backfill_gives_every_older_story_a_revision(make_article):
    older = make_article(headline="From before revisions")
    assert not older.revisions.exists()
    importlib.import_module("articles.migrations.0012_backfill_revisions").forwards(None, None)
    assert older.revisions.get().data["headline"] == "From before revisions"


def test_a_diff_names_the_section_photo_and_byline(
    editor_client, editor, make_article, make_section, make_photo, make_author
):
    sport = make_section(name="Sport", slug="sport")
    article = make_article(authors=[make_author(name="Ana Ruiz")])
    record_revision(article=article, user=editor)
    article.section = sport
    article.lead_photo = make_photo(caption="Stadium at dusk", credit_text="Staff")
    editing.save_edit(article=article, user=editor, loaded_version=1, authors=[make_author(name="Bo Lee")])

    url = reverse("admin:articles_article_revision_diff", args=[article.pk, 1, 2])
    html = editor_client.get(url).content.decode()
    assert all(word in html for word in ("Sport", "Stadium", "dusk", "Bo", "Lee", "Ana", "Ruiz"))
    assert f"<ins>{sport.pk}</ins>" not in html


# --- The same rules for every writer ---------------------------------------------------------------------


def test_a_stale_save_from_any_writer_is_a_conflict(editor, make_article):
    article = make_article(headline="Original")
    record_revision(article=article, user=editor)
    other = Article.objects.get(pk=article.pk)
    other.headline = "Theirs"
    editing.save_edit(article=other, user=editor, loaded_version=1)
    article.headline = "Mine"
    with pytest.raises(editing.EditConflict) as caught:
        editing.save_edit(article=article, user=editor, loaded_version=1)
    assert caught.value.changes[0][0] == "Headline"
    assert Article.objects.get(pk=article.pk).headline == "Theirs"


def test_a_reporter_cannot_edit_a_colleagues_story_by_calling_the_service(reporter, make_article):
    article = make_article(status=Article.Status.DRAFT, headline="Not yours")
    article.headline = "Taken over"
    with pytest.raises(PermissionDenied):
        editing.save_edit(article=article, user=reporter)
    assert Article.objects.get(pk=article.pk).headline == "Not yours"


def test_an_edit_cannot_change_a_story_state_or_a_reporter_set_times(reporter, section):
    published = Article(headline="Sneaky", slug="sneaky", section=section, status=Article.Status.PUBLISHED,
                        published_at=timezone.now())  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        editing.save_edit(article=published, user=reporter)
    assert "workflow" in str(caught.value) and "Only editors" in str(caught.value)
    assert not Article.objects.filter(slug="sneaky").exists()


def test_a_note_to_readers_is_signed_dated_and_keeps_its_first_wording(editor, make_article):
    article = make_article()
    note = editing.add_note(article=article, user=editor, text="The minister's name was misspelt.")
    article.refresh_from_db()
    assert article.revised_at == note.created_at and note.created_by == editor
    editing.edit_note(note=note, user=editor, text="The minister's name was misspelt earlier.")
    note.refresh_from_db()
    assert note.original_text == "The minister's name was misspelt."


def test_a_reporter_cannot_add_a_note_to_readers(reporter, make_article):
    with pytest.raises(PermissionDenied):
        editing.add_note(article=make_article(), user=reporter, text="Correction")
    assert not Correction.objects.exists()


def test_the_demo_command_writes_through_the_services(db):
    call_command("load_demo", verbosity=0)
    stories = Article.objects.all()
    assert stories.exists()
    assert Revision.objects.filter(version=1).count() == stories.count()
    published = stories.filter(status=Article.Status.PUBLISHED)
    assert Transition.objects.filter(action__in=["publish", "schedule"]).count() == published.count()
    # The editor writes the published stories; the reporters write the ones at the desk (tests/ops).
    assert set(stories.values_list("created_by__username", flat=True)) == {"editor", "reporter", "reporter2"}


def test_a_published_storys_gallery_takes_no_photo_without_credit(editor_client, make_article, make_photo):
    article = make_article()
    uncredited = make_photo(caption="Unknown author")
    url = change_url(article)
    gallery = {"gallery_items-TOTAL_FORMS": "1", "gallery_items-0-photo": str(uncredited.pk)}
    data = filled_form(editor_client, url, **gallery, **{"gallery_items-0-order": "0"})
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "has no credit" in response.content.decode()
    assert not article.gallery_items.exists()
