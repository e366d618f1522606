"""/healthz and /readyz answer load balancers under the production settings: by IP, over plain HTTP, never
cached, before the host check, the HTTPS redirect and the page cache."""

import json

import pytest
from django.db import connections
from django.test import Client

from tests.helpers import DEAD_REDIS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def production(settings):
    settings.ALLOWED_HOSTS = ["news.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.PAGE_CACHE_SECONDS = 300


def probe(path):
    # A probe by the pod's IP, plain HTTP: any other page would get a 400 (host) or a 301 (HTTPS).
    return Client(HTTP_HOST="10.1.2.3:8000").get(path)


def test_other_pages_meet_the_host_check_and_redirect():
    assert probe("/").status_code == 400
    assert Client(HTTP_HOST="news.example.org").get("/").status_code == 301


def test_healthz_answers_without_the_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = probe("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_readyz_answers_when_the_database_does(django_assert_num_queries):
    with django_assert_num_queries(1):
        response = probe("/readyz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "X-Cache" not in response


def test_readyz_reports_a_dead_cache_but_stays_ready(settings):
    settings.CACHES = DEAD_REDIS
    response = probe("/readyz")
    assert response.status_code == 200
    assert json.loads(response.content)["cache"] == "unavailable"


def test_readyz_is_503_when_the_database_does_not_answer(settings):
    connection = connections["default"]
    real = connection.settings_dict["PORT"], connection.settings_dict["HOST"]
    connection.close()
    # Nothing listens there: the connection is refused at once.
    connection.settings_dict["HOST"], connection.settings_dict["PORT"] = "127.0.0.1", "8119"
    try:
        connection.connection = None
        response = probe("/readyz")
    finally:
        connection.settings_dict["PORT"], connection.settings_dict["HOST"] = real
        connection.close()
    assert response.status_code == 503
    assert json.loads(response.content)["database"] == "unavailable"


def test_only_get_and_head_are_answered():
    assert probe("/healthz").status_code == 200
    assert Client(HTTP_HOST="10.1.2.3:8000").head("/readyz").status_code == 200
    assert Client(HTTP_HOST="10.1.2.3:8000").post("/healthz").status_code == 400
