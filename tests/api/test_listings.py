"""The index, sections, tags and authors: only those readers can reach, as the sitemaps list them."""

import pytest

from articles.api import schemas
from articles.models import Article

pytestmark = pytest.mark.django_db


def names(client, url, model, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    model.model_validate(response.json())
    return [item["name"] for item in response.json()["items"]]


def test_index_links_every_endpoint(client):
    response = client.get("/api/v1/")
    assert response.status_code == 200
    links = schemas.Index.model_validate(response.json())
    for url in (links.stories, links.sections, links.tags, links.authors, links.schema_, links.docs):
        assert url.startswith("http://127.0.0.1:8000/api/v1/")
        assert client.get(url.removeprefix("http://127.0.0.1:8000")).status_code == 200


def test_sections_with_a_published_story(client, make_article, make_section, section):
    europe = make_section(name="Europe", slug="europe", parent=section, description="From Europe.")
    make_article(section=europe)
    make_section(name="Empty", slug="empty")
    make_article(section=make_section(name="Only drafts", slug="drafts"), status=Article.Status.DRAFT)
    response = client.get("/api/v1/sections/")
    items = {item["slug"]: item for item in response.json()["items"]}
    schemas.SectionList.model_validate(response.json())
    # The parent counts its sub-sections' stories, as its page does.
    assert set(items) == {"world", "europe"}
    assert items["europe"]["parent"] == "world" and items["europe"]["description"] == "From Europe."
    assert items["europe"]["stories"] == "http://127.0.0.1:8000/api/v1/stories/?section=europe"
    assert items["world"]["uri"] == "http://127.0.0.1:8000/world/"


def test_tags_of_drafts_stay_out(client, make_article):
    make_article(tags=["Shipping", "Ports"])
    make_article(tags=["Secret merger"], status=Article.Status.DRAFT)
    make_article(tags=["Scheduled thing"], status=Article.Status.REVIEW)
    assert names(client, "/api/v1/tags/", schemas.TagPage) == ["Ports", "Shipping"]


def test_authors_with_a_published_story(client, make_article, make_author):
    maya = make_author(name="Maya", slug="maya", bio="Diplomatic correspondent.")
    wire = make_author(name="Reuters staff", slug="reuters-staff", is_agency=True)
    make_article(authors=[maya, wire])
    make_article(authors=[make_author(name="New hire", slug="new-hire")], status=Article.Status.DRAFT)
    response = client.get("/api/v1/authors/")
    items = response.json()["items"]
    schemas.AuthorPage.model_validate(response.json())
    assert [(a["name"], a["is_agency"]) for a in items] == [("Maya", False), ("Reuters staff", True)]
    assert items[0]["bio"] == "Diplomatic correspondent."
    assert items[0]["stories"] == "http://127.0.0.1:8000/api/v1/stories/?author=maya"


def test_tags_come_in_cursor_pages(client, make_article):
    make_article(tags=[f"Tag {i:02d}" for i in range(7)])
    seen, url = [], "/api/v1/tags/?limit=3"
    while url:
        page = client.get(url).json()
        seen += [item["slug"] for item in page["items"]]
        url = page["next"] and page["next"].removeprefix("http://127.0.0.1:8000")
    assert seen == [f"tag-{i:02d}" for i in range(7)]


@pytest.mark.parametrize("url", ["/api/v1/tags/", "/api/v1/authors/"])
@pytest.mark.parametrize("params", [{"limit": "0"}, {"limit": "501"}, {"limit": "many"}, {"cursor": "%%%"}])
def test_bad_listing_parameters_are_a_400(client, url, params):
    response = client.get(url, params)
    assert response.status_code == 400
    schemas.Problem.model_validate(response.json())


def test_the_api_answers_only_get(client, make_article):
    story = make_article()
    for url in ("/api/v1/stories/", f"/api/v1/stories/{story.pk}/", "/api/v1/tags/"):
        assert client.post(url, {}).status_code == 405
        assert client.delete(url).status_code == 405


def test_head_answers_like_get_without_a_body(client, make_article):
    story = make_article()
    get = client.get(f"/api/v1/stories/{story.pk}/")
    head = client.head(f"/api/v1/stories/{story.pk}/")
    assert head.status_code == 200 and head.content == b""
    assert head["ETag"] == get["ETag"] and head["Content-Length"] == str(len(get.content))
