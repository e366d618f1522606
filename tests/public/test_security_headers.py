import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Article
from tests.htmlscan import (
    PAGE_FURNITURE,
    csp_directives,
    dangerous_bits,
    elements,
    nonce_of,
    script_allowed,
    scripts,
)

pytestmark = pytest.mark.django_db

FIXED_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def assert_security_headers(response):
    for name, value in FIXED_HEADERS.items():
        assert response.headers.get(name) == value, f"{name}: {response.headers.get(name)!r}"
    policy = response.headers["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy
    csp = csp_directives(response.headers["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    # Scripts only from our own origin or with this response's nonce: nothing inline, nothing evaluated.
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
    assert not {"*", "data:", "blob:", "http:", "https:"} & set(csp["script-src"])


@pytest.fixture
def public_urls(make_article, make_author):
    author = make_author(name="Maya L", slug="maya")
    article = make_article(headline="Harbour reopens", tags=["Shipping"], authors=[author])
    return {
        "home": "/",
        "article": article.get_absolute_url(),
        "section": article.section.get_absolute_url(),
        "tag": "/tag/shipping/",
        "author": "/author/maya/",
        "corrections": "/corrections/",
    }


@pytest.mark.parametrize("page", ["home", "article", "section", "tag", "author", "corrections"])
def test_public_page_sends_every_security_header(client, public_urls, page):
    response = client.get(public_urls[page])
    assert response.status_code == 200
    assert_security_headers(response)


@pytest.mark.parametrize("page", ["home", "article", "section", "tag", "author", "corrections"])
def test_public_page_runs_nothing_the_policy_does_not_name(client, public_urls, page):
    response = client.get(public_urls[page])
    html = response.content.decode()
    header = response.headers["Content-Security-Policy"]
    for script in scripts(html):
        assert script_allowed(script, header), script.attrs
        # Inline scripts on the public site are data (JSON-LD), never code.
        if "src" not in script.attrs:
            assert script.attrs.get("type") == "application/ld+json", script.attrs
    assert [bit for bit in dangerous_bits(html) if bit not in PAGE_FURNITURE] == []


@pytest.mark.parametrize("page", ["home", "article"])
def test_json_ld_carries_the_responses_csp_nonce(client, public_urls, page):
    response = client.get(public_urls[page])
    json_ld = [s for s in scripts(response.content.decode()) if s.attrs.get("type") == "application/ld+json"]
    assert json_ld, "no JSON-LD on the page"
    nonce = nonce_of(response.headers["Content-Security-Policy"])
    assert nonce and all(s.attrs.get("nonce") == nonce for s in json_ld)


def test_a_nonce_is_never_valid_twice(client, public_urls, settings):
    # The page cache stores the first rendering, JSON-LD nonce included; later responses must not accept it.
    settings.PAGE_CACHE_SECONDS = 300
    responses = [client.get(public_urls["article"]) for _ in range(3)]
    assert [r["X-Cache"] for r in responses] == ["MISS", "HIT", "HIT"]
    nonces = [nonce_of(r.headers["Content-Security-Policy"]) for r in responses]
    assert nonces[0] is not None
    assert len([n for n in nonces if n]) == len({n for n in nonces if n})


def test_script_without_the_nonce_is_not_allowed(client, public_urls):
    # The check used above can fail: an inline script the page did not sign is refused.
    response = client.get(public_urls["home"])
    header = response.headers["Content-Security-Policy"]
    json_ld = next(
        s for s in scripts(response.content.decode()) if s.attrs.get("type") == "application/ld+json"
    )
    json_ld.attrs["nonce"] = "forged"
    assert not script_allowed(json_ld, header)
    del json_ld.attrs["nonce"]
    assert not script_allowed(json_ld, header)


@pytest.mark.parametrize(
    "url", ["admin:login", "admin:index", "admin:articles_article_add", "admin:articles_article_changelist"]
)
def test_admin_page_sends_every_security_header(editor_client, url):
    client = Client() if url == "admin:login" else editor_client
    response = client.get(reverse(url))
    assert response.status_code == 200
    assert_security_headers(response)


def test_admin_article_form_scripts_and_import_map_are_allowed_by_the_policy(editor_client):
    response = editor_client.get(reverse("admin:articles_article_add"))
    html = response.content.decode()
    header = response.headers["Content-Security-Policy"]
    found = scripts(html)
    import_maps = [s for s in found if s.attrs.get("type") == "importmap"]
    # django-prose-editor's import map: without it the body editor's modules do not load.
    assert len(import_maps) == 1 and '"django-prose-editor/editor"' in import_maps[0].text
    assert script_allowed(import_maps[0], header)
    assert [s.attrs for s in found if not script_allowed(s, header)] == []
    # Inline event handlers would be blocked by the policy, so the admin must not depend on any.
    assert [e.tag for e in elements(html) if any(a.startswith("on") for a in e.attrs)] == []


@pytest.mark.parametrize("page", ["article change", "photo change", "article list", "photo list"])
def test_every_admin_script_is_allowed_by_the_policy(editor_client, make_article, make_photo, page):
    photo = make_photo()
    article = make_article(lead_photo=photo)
    url = {
        "article change": reverse("admin:articles_article_change", args=[article.pk]),
        "photo change": reverse("admin:articles_photo_change", args=[photo.pk]),
        "article list": reverse("admin:articles_article_changelist"),
        "photo list": reverse("admin:articles_photo_changelist"),
    }[page]
    response = editor_client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    header = response.headers["Content-Security-Policy"]
    assert [s.attrs for s in scripts(html) if not script_allowed(s, header)] == []
    assert [e.tag for e in elements(html) if any(a.startswith("on") for a in e.attrs)] == []


def test_two_factor_page_qr_code_is_an_image_the_policy_allows(editor_client):
    response = editor_client.get(reverse("two_factor"))
    assert_security_headers(response)
    img_src = csp_directives(response.headers["Content-Security-Policy"])["img-src"]
    qr = [
        e
        for e in elements(response.content.decode())
        if e.tag == "img" and "QR code" in e.attrs.get("alt", "")
    ]
    assert qr and qr[0].attrs["src"].startswith("data:image/svg+xml") and "data:" in img_src


@pytest.mark.parametrize("kind", ["404", "410", "400", "403"])
def test_error_page_sends_every_security_header(client, make_article, kind):
    if kind == "404":
        response = client.get("/no-such-section/")
    elif kind == "410":
        response = client.get(make_article(status=Article.Status.UNPUBLISHED).get_absolute_url())
    elif kind == "400":
        response = client.get("/", HTTP_HOST="not-our-site.example")
    else:
        response = Client(enforce_csrf_checks=True).post(reverse("admin:login"), {"username": "x"})
    assert response.status_code == int(kind)
    assert_security_headers(response)
