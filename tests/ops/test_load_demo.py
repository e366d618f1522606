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

from articles.models import Article, Author, PendingVersion, Photo, Revision, Transition
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
    assert Article.objects.published().count() == 12
    assert all(story.is_live for story in Article.objects.published())


def test_every_demo_story_has_a_revision():
    assert Article.objects.count() == 18
    assert not Article.objects.filter(revisions__isnull=True).exists()


def test_the_new_stories_reuse_photos_instead_of_making_new_ones():
    assert Photo.objects.count() == 12


def test_a_second_run_changes_no_counts():
    before = counts()
    call_command("load_demo", stdout=io.StringIO())
    assert counts() == before


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
