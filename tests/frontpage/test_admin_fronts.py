"""Arranging a front in the admin: the editor's order saved and shown, every mistake a form error (never a
500, nothing half-saved), and reporters kept out of every screen and endpoint."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from articles.frontpage import services
from articles.models import Article, FrontLayout, FrontStory
from articles.publishing import workflow
from tests.helpers import filled_form

pytestmark = pytest.mark.django_db

ADD = reverse("admin:articles_frontlayout_add")
LIST = reverse("admin:articles_frontlayout_changelist")
STORIES = reverse("admin:articles_frontlayout_stories")


def change_url(layout):
    return reverse("admin:articles_frontlayout_change", args=[layout.pk])


def form(client, url=ADD, **fields):
    return filled_form(client, url, "frontlayout_form", **fields)


def rows(**stories) -> dict:
    """{"0": article, "1": (article, "2")} -> the story rows' fields (an article, or one with a position)."""
    data = {}
    for index, value in stories.items():
        article, position = value if isinstance(value, tuple) else (value, "")
        data[f"stories-{index}-article"] = str(article.pk) if hasattr(article, "pk") else article
        data[f"stories-{index}-position"] = position
    return data


def chosen(layout) -> list[str]:
    return list(FrontStory.objects.filter(layout=layout).values_list("article__headline", flat=True))


def errors_shown(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def three(make_article):
    return [make_article(headline=name) for name in ("Alpha", "Bravo", "Charlie")]


def test_an_editor_arranges_the_home_page_and_readers_see_it(editor_client, client, three):
    response = editor_client.post(ADD, form(editor_client, **rows(**{"0": three[2], "1": three[0]})))
    assert response.status_code == 302
    layout = FrontLayout.objects.get()
    assert layout.section is None and chosen(layout) == ["Charlie", "Alpha"]
    assert layout.updated_by.username == "ed"
    client.logout()
    home = client.get("/").content.decode()
    assert home.index("Charlie") < home.index("Alpha") < home.index("Bravo")


def test_a_number_typed_on_a_row_moves_it_there(editor_client, three, arrange):
    layout = arrange(three)
    data = form(editor_client, change_url(layout), **{"stories-2-position": "1"})
    assert editor_client.post(change_url(layout), data).status_code == 302
    assert chosen(layout) == ["Charlie", "Alpha", "Bravo"]
    assert list(FrontStory.objects.filter(layout=layout).values_list("position", flat=True)) == [1, 2, 3]


def test_a_row_marked_for_deletion_leaves_the_front(editor_client, three, arrange):
    layout = arrange(three)
    data = form(editor_client, change_url(layout), **{"stories-0-DELETE": "on"})
    assert editor_client.post(change_url(layout), data).status_code == 302
    assert chosen(layout) == ["Bravo", "Charlie"]


def test_the_same_story_twice_is_a_form_error(editor_client, three):
    html = errors_shown(
        editor_client.post(ADD, form(editor_client, **rows(**{"0": three[0], "1": three[0]})))
    )
    assert "“Alpha” is on this front twice." in html
    assert not FrontLayout.objects.exists()


@pytest.mark.parametrize(
    ("status", "why"),
    [
        (Article.Status.DRAFT, "is not published (draft)"),
        (Article.Status.REVIEW, "is not published (in review)"),
        (Article.Status.UNPUBLISHED, "is not published (unpublished)"),
    ],
)
def test_a_story_readers_cannot_see_is_refused(editor_client, make_article, status, why):
    story = make_article(headline="Not out", status=status)
    html = errors_shown(editor_client.post(ADD, form(editor_client, **rows(**{"0": story}))))
    assert f"“Not out” {why}: readers would not see it." in html
    assert not FrontLayout.objects.exists()


def test_a_trashed_story_is_refused(editor_client, make_article, editor):
    story = make_article(headline="Binned")
    workflow.trash(article=story, user=editor)
    html = errors_shown(editor_client.post(ADD, form(editor_client, **rows(**{"0": story}))))
    assert "“Binned” is in the trash" in html


def test_a_story_scheduled_after_the_layout_is_refused_and_before_it_is_taken(editor_client, make_article):
    at = timezone.now() + timedelta(hours=3)
    story = make_article(headline="Later", published_at=at)
    html = errors_shown(editor_client.post(ADD, form(editor_client, **rows(**{"0": story}))))
    assert "“Later” is scheduled for" in html and "after this front takes over" in html
    later = timezone.localtime(at + timedelta(hours=1))
    data = form(editor_client, **rows(**{"0": story}))
    data |= {"live_from_0": later.strftime("%d/%m/%Y"), "live_from_1": later.strftime("%H:%M:%S")}
    assert editor_client.post(ADD, data).status_code == 302
    assert chosen(FrontLayout.objects.get()) == ["Later"]


def test_a_section_front_has_room_for_five_stories_and_no_section_blocks(
    editor_client, make_article, section
):
    stories = [make_article(headline=f"S{i}") for i in range(6)]
    data = form(editor_client, section=str(section.pk), **rows(**{str(i): s for i, s in enumerate(stories)}))
    data |= {"sections-0-section": str(section.pk)}
    html = errors_shown(editor_client.post(ADD, data))
    assert "World front has room for 5 stories, not 6." in html
    assert "Only the home page has section blocks." in html
    assert not FrontLayout.objects.exists()


JUNK = ["abc", "1.5", "-", "9999999999999999999999", "\x00"]


@pytest.mark.parametrize("junk", JUNK)
@pytest.mark.parametrize(
    "field", ["stories-0-article", "stories-0-position", "sections-0-section", "section", "live_from_0"]
)
def test_junk_in_any_field_is_a_form_error(editor_client, three, field, junk):
    data = form(editor_client, **rows(**{"0": three[0]}))
    data[field] = junk
    html = errors_shown(editor_client.post(ADD, data))
    assert "errornote" in html or "errorlist" in html
    assert not FrontLayout.objects.exists()


def test_a_tampered_list_is_a_form_error(editor_client, three):
    data = form(editor_client, **rows(**{"0": three[0]}))
    del data["stories-TOTAL_FORMS"]
    html = errors_shown(editor_client.post(ADD, data))
    assert "ManagementForm data is missing" in html
    data = form(editor_client, **rows(**{"0": three[0]}))
    data["stories-TOTAL_FORMS"] = "100000"
    errors_shown(editor_client.post(ADD, data))
    assert not FrontLayout.objects.exists()


def test_the_layout_readers_see_is_not_moved_later_but_saved_as_new(editor_client, three, arrange):
    layout = arrange(three[:2])
    # Eight hours on, whatever the time of day (a fixed 06:00 was earlier, not later, after 06:00).
    later = timezone.localtime(timezone.now() + timedelta(hours=8)).replace(second=0, microsecond=0)
    at = {"live_from_0": later.strftime("%d/%m/%Y"), "live_from_1": later.strftime("%H:%M:%S")}
    data = form(editor_client, change_url(layout), **at)
    html = errors_shown(editor_client.post(change_url(layout), data))
    assert "Readers see this layout now" in html
    assert FrontLayout.objects.get().live_from == layout.live_from

    data = form(
        editor_client,
        change_url(layout),
        **at,
        **{"_saveasnew": "Save as new", "stories-2-article": str(three[2].pk)},
    )
    assert editor_client.post(change_url(layout), data).status_code == 302
    copy = FrontLayout.objects.exclude(pk=layout.pk).get()
    assert timezone.localtime(copy.live_from) == later
    assert chosen(copy) == ["Alpha", "Bravo", "Charlie"] and chosen(layout) == ["Alpha", "Bravo"]


def test_two_layouts_of_a_page_at_the_same_time_is_a_form_error(editor_client, three, arrange):
    layout = arrange(three[:1])
    data = form(editor_client, change_url(layout), _saveasnew="Save as new")
    html = errors_shown(editor_client.post(change_url(layout), data))
    assert "This page already has a layout starting at that time." in html
    assert FrontLayout.objects.count() == 1


def test_a_kept_story_that_left_publication_may_stay_with_a_warning(editor_client, three, arrange, editor):
    layout = arrange(three)
    workflow.unpublish(article=three[1], user=editor)
    response = editor_client.post(change_url(layout), form(editor_client, change_url(layout)))
    assert response.status_code == 302
    assert chosen(layout) == ["Alpha", "Bravo", "Charlie"]
    warnings = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("“Bravo” is not published (unpublished): it is not shown" in m for m in warnings)
    page = editor_client.get(change_url(layout)).content.decode()
    assert "Not shown: it is not published (unpublished)." in page


def test_the_change_form_shows_what_readers_will_see(editor_client, three, arrange):
    layout = arrange([three[2]])
    html = editor_client.get(change_url(layout)).content.decode()
    assert "Readers see this layout now" in html
    assert (
        "Lead: Charlie" in html
        and "(chosen)" in html
        and "Alpha <span class='quiet'>(newest, filled in)" in html
    )


def test_deleting_the_layout_in_force_brings_back_the_one_before(editor_client, three, arrange, client):
    arrange([three[1]], live_from=timezone.now() - timedelta(hours=1))
    latest = arrange([three[2]])
    delete = reverse("admin:articles_frontlayout_delete", args=[latest.pk])
    assert editor_client.post(delete, {"post": "yes"}).status_code == 302
    client.logout()
    home = client.get("/").content.decode()
    assert home.index("Bravo") < home.index("Alpha")


def test_the_list_says_which_layout_is_on_each_page(
    editor_client, three, arrange, section, django_assert_max_num_queries
):
    arrange([three[0]], live_from=timezone.now() - timedelta(hours=1))
    arrange([three[1]])
    arrange([three[2]], live_from=timezone.now() + timedelta(hours=5))
    arrange([three[0]], section=section)
    with django_assert_max_num_queries(12):
        html = editor_client.get(LIST).content.decode()
    assert html.count("On the page now") == 2
    assert html.count("Scheduled") == 1 and html.count("Replaced") == 1


def test_the_story_search_offers_only_stories_readers_can_or_will_see(editor_client, make_article, editor):
    make_article(headline="Harbour live")
    make_article(headline="Harbour soon", published_at=timezone.now() + timedelta(hours=2))
    make_article(headline="Harbour draft", status=Article.Status.DRAFT)
    binned = make_article(headline="Harbour binned")
    workflow.trash(article=binned, user=editor)
    params = {"term": "harbour", "app_label": "articles", "model_name": "frontstory", "field_name": "article"}
    found = [r["text"] for r in editor_client.get(STORIES, params).json()["results"]]
    assert len(found) == 2
    assert found[0].startswith("Harbour soon · World,") and found[0].endswith("(scheduled)")
    assert found[1].startswith("Harbour live · World,")


def test_reporters_cannot_arrange_a_front(reporter_client, reporter, three, arrange):
    layout = arrange(three[:1])
    for url in (LIST, ADD, change_url(layout)):
        assert reporter_client.get(url).status_code == 403, url
    assert reporter_client.post(ADD, {"stories-0-article": three[1].pk}).status_code == 403
    params = {"term": "a", "app_label": "articles", "model_name": "frontstory", "field_name": "article"}
    assert reporter_client.get(STORIES, params).status_code == 403
    assert "Front page layouts" not in reporter_client.get(reverse("admin:index")).content.decode()
    with pytest.raises(PermissionDenied):
        services.save_layout(layout=FrontLayout(), user=reporter, stories=[three[1]])
    assert chosen(layout) == ["Alpha"]


def test_a_section_front_is_arranged_without_section_blocks(editor_client, make_article, section, arrange):
    stories = [make_article(headline=f"S{i}") for i in range(3)]
    layout = arrange(stories[:1], section=section)
    page = editor_client.get(change_url(layout)).content.decode()
    assert 'id="stories-group"' in page and 'id="sections-group"' not in page
    data = form(editor_client, change_url(layout), **rows(**{"1": stories[2]}))
    assert editor_client.post(change_url(layout), data).status_code == 302
    assert chosen(layout) == ["S0", "S2"]
