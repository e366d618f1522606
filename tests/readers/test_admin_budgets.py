"""The newsletter screens' query budgets, flat however many newsletters, subscribers and issues, and an
issue's size against Gmail's 100 KB clipping limit."""

import pytest
from django.urls import reverse

from newsroom.readers.models import Issue, Newsletter
from tests.htmlscan import elements
from tests.readers.conftest import audience, build

pytestmark = pytest.mark.django_db

NEWSLETTERS = reverse("admin:readers_newsletter_changelist")
ISSUES = reverse("admin:readers_issue_changelist")
# Sessions, user and permissions, the page's own count and rows, the filters' choices: none per row.
NEWSLETTER_LIST_QUERIES = 10
ISSUE_LIST_QUERIES = 11


def change_url(issue):
    return reverse("admin:readers_issue_change", args=[issue.pk])


@pytest.mark.parametrize("count", [1, 40])
def test_the_newsletter_list_costs_the_same_however_many_subscribers(
    editor_client, make_section, django_assert_max_num_queries, count
):
    for n in range(count):
        kind = {"kind": "section", "section": make_section()} if n % 2 else {}
        newsletter = Newsletter.objects.create(name=f"Letter {n}", slug=f"letter-{n}", **kind)
        audience(newsletter, [f"{n}.{k}@example.org" for k in range(25 if n < 3 else 1)])
    with django_assert_max_num_queries(NEWSLETTER_LIST_QUERIES):
        response = editor_client.get(NEWSLETTERS)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Letter {count - 1}" in html
    assert '<td class="field-subscribers">25</td>' in html


@pytest.mark.parametrize("count", [1, 60])
def test_the_issue_list_costs_the_same_however_many_issues(
    editor_client, django_assert_max_num_queries, count
):
    letters = [Newsletter.objects.create(name=f"Letter {n}", slug=f"letter-{n}") for n in range(5)]
    Issue.objects.bulk_create(Issue(newsletter=letters[n % 5], subject=f"Issue {n}") for n in range(count))
    with django_assert_max_num_queries(ISSUE_LIST_QUERIES):
        response = editor_client.get(ISSUES)
    assert response.status_code == 200
    assert f"Issue {count - 1}" in response.content.decode()


def test_an_issue_of_eight_stories_with_pictures_stays_under_gmails_limit(
    editor_client, newsletter, make_article, make_photo, arrange
):
    long = "A standfirst that runs on for a while, as standfirsts on a slow news day tend to do. " * 3
    made = [
        make_article(headline=f"A long headline for story number {i}, as headlines go", standfirst=long)
        for i in range(8)
    ]
    for article in made:
        article.lead_photo = make_photo(alt_text=f"Picture for story {article.pk}")
        article.save()
    arrange(made)
    build(editor_client, newsletter)
    issue = Issue.objects.get()
    assert issue.items.count() == 8
    html = editor_client.get(reverse("admin:readers_issue_preview", args=[issue.pk])).content
    assert len(html) < 100 * 1024
    pictures = [e for e in elements(html.decode()) if e.tag == "img"]
    assert len(pictures) == 8
    assert all((e.attrs.get("alt") or "").strip() for e in pictures)
    assert "over 100 KB" not in editor_client.get(change_url(issue)).content.decode()


def test_an_issue_over_the_limit_is_flagged_on_its_page(editor_client, draft):
    Issue.objects.filter(pk=draft.pk).update(intro="A very long introduction. " * 5000)
    page = editor_client.get(change_url(draft)).content.decode()
    assert "This email is over 100 KB: Gmail will clip it." in page
