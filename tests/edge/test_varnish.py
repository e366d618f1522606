"""A real Varnish with the repository's VCL (deploy/varnish/default.vcl) in front of the live server: a
publish purges, by key, the pages that show the story (they are fresh on the next request) and leaves
every other page cached; staff always pass."""

import http.client

import pytest
from django.contrib.auth.models import Group, User
from django.db import transaction

from articles.models import Article, Author, Section
from articles.publishing import workflow

pytestmark = pytest.mark.django_db(transaction=True)


def story(headline, section, tag, author=None, **kwargs):
    article = Article.objects.create(
        headline=headline,
        slug=headline.lower().replace(" ", "-"),
        section=section,
        standfirst="A standfirst.",
        body="<p>Body.</p>",
        **kwargs,
    )
    article.tags.add(tag)
    if author:
        article.articleauthor_set.create(author=author)
    return article


@pytest.fixture
def newsroom(varnish):
    world = Section.objects.create(name="World", slug="world")
    sport = Section.objects.create(name="Sport", slug="sport")
    ana = Author.objects.create(name="Ana", slug="ana")
    editor = User.objects.create_user("ed", "ed@example.org", "pw-Secret-123", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    flood = story("Flood warning", world, "Floods", status="draft")
    match = story("Cup final", sport, "Cup", status="draft")
    for article in (flood, match):
        with transaction.atomic():
            workflow.publish(article=article, user=editor)
    draft = story("Dam breaks", world, "Floods", author=ana, status="draft")
    return {"editor": editor, "flood": flood, "match": match, "draft": draft}


def cached(edge_get, path) -> bool:
    """Fetched twice through Varnish, the second time from its cache."""
    edge_get(path)
    return edge_get(path).getheader("X-Edge") == "HIT"


def test_a_publish_refreshes_the_pages_that_show_the_story_and_no_others(newsroom, edge_get):
    draft, match = newsroom["draft"], newsroom["match"]
    showing = ["/", "/world/", "/tag/floods/", "/author/ana/", draft.get_absolute_url()]
    others = ["/sport/", "/tag/cup/", match.get_absolute_url(), newsroom["flood"].get_absolute_url()]
    for path in showing + others:
        assert cached(edge_get, path), path
    assert edge_get(draft.get_absolute_url()).status == 404

    with transaction.atomic():
        workflow.publish(article=draft, user=newsroom["editor"])

    for path in showing:
        response = edge_get(path)
        assert response.status == 200 and "Dam breaks" in response.text, path
        assert response.getheader("X-Edge") == "MISS", path
    for path in others:
        response = edge_get(path)
        assert response.getheader("X-Edge") == "HIT", path
        assert int(response.getheader("Age")) >= 0 and "Dam breaks" not in response.text


def test_a_tagged_link_is_the_same_object_at_the_edge(newsroom, edge_get):
    url = newsroom["flood"].get_absolute_url()
    assert cached(edge_get, url)
    for tagged in ("?nl=brief", "?utm_source=brief&utm_medium=email", "?gclid=1&utm_campaign"):
        response = edge_get(url + tagged)
        assert response.status == 200 and response.getheader("X-Edge") == "HIT", tagged
    # Only the tags go: /world/?page=1&nl=brief is /world/?page=1, another object than /world/.
    assert cached(edge_get, "/world/")
    response = edge_get("/world/?page=1&nl=brief")
    assert response.status == 200 and response.getheader("X-Edge") == "MISS"
    assert edge_get("/world/?nl=brief&page=1").getheader("X-Edge") == "HIT"


def test_pages_are_kept_for_their_s_maxage_without_keys_or_cookies_leaking(newsroom, edge_get):
    response = edge_get("/world/", Cookie="_ga=GA1.2.3")
    assert "s-maxage=60" in response.getheader("Cache-Control")
    assert response.getheader("Surrogate-Key") is None and response.getheader("xkey") is None
    assert response.getheader("Set-Cookie") is None
    # A reader's other cookies do not split the cache.
    assert edge_get("/world/").getheader("X-Edge") == "HIT"


def test_staff_requests_always_pass(newsroom, edge_get, client):
    client.force_login(newsroom["editor"])
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    assert cached(edge_get, "/world/")
    for _ in range(2):
        response = edge_get("/world/", Cookie=cookie)
        assert response.getheader("X-Edge") == "PASS"
        assert "private" in response.getheader("Cache-Control")
    # The draft a member of staff may see never reaches the cache readers use.
    draft = newsroom["draft"]
    assert edge_get(draft.get_absolute_url(), Cookie=cookie).status == 200
    assert edge_get(draft.get_absolute_url()).status == 404


def test_a_purge_needs_an_xkey_header(newsroom):
    conn = http.client.HTTPConnection("127.0.0.1", 8081, timeout=5)
    conn.request("PURGE", "/")
    assert conn.getresponse().status == 400
    conn.close()
