import pytest
from django.urls import reverse
from django.utils import timezone

from articles.frontpage import services as fronts
from articles.models import FrontLayout
from newsroom.readers.models import Issue, IssueItem, Newsletter, Reader, Subscription

ORIGIN = {"HTTP_ORIGIN": "http://testserver"}


@pytest.fixture
def newsletter(db):
    return Newsletter.objects.create(
        name="The Morning Brief", slug="brief", offered_site_wide=True, schedule="Daily"
    )


def audience(newsletter, emails) -> list[Reader]:
    """Confirmed subscribers of `newsletter`, in two queries however many."""
    now = timezone.now()
    readers = Reader.objects.bulk_create([Reader(email=e) for e in emails])
    Subscription.objects.bulk_create(
        Subscription(
            reader=r, newsletter=newsletter, status="confirmed", consent_at=now, consent_source="footer"
        )
        for r in readers
    )
    return readers


def build(client, *newsletters):
    """The admin's "Build an issue" action on the newsletter list."""
    data = {"action": "build_issue", "_selected_action": [n.pk for n in newsletters], "index": 0}
    return client.post(reverse("admin:readers_newsletter_changelist"), data)


@pytest.fixture
def arrange(editor, commit):
    """arrange(stories, section=None): a front layout saved by an editor through the service."""

    def make(stories, *, section=None):
        layout = FrontLayout(section=section, live_from=timezone.now())
        return commit(fronts.save_layout, layout=layout, user=editor, stories=list(stories), sections=[])

    return make


@pytest.fixture
def draft(newsletter):
    issue = Issue.objects.create(newsletter=newsletter, subject="Tuesday's briefing", intro="Good morning.")
    IssueItem.objects.create(
        issue=issue,
        position=0,
        headline="Harbour fire contained",
        standfirst="Crews worked through the night.",
        url="https://news.example/world/harbour-fire/",
        kicker="World",
        image_url="https://news.example/media/renditions/fire.jpg",
        image_alt="Firefighters at the harbour",
        image_width=960,
        image_height=540,
    )
    IssueItem.objects.create(
        issue=issue, position=1, headline="Budget vote delayed", url="https://news.example/world/budget/"
    )
    return issue
