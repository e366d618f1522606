"""The OpenAPI schema validates as OpenAPI 3 and describes what is sent; the docs page needs nothing from
another site and runs under the Content Security Policy."""

import pytest
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate
from openapi_spec_validator.versions.shortcuts import get_spec_version

from tests.htmlscan import csp_directives, elements, script_allowed, scripts

pytestmark = pytest.mark.django_db

DOCS = "/api/v1/docs/"


@pytest.fixture
def spec(client):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    return response.json()


def test_schema_is_valid_openapi_3(spec):
    validate(spec)  # raises on any violation of the OpenAPI specification
    assert spec["openapi"].startswith("3.") and get_spec_version(spec).major == "3"


def test_schema_documents_every_endpoint_and_both_ways_to_send_a_key(spec):
    assert set(spec["paths"]) == {
        "/api/v1/",
        "/api/v1/stories/",
        "/api/v1/stories/{story_id}/",
        "/api/v1/sections/",
        "/api/v1/tags/",
        "/api/v1/authors/",
    }
    params = {p["name"] for p in spec["paths"]["/api/v1/stories/"]["get"]["parameters"]}
    assert params == {"section", "tag", "author", "updated_since", "cursor", "limit"}
    schemes = spec["components"]["securitySchemes"]
    assert schemes["bearerKey"] == {**schemes["bearerKey"], "type": "http", "scheme": "bearer"}
    assert schemes["headerKey"]["in"] == "header" and schemes["headerKey"]["name"] == "X-Api-Key"
    assert {} in spec["security"]  # anonymous use is allowed


def test_responses_match_the_schema_it_publishes(client, spec, make_article, make_photo, make_author):
    """Not the models the schema came from: the served document itself, as a client's generator reads it."""
    story = make_article(lead_photo=make_photo(), authors=[make_author()], tags=["Shipping"])
    story.corrections.create(text="A fix.")
    cases = {
        "/api/v1/": "Index",
        "/api/v1/stories/": "StoryPage",
        f"/api/v1/stories/{story.pk}/": "Story",
        "/api/v1/sections/": "SectionList",
        "/api/v1/tags/": "TagPage",
        "/api/v1/authors/": "AuthorPage",
        "/api/v1/stories/?limit=0": "Problem",
    }
    for url, name in cases.items():
        schema = {"$ref": f"#/components/schemas/{name}", "components": spec["components"]}
        errors = list(OAS31Validator(schema).iter_errors(client.get(url).json()))
        assert errors == [], f"{url}: {errors[0].message}"


def test_docs_page_loads_nothing_from_elsewhere(client):
    response = client.get(DOCS)
    assert response.status_code == 200
    html = response.content.decode()
    urls = [
        value
        for element in elements(html)
        for name, value in element.attrs.items()
        if name in ("src", "href") and value
    ]
    assert urls and all(url.startswith("/") and not url.startswith("//") for url in urls), urls
    assert "swagger-ui-bundle.js" in html
    for url in urls:
        assert client.get(url).status_code == 200, url
    # Swagger UI would send the schema to validator.swagger.io for a badge unless told not to.
    assert '"validatorUrl": null' in html


def test_docs_page_runs_only_what_the_policy_allows(client):
    response = client.get(DOCS)
    header = response["Content-Security-Policy"]
    script_src = csp_directives(header)["script-src"]
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    found = scripts(response.content.decode())
    code = [s for s in found if s.attrs.get("type") != "application/json"]
    assert len(code) == 2 and all("src" in s.attrs and script_allowed(s, header) for s in code)
    # The settings block is data: a browser never runs it, so the policy need not allow it.
    assert [s.attrs.get("id") for s in found if s not in code] == ["swagger-settings"]
