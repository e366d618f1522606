"""The demo content: stories in every state of the desk, written through the services by the right people,
and a second run that adds nothing.

load_demo takes about twenty seconds (the photos' renditions), so it runs once for this module, inside a
transaction rolled back after the module's last test; each test runs in a savepoint within it.
"""

import io
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from taggit.models import Tag

from articles.frontpage import selectors as fronts
from articles.models import (
    Article,
    Author,
    BreakingBanner,
    FrontLayout,
    FrontStory,
    PendingVersion,
    Photo,
    Revision,
    Section,
    Transition,
)
from newsroom.ops.demo_blocks import STORY as BLOCK_STORY
from newsroom.ops.demo_desk import PENDING_CHANGE

pytestmark = pytest.mark.django_db

Status = Article.Status


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("demo-media"))):
            call_command("load_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def counts() -> dict[str, int]:
    models = (Article, Photo, Revision, Transition, Tag, User, Author)
    models += (FrontLayout, FrontStory, BreakingBanner)
    return {model.__name__: model.objects.count() for model in models}


def last_transition(article) -> Transition:
    return article.transitions.order_by("-at", "-pk").first()


@pytest.mark.parametrize("username", ["reporter", "reporter2"])
def test_each_demo_reporter_has_a_draft_of_their_own(username):
    assert Article.objects.filter(status=Status.DRAFT, created_by__username=username).exists()


def test_the_second_reporter_signs_in_as_a_reporter_with_a_byline():
    user = User.objects.get(username="reporter2")
    assert user.check_password("reporter2-demo-pass") and user.is_staff
    assert list(user.groups.values_list("name", flat=True)) == ["Reporters"]
    assert Author.objects.get(user=user).name == "Daniel Mensah"


def test_a_story_waits_in_review_as_its_reporter_submitted_it():
    story = Article.objects.get(status=Status.REVIEW)
    step = last_transition(story)
    assert (step.action, step.user) == ("submit_for_review", story.created_by)
    assert story.created_by.groups.filter(name="Reporters").exists()


def test_a_story_was_sent_back_to_its_reporter_by_the_editor():
    returned = [s for s in Article.objects.filter(status=Status.DRAFT) if s.transitions.exists()]
    assert [last_transition(s).action for s in returned] == ["return_to_draft"]
    assert last_transition(returned[0]).user.username == "editor"
    assert returned[0].created_by.username in ("reporter", "reporter2")


def test_a_story_is_scheduled_by_the_editor_for_tomorrow_morning():
    story = Article.objects.scheduled().get(embargo_until__isnull=True)
    published = timezone.localtime(story.published_at)
    assert published.date() == timezone.localdate() + timedelta(days=1) and published.hour < 12
    assert (last_transition(story).action, last_transition(story).user.username) == ("schedule", "editor")


def test_an_embargoed_story_is_scheduled_after_its_embargo_lifts():
    story = Article.objects.scheduled().get(embargo_until__isnull=False)
    assert timezone.now() < story.embargo_until < story.published_at
    assert story.created_by.username in ("reporter", "reporter2")


def test_the_published_demo_stories_are_live():
    assert Article.objects.published().count() == 14  # twelve stories, the block story and the live story
    assert all(story.is_live for story in Article.objects.published())


def test_every_demo_story_has_a_revision():
    assert Article.objects.count() == 20  # the block and live stories included
    assert not Article.objects.filter(revisions__isnull=True).exists()


def test_the_new_stories_reuse_photos_instead_of_making_new_ones():
    # Twelve stories' own photos, and the block story's lead and inline photo.
    assert Photo.objects.count() == 14


def test_the_block_story_shows_every_block_and_two_embeds(client):
    story = Article.objects.published().get(slug=BLOCK_STORY["slug"])
    for kind in ("pullquote", "photo", "readmore", "factbox"):
        assert f'data-block="{kind}"' in story.body
    html = client.get(story.get_absolute_url()).content.decode()
    assert html.count('class="embed embed-') == 2 and 'class="pull-quote"' in html
    assert 'class="fact-box"' in html and '<p class="read-more">' in html and "<!--" not in html


def test_a_second_run_changes_no_counts():
    before = counts()
    call_command("load_demo", stdout=io.StringIO())
    assert counts() == before


def test_the_home_page_leads_with_the_editors_choice_not_the_newest_story():
    home = fronts.front_stories(count=9)
    newest = Article.objects.published().first()
    assert home[0].slug == "ceasefire-talks-resume-in-neutral-capital" != newest.slug
    assert [s.slug for s in fronts.home_sections()][:4] == ["world", "politics", "business", "climate"]
    layout = FrontLayout.objects.get(section__isnull=True, live_from__lte=timezone.now())
    assert layout.updated_by.username == "editor"


def test_tomorrows_morning_front_waits_for_its_scheduled_lead():
    morning = FrontLayout.objects.get(live_from__gt=timezone.now())
    lead = morning.stories.order_by("position").first().article
    assert lead.is_scheduled and lead.published_at <= morning.live_from
    assert fronts.front_stories(count=9, at=morning.live_from)[0] == lead


def test_a_section_front_and_a_breaking_banner_are_up():
    assert fronts.chosen_stories(Section.objects.get(slug="business"))[0].slug.startswith("rail-freight")
    banner = BreakingBanner.objects.showing().get()
    assert banner.created_by.username == "editor" and banner.link.startswith("/middle-east/ceasefire")


def test_a_live_demo_story_has_changes_waiting():
    waiting = PendingVersion.objects.select_related("article").get()
    assert waiting.article.slug == PENDING_CHANGE["slug"] and waiting.article.is_live
    assert waiting.data["headline"] == PENDING_CHANGE["headline"] != waiting.article.headline


def test_the_sent_back_story_carries_the_editors_note():
    sent_back = Transition.objects.get(action="return_to_draft")
    assert sent_back.note and sent_back.user.username == "editor"


def test_loading_the_demo_emails_nobody(mailoutbox, django_capture_on_commit_callbacks):
    # The module's load ran before this test's outbox existed: load once more, in a savepoint, with the
    # story in review to write again (its submission would tell the editors), and count what it sends.
    in_review = list(Article.objects.filter(status=Status.REVIEW).values_list("slug", flat=True))
    Article.objects.filter(slug__in=in_review).delete()
    # The module's transaction never commits: run what a commit would run.
    with (
        override_settings(MEDIA_ROOT=str(Path(tempfile.mkdtemp()))),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("load_demo", stdout=io.StringIO())
    assert Article.objects.filter(slug__in=in_review, status=Status.REVIEW).count() == len(in_review) > 0
    assert mailoutbox == []


def test_a_live_story_with_a_dozen_entries():
    from articles.models import LiveEntry
    from newsroom.ops.demo_live import SLUG

    story = Article.objects.published().get(slug=SLUG)
    assert story.live_coverage.is_open
    entries = LiveEntry.objects.filter(article=story, status="published")
    assert entries.count() == 12
    assert entries.filter(pinned=True).count() == 1 and entries.filter(key_event=True).count() == 2
    assert entries.exclude(embed_url="").count() == 1 and entries.exclude(photo=None).count() == 1
    assert entries.exclude(correction="").count() == 1
    # The reporter's entry waited and the editor approved it, as the desk does.
    reporters = entries.filter(created_by__username="reporter").get()
    assert reporters.edits.filter(action="approve", user__username="editor").exists()
    call_command("load_demo", stdout=io.StringIO())
    assert LiveEntry.objects.count() == 12
