"""Who sees which story: reporters see their own unpublished stories and every live one, never a
colleague's draft, story in review, unpublished or scheduled story; editors see every story."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Revision
from articles.publishing import policy, revisions

pytestmark = pytest.mark.django_db

LIST_URL = reverse("admin:articles_article_changelist")
HIDDEN_STATES = ["draft", "review", "unpublished", "scheduled"]


def listed(response) -> list[str]:
    """The headlines in the admin story list."""
    assert response.status_code == 200
    return re.findall(r'<th class="field-headline"><a href="[^"]*">([^<]*)</a>', response.content.decode())


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


@pytest.fixture
def colleague(django_user_model, reporter):
    other = django_user_model.objects.create_user("rep2", password="pw-Secret-123", is_staff=True)
    other.groups.add(*reporter.groups.all())
    return other


@pytest.fixture
def story_in(make_article):
    """A story in one of the states readers cannot see, written by `author`."""

    def make(state, author, **fields):
        if state == "scheduled":
            fields |= {"status": "published", "published_at": timezone.now() + timedelta(hours=3)}
        else:
            fields["status"] = state
        return make_article(created_by=author, **fields)

    return make


# --- the admin story list ----------------------------------------------------------------------


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_reporter_list_leaves_out_a_colleagues_unpublished_story(reporter_client, colleague, story_in, state):
    story_in(state, colleague, headline="Colleague story")
    assert "Colleague story" not in listed(reporter_client.get(LIST_URL))


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_reporter_list_shows_their_own_unpublished_story(reporter_client, reporter, story_in, state):
    story_in(state, reporter, headline="My own story")
    assert listed(reporter_client.get(LIST_URL)) == ["My own story"]


def test_reporter_list_shows_a_colleagues_live_story(reporter_client, colleague, make_article):
    make_article(headline="Live story", created_by=colleague)
    assert listed(reporter_client.get(LIST_URL)) == ["Live story"]


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_editor_list_shows_a_reporters_unpublished_story(editor_client, reporter, story_in, state):
    story_in(state, reporter, headline="Reporter story")
    assert listed(editor_client.get(LIST_URL)) == ["Reporter story"]


def test_reporter_list_queries_do_not_grow_with_the_archive(
    reporter_client, reporter, colleague, make_article, story_in, django_assert_max_num_queries
):
    for i in range(30):
        make_article(headline=f"Live {i}", created_by=colleague)
        story_in(HIDDEN_STATES[i % 4], reporter if i % 2 else colleague)
    reporter_client.get(LIST_URL)
    # The editors' budget in tests/admin/test_admin_list.py: the filter adds no query.
    with django_assert_max_num_queries(14):
        response = reporter_client.get(LIST_URL)
    assert len(listed(response)) == 25


# --- the change form, revisions and the preview link -------------------------------------------


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_reporter_opening_a_colleagues_unpublished_story_is_sent_away(
    reporter_client, colleague, story_in, state
):
    article = story_in(state, colleague, headline="Colleague story")
    response = reporter_client.get(change_url(article), follow=True)
    html = response.content.decode()
    assert response.redirect_chain[0] == (reverse("admin:index"), 302)
    assert "Colleague story" not in html
    assert "/preview/" not in html


def test_reporter_opens_their_own_draft_with_its_preview_link(reporter_client, reporter, story_in):
    article = story_in("draft", reporter, headline="My draft")
    response = reporter_client.get(change_url(article))
    assert response.status_code == 200
    assert "/preview/" in response.content.decode()


def test_editor_opens_a_reporters_draft_with_its_preview_link(editor_client, reporter, story_in):
    article = story_in("draft", reporter, headline="Reporter draft")
    response = editor_client.get(change_url(article))
    assert response.status_code == 200
    assert "/preview/" in response.content.decode()


def test_reporter_cannot_list_a_colleagues_draft_revisions(reporter_client, colleague, story_in):
    article = story_in("draft", colleague, headline="Colleague story")
    revisions.record_revision(article=article, user=colleague)
    response = reporter_client.get(reverse("admin:articles_article_revisions", args=[article.pk]))
    assert response.status_code == 404
    assert "Colleague" not in response.content.decode()


def test_reporter_cannot_diff_a_colleagues_draft_revisions(reporter_client, colleague, story_in):
    article = story_in("draft", colleague, headline="Colleague story")
    revisions.record_revision(article=article, user=colleague)
    article.headline = "Colleague second headline"
    article.save()
    revisions.bump_version(article)
    revisions.record_revision(article=article, user=colleague)
    url = reverse("admin:articles_article_revision_diff", args=[article.pk, 1, 2])
    response = reporter_client.get(url)
    assert response.status_code == 404
    assert "second headline" not in response.content.decode()


def test_reporter_cannot_restore_a_colleagues_draft_revision(reporter_client, colleague, story_in):
    article = story_in("draft", colleague, headline="First headline")
    revisions.record_revision(article=article, user=colleague)
    Article.objects.filter(pk=article.pk).update(headline="Second headline")
    url = reverse("admin:articles_article_revision_restore", args=[article.pk, 1])
    assert reporter_client.post(url).status_code == 404
    article.refresh_from_db()
    assert article.headline == "Second headline"
    assert Revision.objects.filter(article=article).count() == 1


def test_reporter_lists_their_own_draft_revisions(reporter_client, reporter, story_in):
    article = story_in("draft", reporter, headline="My draft")
    revisions.record_revision(article=article, user=reporter)
    response = reporter_client.get(reverse("admin:articles_article_revisions", args=[article.pk]))
    assert response.status_code == 200
    assert "My draft" in response.content.decode()


def test_editor_lists_a_reporters_draft_revisions(editor_client, reporter, story_in):
    article = story_in("draft", reporter, headline="Reporter draft")
    revisions.record_revision(article=article, user=reporter)
    response = editor_client.get(reverse("admin:articles_article_revisions", args=[article.pk]))
    assert response.status_code == 200


# --- the public URL ----------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["draft", "review", "scheduled"])
def test_reporter_gets_404_for_a_colleagues_story_on_its_public_url(
    reporter_client, colleague, story_in, state
):
    article = story_in(state, colleague, headline="Colleague story")
    response = reporter_client.get(article.get_absolute_url())
    assert response.status_code == 404
    assert "Colleague" not in response.content.decode()


def test_reporter_gets_410_for_a_colleagues_unpublished_story_like_readers(
    reporter_client, colleague, story_in
):
    article = story_in("unpublished", colleague, headline="Colleague story")
    response = reporter_client.get(article.get_absolute_url())
    assert response.status_code == 410
    assert "not visible to readers" not in response.content.decode()


def test_reporter_cannot_read_a_colleagues_embargoed_draft(reporter_client, colleague, story_in):
    embargo = timezone.now() + timedelta(days=1)
    article = story_in("draft", colleague, headline="Embargoed results", embargo_until=embargo)
    response = reporter_client.get(article.get_absolute_url())
    assert response.status_code == 404
    assert "Embargoed results" not in response.content.decode()


def test_reporter_previews_their_own_draft_on_its_public_url(reporter_client, reporter, story_in):
    article = story_in("draft", reporter, headline="My draft")
    response = reporter_client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "not visible to readers" in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_editor_previews_a_reporters_draft_on_its_public_url(editor_client, reporter, story_in):
    article = story_in("draft", reporter, headline="Reporter draft")
    response = editor_client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "Reporter draft" in response.content.decode()


def test_reporter_reads_a_colleagues_live_story(reporter_client, colleague, make_article):
    article = make_article(headline="Live story", created_by=colleague)
    response = reporter_client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "not visible to readers" not in response.content.decode()


# --- the policy itself -------------------------------------------------------------------------


def test_viewable_is_live_stories_and_the_reporters_own(reporter, colleague, make_article, story_in):
    live = make_article(created_by=colleague)
    own = [story_in(state, reporter) for state in HIDDEN_STATES]
    for state in HIDDEN_STATES:
        story_in(state, colleague)
    seen = policy.viewable(reporter, Article.objects.all())
    assert set(seen) == {live, *own}


def test_viewable_is_every_story_for_an_editor(editor, reporter, story_in):
    stories = [story_in(state, reporter) for state in HIDDEN_STATES]
    assert set(policy.viewable(editor, Article.objects.all())) == set(stories)


def test_inactive_reporter_views_no_unpublished_story_of_their_own(reporter, story_in):
    article = story_in("draft", reporter)
    reporter.is_active = False
    assert not policy.can_view(reporter, article)
    assert not policy.viewable(reporter, Article.objects.all()).exists()
