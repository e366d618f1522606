"""Old addresses: one redirect to where the page is now, through the views readers hit; the site's own
pages win; the 404s readers hit are counted for editors, and bots' and scanners' are not."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article, NotFound, Redirect
from articles.models.redirects import normalise
from articles.redirects import services

pytestmark = pytest.mark.django_db


def make_redirect(**kwargs):
    return services.save(Redirect(**kwargs))


def test_addresses_are_kept_in_one_form():
    assert normalise("https://old.example.org/2019/05/12/council-votes/") == "/2019/05/12/council-votes"
    assert normalise("/?utm_source=x&p=12") == "/?p=12"
    assert normalise("/caf%C3%A9/") == "/café"
    assert normalise("/") == "/"


def test_an_old_permalink_goes_to_the_story_in_one_hop(client, make_article):
    story = make_article(slug="council-votes")
    make_redirect(old_path="/2019/05/12/council-votes/", article=story, origin="wordpress")
    response = client.get("/2019/05/12/council-votes/")
    assert response.status_code == 301
    assert response["Location"] == story.get_absolute_url()
    assert client.get(response["Location"]).status_code == 200
    # Without the trailing slash, or with a tracking query, it is the same address.
    assert client.get("/2019/05/12/council-votes?utm_source=feed")["Location"] == story.get_absolute_url()
    hit = Redirect.objects.get()
    assert hit.hits == 2 and hit.last_hit_at is not None


def test_a_renamed_story_is_still_one_hop_away(client, make_article):
    story = make_article(slug="first-slug")
    make_redirect(old_path="/?p=4812", article=story)
    assert client.get("/?p=4812")["Location"] == story.get_absolute_url()
    story.slug = "second-slug"
    story.save()
    response = client.get("/?p=4812")
    assert response["Location"] == "/" + story.section.slug + "/second-slug/"
    assert client.get(response["Location"]).status_code == 200


def test_query_string_addresses_beat_a_cached_home_page(client, make_article):
    story = make_article()
    make_redirect(old_path="/?p=7", article=story)
    assert client.get("/").status_code == 200
    assert client.get("/").status_code == 200  # now from the page cache
    response = client.get("/?p=7")
    assert response.status_code == 301 and response["Location"] == story.get_absolute_url()
    # An unknown post id is the home page, as WordPress would show it.
    assert client.get("/?p=8").status_code == 200


def test_the_sites_own_pages_win(client, make_article):
    story = make_article()
    make_redirect(old_path=story.get_absolute_url(), to_url="/elsewhere/")
    assert client.get(story.get_absolute_url()).status_code == 200


def test_a_withdrawn_story_is_a_404_not_a_redirect_to_one(client, make_article):
    story = make_article()
    make_redirect(old_path="/old/", article=story)
    Article.objects.filter(pk=story.pk).update(status=Article.Status.UNPUBLISHED)
    assert client.get("/old/").status_code == 404


def test_temporary_redirects_and_other_addresses(client):
    make_redirect(old_path="/shop/", to_url="https://shop.example.org/", permanent=False)
    response = client.get("/shop/")
    assert response.status_code == 302 and response["Location"] == "https://shop.example.org/"


def test_a_changed_redirect_is_followed_at_once(client):
    redirect = make_redirect(old_path="/old/", to_url="/one/")
    assert client.get("/old/")["Location"] == "/one/"
    redirect.to_url = "/two/"
    services.save(redirect)
    assert client.get("/old/")["Location"] == "/two/"
    services.delete([redirect])
    assert client.get("/old/").status_code == 404


def test_a_lookup_is_one_query_then_none(client, make_article):
    make_redirect(old_path="/gone/", to_url="/here/")
    client.get("/nothing-at-all/")
    with CaptureQueriesContext(connection) as first:
        assert client.get("/gone/").status_code == 301
    with CaptureQueriesContext(connection) as second:
        assert client.get("/gone/").status_code == 301
    lookups = [
        q["sql"] for q in first.captured_queries if "articles_redirect" in q["sql"] and "SELECT" in q["sql"]
    ]
    again = [
        q["sql"] for q in second.captured_queries if "articles_redirect" in q["sql"] and "SELECT" in q["sql"]
    ]
    assert len(lookups) == 1 and again == []


def test_readers_404s_are_counted_with_their_referrer(client):
    client.get("/2011/01/lost-story/", HTTP_REFERER="https://elsewhere.example/links")
    client.get("/2011/01/lost-story/")
    row = NotFound.objects.get()
    assert (row.path, row.hits, row.referrer) == (
        "/2011/01/lost-story/",
        2,
        "https://elsewhere.example/links",
    )


@pytest.mark.parametrize(
    "path, agent",
    [
        ("/wp-login.php", "Mozilla/5.0"),
        ("/.env", "Mozilla/5.0"),
        ("/wp-admin/setup-config.php", "Mozilla/5.0"),
        ("/2011/01/lost-story/", "Googlebot/2.1"),
    ],
)
def test_bots_and_scanners_are_not_counted(client, path, agent):
    assert client.get(path, HTTP_USER_AGENT=agent).status_code == 404
    assert not NotFound.objects.exists()


def test_one_client_walking_random_paths_fills_little_of_the_list(client):
    for n in range(services.NEW_404S_PER_CLIENT_MINUTE + 10):
        client.get(f"/random-{n}/")
    assert NotFound.objects.count() == services.NEW_404S_PER_CLIENT_MINUTE


def test_the_list_is_bounded(client, monkeypatch):
    monkeypatch.setattr(services, "NOT_FOUND_ROWS", 3)
    monkeypatch.setattr(services, "NEW_404S_PER_CLIENT_MINUTE", 1000)
    NotFound.objects.create(path="/popular/", hits=50)
    for n in range(120):
        client.get(f"/junk-{n}/")
    assert NotFound.objects.count() <= 3 + 50
    assert NotFound.objects.filter(path="/popular/").exists()
