"""The admin's story list: a fixed number of queries however large the archive, and every tool editors
use on it (search, filters, sorting, bulk actions) still working."""

import re
from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article

pytestmark = pytest.mark.django_db

LIST_URL = reverse("admin:articles_article_changelist")
# Session, user, two-factor device and permissions (5), the publish-time span, sections, sources, the count
# (an estimate and, for a list this small, the exact figure), the admin menu's two checks, the page of
# stories and their bylines.
LIST_QUERY_BUDGET = 14


def headlines(response) -> list[str]:
    """The headlines listed, top to bottom."""
    assert response.status_code == 200
    return re.findall(r'<th class="field-headline"><a href="[^"]*">([^<]*)</a>', response.content.decode())


def at(year, month=6, day=15):
    return timezone.make_aware(datetime(year, month, day, 12, 0))


@pytest.fixture
def archive(make_article, make_section, make_author, make_source, make_photo, section):
    """Stories as the archive holds them: sub-sections, several bylines, tags, sources and a photo."""
    europe = make_section(name="Europe", slug="europe", parent=section)
    photo = make_photo()
    authors = [make_author(), make_author()]
    source = make_source()

    def add(count):
        for i in range(count):
            make_article(
                section=europe if i % 2 else section,
                lead_photo=photo,
                authors=authors,
                sources=[source],
                tags=["politics", f"tag {Article.objects.count()}"],
            )

    return add


def _list_queries(client, **params) -> int:
    # The first view counts the top tags and bylines for the filters; they are then cached.
    client.get(LIST_URL, params)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST_URL, params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("count", [3, 30])
def test_list_queries_stay_within_budget(editor_client, django_assert_max_num_queries, archive, count):
    archive(count)
    editor_client.get(LIST_URL)
    with django_assert_max_num_queries(LIST_QUERY_BUDGET):
        response = editor_client.get(LIST_URL)
    assert len(headlines(response)) == min(count, 25)


def test_list_queries_do_not_grow_with_the_archive(editor_client, archive):
    archive(3)
    few = _list_queries(editor_client)
    archive(27)
    assert _list_queries(editor_client) == few


def test_search_queries_do_not_grow_with_the_matches(editor_client, archive, make_article):
    archive(3)
    make_article(headline="Ceasefire holds")
    few = _list_queries(editor_client, q="ceasefire")
    for i in range(30):
        make_article(headline=f"Ceasefire day {i}", authors=[], tags=["politics"])
    assert _list_queries(editor_client, q="ceasefire") == few <= LIST_QUERY_BUDGET


def test_list_shows_the_columns_editors_use(editor_client, make_article, make_section, make_author, section,
                                            make_photo):  # fmt: skip
    europe = make_section(name="Europe", slug="europe", parent=section)
    author = make_author(name="Ana Ruiz", slug="ana-ruiz")
    make_article(
        headline="Summit opens",
        section=europe,
        authors=[author],
        lead_photo=make_photo(),
        published_at=at(2024),
    )
    html = editor_client.get(LIST_URL).content.decode()
    row = re.search(r"<tr>(?:(?!</tr>).)*Summit opens.*?</tr>", html, re.S).group(0)
    assert "World › Europe" in row
    assert '<td class="field-state">Published</td>' in row
    assert '<span class="nowrap">15 Jun 2024,</span> <span class="nowrap">12:00</span>' in row
    assert '<a href="?author=ana-ruiz">Ana Ruiz</a>' in row
    assert "<img" in row


def test_search_finds_headline_standfirst_and_slug(editor_client, make_article):
    make_article(headline="Ceasefire talks resume")
    make_article(headline="Markets rally", standfirst="Shares rose after the ceasefire.")
    make_article(headline="Talks in Doha", slug="doha-ceasefire-talks")
    make_article(headline="Unrelated story")
    found = headlines(editor_client.get(LIST_URL, {"q": "ceasefire"}))
    assert sorted(found) == ["Ceasefire talks resume", "Markets rally", "Talks in Doha"]


def test_search_finds_nothing_for_an_absent_word(editor_client, make_article):
    make_article(headline="Ceasefire talks resume")
    assert headlines(editor_client.get(LIST_URL, {"q": "zzqx"})) == []


def test_state_filter(editor_client, make_article):
    make_article(headline="Live story")
    make_article(headline="Draft story", status=Article.Status.DRAFT)
    make_article(headline="Scheduled story", published_at=timezone.now() + timezone.timedelta(days=1))
    assert headlines(editor_client.get(LIST_URL, {"state": "draft"})) == ["Draft story"]
    assert headlines(editor_client.get(LIST_URL, {"state": "scheduled"})) == ["Scheduled story"]
    assert headlines(editor_client.get(LIST_URL, {"state": "published"})) == ["Live story"]


def test_section_filter_names_sub_sections_with_their_parent(editor_client, make_article, make_section,
                                                             section):  # fmt: skip
    europe = make_section(name="Europe", slug="europe", parent=section)
    make_article(headline="In Europe", section=europe)
    make_article(headline="In World", section=section)
    html = editor_client.get(LIST_URL).content.decode()
    assert f'<a href="?section__id__exact={europe.pk}">World › Europe</a>' in html
    assert headlines(editor_client.get(LIST_URL, {"section__id__exact": europe.pk})) == ["In Europe"]


def test_tag_filter_offers_the_most_used_tags_and_takes_any_tag(editor_client, make_article):
    for i in range(30):
        make_article(headline=f"Common {i}", tags=["common", f"tag {i}", f"second {i}"])
    make_article(headline="Rare story", tags=["unusual"])
    html = editor_client.get(LIST_URL).content.decode()
    assert '<a href="?tag=common">common</a>' in html and "?tag=unusual" not in html
    response = editor_client.get(LIST_URL, {"tag": "unusual"})
    assert headlines(response) == ["Rare story"]
    assert '<a href="?tag=unusual">unusual</a>' in response.content.decode()
    assert len(headlines(editor_client.get(LIST_URL, {"tag": "common"}))) == 25


def test_an_unknown_tag_lists_nothing(editor_client, make_article):
    make_article(headline="Tagged", tags=["politics"])
    assert headlines(editor_client.get(LIST_URL, {"tag": "no-such-tag"})) == []


def test_byline_filter_lists_that_bylines_stories(editor_client, make_article, make_author):
    ana, ben = make_author(name="Ana Ruiz", slug="ana-ruiz"), make_author(name="Ben Ode", slug="ben-ode")
    make_article(headline="By Ana", authors=[ana])
    make_article(headline="By Ben", authors=[ben])
    make_article(headline="By both", authors=[ben, ana])
    html = editor_client.get(LIST_URL).content.decode()
    assert '<a href="?author=ana-ruiz">Ana Ruiz</a>' in html
    assert sorted(headlines(editor_client.get(LIST_URL, {"author": "ana-ruiz"}))) == ["By Ana", "By both"]


def test_source_filter(editor_client, make_article, make_source):
    agency = make_source(name="Al Jazeera")
    make_article(headline="Attributed", sources=[agency])
    make_article(headline="Our own")
    assert headlines(editor_client.get(LIST_URL, {"sources__id__exact": agency.pk})) == ["Attributed"]


def test_publish_time_filter_by_year_then_month(editor_client, make_article):
    make_article(headline="March 2020", published_at=at(2020, 3))
    make_article(headline="July 2020", published_at=at(2020, 7))
    make_article(headline="2022", published_at=at(2022))
    html = editor_client.get(LIST_URL).content.decode()
    assert all(f'<a href="?published={year}">{year}</a>' in html for year in (2020, 2021, 2022))
    response = editor_client.get(LIST_URL, {"published": "2020"})
    assert sorted(headlines(response)) == ["July 2020", "March 2020"]
    months = re.findall(r'href="\?published=(2020-\d\d)"', response.content.decode())
    assert months == [f"2020-{m:02d}" for m in range(12, 2, -1)]  # none before the oldest story
    assert headlines(editor_client.get(LIST_URL, {"published": "2020-03"})) == ["March 2020"]


def test_publish_time_filter_refuses_a_malformed_value(editor_client, make_article):
    make_article()
    for value in ("20x", "2020-13", "2020-03-01", "9999", "9999-12", "-1"):
        response = editor_client.get(LIST_URL, {"published": value})
        assert response.status_code == 302 and response["Location"].endswith("?e=1")


def test_a_story_in_a_new_year_appears_in_the_publish_time_filter_at_once(editor_client, make_article):
    this_year = timezone.localtime().year
    make_article(headline="This year", published_at=at(this_year, 1, 1))
    assert f"?published={this_year + 1}" not in editor_client.get(LIST_URL).content.decode()
    make_article(headline="Next year", published_at=at(this_year + 1, 1, 2))
    html = editor_client.get(LIST_URL).content.decode()
    assert f'<a href="?published={this_year + 1}">{this_year + 1}</a>' in html
    assert headlines(editor_client.get(LIST_URL, {"published": this_year + 1})) == ["Next year"]


def test_sorting_by_publish_time_and_headline(editor_client, make_article):
    make_article(headline="Beta", published_at=at(2020))
    make_article(headline="Alpha", published_at=at(2021))
    make_article(headline="Gamma", published_at=at(2022))
    html = editor_client.get(LIST_URL).content.decode()
    assert headlines(editor_client.get(LIST_URL)) == ["Gamma", "Alpha", "Beta"]
    # What clicking each column's title asks for.
    oldest_first = re.search(r'<a role="button" href="([^"]*)">Publish time</a>', html).group(1)
    assert headlines(editor_client.get(LIST_URL + oldest_first)) == ["Beta", "Alpha", "Gamma"]
    by_headline = re.search(r'<a role="button" href="([^"]*)">Headline</a>', html).group(1)
    assert headlines(editor_client.get(LIST_URL + by_headline)) == ["Alpha", "Beta", "Gamma"]


def test_editor_publishes_the_rows_ticked_in_the_list(editor_client, make_article):
    draft = make_article(headline="Ready to go", status=Article.Status.DRAFT)
    html = editor_client.get(LIST_URL).content.decode()
    assert f'name="_selected_action" value="{draft.pk}"' in html
    assert '<option value="publish_selected">' in html
    editor_client.post(LIST_URL, {"action": "publish_selected", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.is_live


def test_reporter_is_not_offered_the_publish_action(reporter_client, make_article, reporter):
    make_article(headline="Reporter draft", status=Article.Status.DRAFT, created_by=reporter)
    html = reporter_client.get(LIST_URL).content.decode()
    assert '<option value="submit_selected">' in html
    assert "publish_selected" not in html


def test_facet_counts_are_not_offered(editor_client, make_article):
    make_article(tags=["politics"])
    assert "_facets" not in editor_client.get(LIST_URL).content.decode()
    assert _list_queries(editor_client, _facets="True") <= LIST_QUERY_BUDGET
