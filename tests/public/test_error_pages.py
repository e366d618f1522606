import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import path, reverse

from articles.caching.site import SITE_CONTEXT_KEY, site_context
from articles.models import Article, SiteSettings
from newsroom.urls import handler500  # noqa: F401 - this module is the URLconf of the 500 tests
from newsroom.urls import urlpatterns as site_urlpatterns

SECRET_MESSAGE = "kaboom-7f3a internal detail"


def explode(request):
    raise RuntimeError(SECRET_MESSAGE)


urlpatterns = [path("explode/", explode), *site_urlpatterns]

# What a debug page, a traceback or a settings dump would show.
LEAKS = [
    "Traceback", "File \"/", "site-packages", "RuntimeError", "Exception Value", "SECRET_KEY", "DATABASES",
    "newsroom.settings", "DEBUG", "ALLOWED_HOSTS", "DisallowedHost", "URLconf", "Http404", "psycopg",
    "OperationalError", SECRET_MESSAGE, "No Section matches", "No such article", "CSRF cookie",
]  # fmt: skip


def assert_designed_and_silent(response, status, heading):
    assert response.status_code == status
    html = response.content.decode()
    assert '<header class="site-header">' in html and 'class="brand"' in html
    assert '<link rel="stylesheet" href="/static/css/site.css">' in html
    assert heading in html
    assert '<meta name="robots" content="noindex">' in html
    leaked = [word for word in LEAKS if word in html]
    assert leaked == []


@pytest.fixture(autouse=True)
def _production_like(settings):
    settings.DEBUG = False


@pytest.fixture
def named_outlet(db):
    site = SiteSettings.load()
    site.outlet_name = "The Daily Test"
    site.save()
    return site


def test_404_page_is_designed_and_leaks_nothing(client, named_outlet):
    response = client.get("/no-such-section/")
    assert_designed_and_silent(response, 404, "We could not find that page")
    assert "The Daily Test" in response.content.decode()


def test_missing_article_404_does_not_show_the_exception_message(client, section):
    response = client.get(f"/{section.slug}/no-such-story/")
    assert_designed_and_silent(response, 404, "We could not find that page")


def test_410_page_for_a_withdrawn_story(client, make_article):
    article = make_article(status=Article.Status.UNPUBLISHED)
    response = client.get(article.get_absolute_url())
    assert_designed_and_silent(response, 410, "This story has been withdrawn")


def test_400_page_for_a_host_we_do_not_serve(client, db):
    response = client.get("/", HTTP_HOST="attacker.example")
    assert_designed_and_silent(response, 400, "That request could not be understood")
    assert "attacker.example" not in response.content.decode()


def test_403_page_when_permission_is_denied(reporter_client):
    # Reporters may not manage accounts: the admin raises PermissionDenied.
    response = reporter_client.get(reverse("admin:auth_user_changelist"))
    assert_designed_and_silent(response, 403, "You cannot do that")


def test_403_page_for_a_form_without_its_csrf_token(db):
    response = Client(enforce_csrf_checks=True).post(
        reverse("admin:login"), {"username": "a", "password": "b"}
    )
    assert_designed_and_silent(response, 403, "That form could not be sent")


@pytest.mark.urls(__name__)
def test_500_page_is_designed_and_leaks_nothing(db, named_outlet):
    site_context()  # the outlet's name is in the cache, as on a live site
    response = Client(raise_request_exception=False).get("/explode/")
    assert_designed_and_silent(response, 500, "Something went wrong on our side")
    assert "The Daily Test" in response.content.decode()


@pytest.mark.urls(__name__)
def test_500_page_renders_without_cache_or_site_context(db):
    cache.delete(SITE_CONTEXT_KEY)
    response = Client(raise_request_exception=False).get("/explode/")
    assert_designed_and_silent(response, 500, "Something went wrong on our side")


@pytest.mark.django_db(transaction=True)
def test_500_page_renders_when_the_database_is_down():
    cache.clear()
    saved = dict(connection.settings_dict)
    connection.close()
    # Port 1 on loopback: nothing listens there, so every query fails as in a real outage.
    connection.settings_dict.update(
        HOST="127.0.0.1", PORT="1", OPTIONS={**saved["OPTIONS"], "connect_timeout": 2}
    )
    try:
        response = Client(raise_request_exception=False).get("/")
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
    assert_designed_and_silent(response, 500, "Something went wrong on our side")
    assert Article.objects.count() == 0  # and the database is back for the rest of the suite
