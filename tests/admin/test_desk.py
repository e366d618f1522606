"""The desk: the admin's home page for editorial staff, panel by panel, in a fixed number of queries."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, EditLock, Transition
from articles.publishing import workflow

pytestmark = pytest.mark.django_db

DESK = "/admin/"
Status = Article.Status
# Session, user, two-factor device, permissions (5); one LIMITed query and one count per panel, the sent-back
# panel reading its transitions once more (15); the wire's items and counts (2); Django's list of models,
# built twice (4).
DESK_QUERY_BUDGET = 26


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def panel(html, key):
    """The markup of one panel."""
    found = re.search(rf'<section class="module desk-panel" id="desk-{key}".*?</section>', html, re.S)
    assert found, f"no panel {key}"
    return found.group(0)


def stamp(moment):
    """A <time datetime> value: local time to the second, with its offset (valid HTML, unlike isoformat)."""
    return f"{timezone.localtime(moment):%Y-%m-%dT%H:%M:%S%z}"


def count_of(html, key):
    return int(re.search(r'<span class="desk-count">\((\d+)\)</span>', panel(html, key)).group(1))


def staff(username, group):
    user = User.objects.create_user(username, f"{username}@example.org", "pw-Secret-123", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def desk_of(client):
    def get(user):
        client.force_login(user)
        response = client.get(DESK)
        assert response.status_code == 200
        return response.content.decode()

    return get


@pytest.fixture
def stories(make_article, reporter, editor):
    """One story for each panel, the reporter's, and the same again by someone else."""
    now = timezone.now()
    other = staff("rep2", "Reporters")
    made = {}
    for owner, tag in ((reporter, "mine"), (other, "theirs")):
        made[f"review-{tag}"] = make_article(
            headline=f"In review {tag}", status=Status.DRAFT, created_by=owner
        )
        workflow.submit_for_review(article=made[f"review-{tag}"], user=owner, note=f"Note from {tag}")
        made[f"draft-{tag}"] = make_article(headline=f"Draft {tag}", status=Status.DRAFT, created_by=owner)
        back = make_article(headline=f"Sent back {tag}", status=Status.DRAFT, created_by=owner)
        workflow.submit_for_review(article=back, user=owner)
        workflow.return_to_draft(article=back, user=editor, note=f"Why {tag} went back")
        made[f"back-{tag}"] = back
        made[f"scheduled-{tag}"] = make_article(
            headline=f"Scheduled {tag}", published_at=now + timedelta(hours=5), created_by=owner
        )
        made[f"embargoed-{tag}"] = make_article(
            headline=f"Embargoed {tag}",
            status=Status.DRAFT,
            embargo_until=now + timedelta(hours=3),
            created_by=owner,
        )
        made[f"published-{tag}"] = make_article(
            headline=f"Published {tag}", published_at=now - timedelta(hours=2), created_by=owner
        )
        made[f"old-{tag}"] = make_article(
            headline=f"Old news {tag}", published_at=now - timedelta(days=3), created_by=owner
        )
        EditLock.objects.create(
            article=made[f"draft-{tag}"],
            user=editor,
            since=now - timedelta(minutes=4),
            expires_at=now + timedelta(minutes=11),
        )
    made["other"] = other
    return made


# --- what each panel holds ------------------------------------------------------------------------


def test_the_desk_has_a_heading_per_panel_and_keeps_the_model_list_below(desk_of, editor, stories):
    html = desk_of(editor)
    titles = re.findall(r'<h2 id="desk-[\w-]+-heading">([^<]+) <span', html)
    assert titles == [
        "Awaiting review",
        "My drafts",
        "Sent back to me",
        "Scheduled",
        "Embargoed",
        "Published in the last 24 hours",
        "Doing well now",
        "Being edited now",
        "Incoming wire",
    ]
    assert (
        html.index("Incoming wire") < html.index('id="all-models"') < html.index('class="app-articles module')
    )
    assert "<title>Desk |" in html


def test_editors_see_everyones_stories_awaiting_review_with_the_reporters_note(desk_of, editor, stories):
    review = panel(desk_of(editor), "review")
    for tag in ("mine", "theirs"):
        story = stories[f"review-{tag}"]
        assert f'<a href="{change_url(story)}">In review {tag}</a>' in review
        assert f"Note from {tag}" in review
    assert count_of(desk_of(editor), "review") == 2
    assert f'href="{reverse("admin:articles_article_changelist")}?state=review"' in review


def test_reporters_have_no_review_panel(desk_of, reporter, stories):
    html = desk_of(reporter)
    assert 'id="desk-review"' not in html and "Awaiting review" not in html


def test_my_drafts_are_mine_only(desk_of, reporter, stories):
    drafts = panel(desk_of(reporter), "drafts")
    assert "Draft mine" in drafts and "Sent back mine" in drafts
    assert "theirs" not in drafts and "In review" not in drafts


def test_sent_back_shows_the_note_who_and_when(desk_of, reporter, stories):
    back = panel(desk_of(reporter), "sent-back")
    assert "Sent back mine" in back and "Why mine went back" in back and "<td>ed</td>" in back
    transition = Transition.objects.filter(article=stories["back-mine"]).first()
    assert f'<time datetime="{stamp(transition.at)}">' in back
    assert "theirs" not in back and "Draft mine" not in back


def test_a_story_sent_back_then_resubmitted_leaves_the_sent_back_panel(desk_of, reporter, stories):
    workflow.submit_for_review(article=stories["back-mine"], user=reporter)
    assert "Sent back mine" not in panel(desk_of(reporter), "sent-back")


def test_scheduled_embargoed_and_just_published_with_their_times(desk_of, editor, stories):
    html = desk_of(editor)
    scheduled, embargoed, published = (panel(html, key) for key in ("scheduled", "embargoed", "published"))
    assert "Scheduled mine" in scheduled and "Scheduled theirs" in scheduled
    at = timezone.localtime(stories["scheduled-mine"].published_at)
    assert f'<time datetime="{stamp(at)}">{at:%-d %b, %H:%M}</time>' in scheduled
    assert "Embargoed mine" in embargoed and "Published mine" not in embargoed
    until = timezone.localtime(stories["embargoed-mine"].embargo_until)
    assert f'<time datetime="{stamp(until)}">' in embargoed
    assert "Published mine" in published and "Old news" not in published and "Scheduled" not in published


def test_an_embargo_that_has_passed_is_not_listed(desk_of, editor, make_article):
    make_article(
        headline="Was embargoed", status=Status.DRAFT, embargo_until=timezone.now() - timedelta(hours=1)
    )
    assert "Was embargoed" not in panel(desk_of(editor), "embargoed")


def test_being_edited_now_shows_who_has_what_open_since_when(desk_of, editor, reporter, stories):
    editing = panel(desk_of(reporter), "editing")
    assert "Draft mine" in editing and "<td>ed</td>" in editing
    assert "Draft theirs" not in editing  # someone else's story
    lock = EditLock.objects.get(article=stories["draft-mine"])
    assert f'<time datetime="{stamp(lock.since)}">' in editing
    # The editor's own open stories are not news to them.
    assert "Nobody else has a story open." in panel(desk_of(editor), "editing")


def test_an_expired_lock_is_not_listed(desk_of, reporter, editor, make_article):
    story = make_article(headline="Long closed", status=Status.DRAFT, created_by=reporter)
    EditLock.objects.create(article=story, user=editor, expires_at=timezone.now() - timedelta(minutes=1))
    assert "Long closed" not in panel(desk_of(reporter), "editing")


def test_the_wire_panel_says_nothing_has_come_in(desk_of, editor):
    assert "Nothing has come in on the wire yet." in panel(desk_of(editor), "wire")


def test_reporters_see_only_their_own_stories_in_every_panel(desk_of, reporter, stories):
    html = desk_of(reporter)
    for key in ("drafts", "sent-back", "scheduled", "embargoed", "published", "editing"):
        assert "theirs" not in panel(html, key), key
    assert "Scheduled mine" in panel(html, "scheduled") and "Published mine" in panel(html, "published")


def test_trashed_stories_are_not_on_the_desk(desk_of, reporter, editor, stories):
    workflow.trash(article=stories["draft-mine"], user=editor)
    workflow.trash(article=stories["scheduled-mine"], user=editor)
    html = desk_of(reporter)
    assert "Draft mine" not in html and "Scheduled mine" not in html


def test_empty_panels_say_so(desk_of, reporter):
    html = desk_of(reporter)
    assert "You have no drafts." in panel(html, "drafts")
    assert "Nothing is scheduled." in panel(html, "scheduled")
    assert count_of(html, "drafts") == 0


def test_a_panel_shows_ten_rows_and_counts_them_all(desk_of, reporter, make_article):
    for n in range(12):
        make_article(headline=f"Draft no {n}", status=Status.DRAFT, created_by=reporter)
    html = desk_of(reporter)
    drafts = panel(html, "drafts")
    assert drafts.count("<tr>") == 11  # the head and ten stories
    assert count_of(html, "drafts") == 12 and "See all 12" in drafts


def test_see_all_links_open_the_story_list_filtered_the_same_way(client, editor, reporter, stories):
    for user, panels in (
        (editor, {"review": 2, "scheduled": 2, "embargoed": 2, "published": 2}),
        (reporter, {"drafts": 3, "scheduled": 1, "embargoed": 1, "published": 1}),
    ):
        client.force_login(user)
        html = client.get(DESK).content.decode()
        for key, expected in panels.items():
            link = re.search(r'<p class="desk-more"><a href="([^"]+)">', panel(html, key))
            url = link.group(1).replace("&amp;", "&")
            response = client.get(url)
            assert response.status_code == 200, (user, key, url)
            assert response.context["cl"].result_count == count_of(html, key) == expected, (user, key, url)
    # No list filter says "sent back": its link opens the reporter's drafts, which hold them.
    assert re.search(r'<p class="desk-more"><a href="([^"]+)">', panel(html, "sent-back")).group(
        1
    ) == re.search(r'<p class="desk-more"><a href="([^"]+)">', panel(html, "drafts")).group(1)


def test_staff_who_write_no_stories_get_djangos_index(client, db):
    clerk = User.objects.create_user("clerk", "clerk@example.org", "pw-Secret-123", is_staff=True)
    client.force_login(clerk)
    html = client.get(DESK).content.decode()
    assert "desk-panel" not in html and "All models" not in html
    # Django's index, with the one page every member of staff has: their own notification settings.
    assert reverse("admin:accounts_notificationsettings_changelist") in html


def test_the_desk_links_to_the_notification_settings(desk_of, reporter):
    html = desk_of(reporter)
    assert f'href="{reverse("admin:accounts_notificationsettings_changelist")}"' in html


# --- bounded queries ------------------------------------------------------------------------------


def fill(make_article, reporter, editor, n):
    """n stories in each panel of the reporter's and the editor's desks, plus an archive around them."""
    now = timezone.now()
    for i in range(n):
        review = make_article(headline=f"R{i}", status=Status.DRAFT, created_by=reporter)
        workflow.submit_for_review(article=review, user=reporter, note="ready")
        draft = make_article(headline=f"D{i}", status=Status.DRAFT, created_by=reporter)
        workflow.submit_for_review(article=draft, user=reporter)
        workflow.return_to_draft(article=draft, user=editor, note="again")
        make_article(headline=f"S{i}", published_at=now + timedelta(hours=i + 1), created_by=reporter)
        make_article(
            headline=f"E{i}",
            status=Status.DRAFT,
            embargo_until=now + timedelta(hours=i + 1),
            created_by=reporter,
        )
        make_article(headline=f"P{i}", published_at=now - timedelta(minutes=i + 1), created_by=reporter)
        make_article(headline=f"A{i}", published_at=now - timedelta(days=i + 2), created_by=reporter)
        EditLock.objects.create(article=draft, user=editor, expires_at=now + timedelta(minutes=10))


@pytest.mark.parametrize("who", ["editor", "reporter"])
def test_the_desk_costs_the_same_queries_for_3_and_30_stories(client, make_article, reporter, editor, who):
    user = {"editor": editor, "reporter": reporter}[who]
    client.force_login(user)
    counts = []
    for n in (3, 27):  # 3, then 30 in all
        fill(make_article, reporter, editor if who == "reporter" else staff(f"ed{n}", "Editors"), n)
        # The reporter's stories are open in someone else's hands on the editor's desk as well.
        with CaptureQueriesContext(connection) as queries:
            assert client.get(DESK).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[0] <= DESK_QUERY_BUDGET, "\n".join(q["sql"][:150] for q in queries.captured_queries)


def test_the_desk_stays_within_its_query_budget(
    client, make_article, reporter, editor, django_assert_max_num_queries
):
    fill(make_article, reporter, editor, 12)
    client.force_login(editor)
    with django_assert_max_num_queries(DESK_QUERY_BUDGET):
        html = client.get(DESK).content.decode()
    assert count_of(html, "review") == 12 and count_of(html, "published") == 12
