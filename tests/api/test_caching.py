"""ETags and 304s, cache headers like the pages', and cached answers superseded when a story changes."""

import pytest

from articles.models import Correction
from articles.publishing import editing, workflow

pytestmark = pytest.mark.django_db

ENDPOINTS = ["/api/v1/", "/api/v1/stories/", "/api/v1/sections/", "/api/v1/tags/", "/api/v1/authors/"]


@pytest.fixture
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300


@pytest.fixture
def story(make_article, make_author):
    return make_article(headline="Port reopens", authors=[make_author(slug="maya")], tags=["Shipping"])


@pytest.mark.parametrize("cache", ["off", "on"])
@pytest.mark.parametrize("url", [*ENDPOINTS, "detail"])
def test_if_none_match_gives_a_304(client, settings, story, url, cache):
    settings.PAGE_CACHE_SECONDS = 300 if cache == "on" else 0
    url = f"/api/v1/stories/{story.pk}/" if url == "detail" else url
    first = client.get(url)
    assert first.status_code == 200 and first["ETag"]
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304 and again.content == b""
    assert client.get(url, headers={"If-None-Match": '"something-else"'}).status_code == 200


@pytest.mark.parametrize("url", [*ENDPOINTS, "detail", "missing"])
def test_cache_headers_are_the_pages(client, story, url, settings):
    url = {"detail": f"/api/v1/stories/{story.pk}/", "missing": "/api/v1/stories/999999/"}.get(url, url)
    response = client.get(url)
    control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert control == {
        "public",
        "max-age=0",
        f"s-maxage={settings.CDN_CACHE_SECONDS}",
        f"stale-while-revalidate={settings.CDN_STALE_SECONDS}",
    }


def test_second_request_is_a_page_cache_hit(client, story, page_cache_on, django_assert_num_queries):
    url = f"/api/v1/stories/{story.pk}/"
    assert client.get(url)["X-Cache"] == "MISS"
    with django_assert_num_queries(0):
        assert client.get(url)["X-Cache"] == "HIT"


def test_a_correction_supersedes_the_cached_answer_and_its_etag(client, story, editor, commit, page_cache_on):
    url = f"/api/v1/stories/{story.pk}/"
    etag = client.get(url)["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    commit(editing.add_note, article=story, user=editor, text="The port is in Odesa.")
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200 and response["X-Cache"] == "MISS"
    assert response["ETag"] != etag
    assert Correction.objects.get().text in response.content.decode()


def test_a_publish_reaches_the_cached_list_at_once(
    client, story, make_article, editor, commit, page_cache_on
):
    client.get("/api/v1/stories/")
    assert client.get("/api/v1/stories/")["X-Cache"] == "HIT"
    draft = make_article(headline="Fresh from the desk", status="draft")
    commit(workflow.publish, article=draft, user=editor)
    response = client.get("/api/v1/stories/")
    assert response["X-Cache"] == "MISS" and "Fresh from the desk" in response.content.decode()


def test_an_unpublished_story_leaves_the_cached_detail_at_once(client, story, editor, commit, page_cache_on):
    url = f"/api/v1/stories/{story.pk}/"
    assert [client.get(url)["X-Cache"] for _ in range(2)] == ["MISS", "HIT"]
    commit(workflow.unpublish, article=story, user=editor)
    assert client.get(url).status_code == 404


def test_an_error_is_never_cached(client, story, page_cache_on):
    for _ in range(2):
        response = client.get("/api/v1/stories/", {"updated_since": "soon"})
        assert response.status_code == 400 and response.get("X-Cache") != "HIT"
