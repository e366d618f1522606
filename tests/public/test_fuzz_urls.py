"""Whatever a crawler, a typo or an attacker puts in a URL, the answer is never a server error."""

from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

ACCEPTABLE = {200, 301, 302, 400, 404, 410}
# Modest and fixed in size so the suite stays fast; no example database left in the working tree.
fuzz = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

any_text = st.text(max_size=60)  # every code point but surrogates, NUL and RTL marks included
page_numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(
        ["", "0", "-1", "last", "LAST", "1e3", "2.0", "0x10", " 2 ", "١٢", "２", "NaN", "inf", "1" * 400]
    ),
    any_text,
)
date_like = st.one_of(
    st.dates().map(str),
    st.sampled_from(
        ["0000-00-00", "2026-02-30", "9999-12-31", "0001-01-01", "2026-13-01", "20260101", "-1-1-1"]
    ),
    st.tuples(st.integers(-99999, 99999), st.integers(-99, 99), st.integers(-99, 99)).map(
        lambda t: f"{t[0]}-{t[1]}-{t[2]}"
    ),
    any_text,
)
# Raw bytes in a path segment, invalid UTF-8 included, as a client may send them.
raw_segment = st.binary(max_size=30).map(lambda b: "".join(f"%{byte:02X}" for byte in b))
segment = st.one_of(
    any_text.map(lambda s: quote(s, safe="")), raw_segment, st.from_regex(r"[a-z0-9-]{1,40}", fullmatch=True)
)


@pytest.fixture
def site(make_article, make_author):
    author = make_author(name="Maya L", slug="maya")
    article = make_article(headline="Harbour reopens after storm", tags=["Shipping"], authors=[author])
    return {"section": article.section.slug, "article": article.slug}


_client: list[Client] = []


def get(path, params=None):
    # One client for every example: a new one would rebuild the middleware chain each time.
    if not _client:
        _client.append(Client(raise_request_exception=False))
    response = _client[0].get(path, params or {})
    assert response.status_code in ACCEPTABLE, f"{response.status_code} for {path} {params!r}"
    return response


def route_exists(path: str, name: str) -> bool:
    try:
        return resolve(path).url_name == name
    except Resolver404:
        return False


LISTINGS = ["/", "/{section}/", "/tag/shipping/", "/author/maya/", "/corrections/", "/feeds/rss/"]
PATH_PATTERNS = [
    "/{x}/", "/{section}/{x}/", "/{x}/{article}/", "/tag/{x}/", "/author/{x}/", "/{x}/{x}/{x}/",
    "/feeds/section/{x}/rss/", "/feeds/tag/{x}/atom/", "/sitemap-{x}.xml", "/preview/{x}/", "/{x}",
]  # fmt: skip


@fuzz
@given(listing=st.sampled_from(LISTINGS), page=page_numbers)
def test_listing_page_numbers(site, listing, page):
    get(listing.format(**site), {"page": page})


@fuzz
@given(pattern=st.sampled_from(PATH_PATTERNS), x=segment)
def test_slugs_and_path_segments(site, pattern, x):
    get(pattern.format(x=x, **site))


@fuzz
@given(q=st.one_of(any_text, st.text(min_size=200, max_size=2000)), page=page_numbers, order=any_text)
def test_search_queries(site, q, page, order):
    if not route_exists("/search/", "search"):
        pytest.skip("no search page yet")
    get("/search/", {"q": q, "page": page, "order": order})


@fuzz
@given(date_from=date_like, date_to=date_like, section=st.one_of(any_text, st.none()))
def test_search_dates_and_filters(site, date_from, date_to, section):
    if not route_exists("/search/", "search"):
        pytest.skip("no search page yet")
    section = site["section"] if section is None else section
    get("/search/", {"q": "harbour", "date_from": date_from, "date_to": date_to, "section": section})


@fuzz
@given(page=page_numbers)
def test_sitemap_page_parameter(site, page):
    get(f"/sitemap-{site['section']}.xml", {"p": page})


@fuzz
@given(params=st.dictionaries(any_text, any_text, max_size=4))
def test_any_query_string_on_an_article(site, params):
    get(f"/{site['section']}/{site['article']}/", params)


def test_fuzzing_sees_real_pages(site):
    # The strategies above are not only bouncing off 404s: valid input reaches real content.
    assert "Harbour reopens" in get(f"/{site['section']}/", {"page": "1"}).content.decode()
    assert get("/tag/shipping/", {"page": "2"}).status_code == 404
