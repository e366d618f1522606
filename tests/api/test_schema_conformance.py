"""The read API and its OpenAPI schema agree, tried by schemathesis with generated requests (valid and
invalid, a bounded number with a fixed seed): every answer is documented (status, content type, body),
every request the schema allows is answered, and every one it forbids is refused. A drift fails CI."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from newsroom.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(make_article, make_author):
    # As Django's test client does: the test's database connection must outlive each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    author = make_author(name="Mei Lin")
    stories = [make_article(headline=f"Flood watch {i}", tags=["Rain"], authors=[author]) for i in range(3)]
    yield {"section": stories[0].section.slug, "tag": "rain", "author": author.slug}
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=30, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_answers_as_its_schema_says(case, archive):
    if case.query:
        # What a schema cannot say: a cursor is one the API gave (opaque, tested in test_stories.py), and
        # a slug names a section, tag or author that exists (an unknown one is a documented 400).
        case.query.pop("cursor", None)
        for name, slug in archive.items():
            if case.query.get(name):
                case.query[name] = slug
    # The WSGI client does not undo compression: ask for none.
    case.call_and_validate(headers={"Accept-Encoding": "identity"})


def test_a_path_the_api_does_not_have_is_its_own_json_404(client):
    for path in ("/api/v1/stories/null,null/", "/api/v1/nothing-here/"):
        response = client.get(path)
        assert response.status_code == 404 and response["Content-Type"] == "application/json"
        assert "No such endpoint" in response.json()["detail"]
