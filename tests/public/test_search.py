"""Full-text search: what readers find, what they never find, and that no query string breaks the page."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from taggit.models import Tag

from articles import search
from articles.models import Article
from articles.publishing import workflow

pytestmark = pytest.mark.django_db


def found(client, **params) -> list[str]:
    """Headlines on the results page, in order, marks removed."""
    response = client.get("/search/", params)
    assert response.status_code == 200, response.content.decode()[:2000]
    html = response.content.decode()
    return [
        re.sub(r"<[^>]+>", "", h) for h in re.findall(r'<h3 class="card-headline"><a [^>]*>(.*?)</a>', html)
    ]


@pytest.fixture
def no_page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 0


# --- Matching ------------------------------------------------------------------------------------


def test_stemming_finds_other_forms_of_a_word(client, make_article):
    make_article(headline="Missile strikes hit the port", standfirst="", body="<p>Nothing else.</p>")
    assert found(client, q="missiles") == ["Missile strikes hit the port"]
    assert found(client, q="striking") == ["Missile strikes hit the port"]


def test_headline_match_ranks_above_standfirst_above_body(client, make_article):
    make_article(headline="Budget talks", body="<p>The harbour reopened; the harbour is busy. Harbour.</p>")
    make_article(headline="Port news", standfirst="The harbour reopened today.")
    make_article(headline="Harbour reopens after storm", published_at=timezone.now() - timedelta(days=30))
    assert found(client, q="harbour") == ["Harbour reopens after storm", "Port news", "Budget talks"]


def test_newest_first_order_is_available(client, make_article):
    make_article(headline="Harbour reopens", published_at=timezone.now() - timedelta(days=3))
    make_article(headline="Budget", body="<p>harbour</p>", published_at=timezone.now() - timedelta(days=1))
    assert found(client, q="harbour", order="newest") == ["Budget", "Harbour reopens"]


def test_quoted_phrase_matches_words_in_that_order_only(client, make_article):
    make_article(headline="Interest rates rise again")
    make_article(headline="Rates of interest in the city rise")
    assert found(client, q='"interest rates"') == ["Interest rates rise again"]
    assert sorted(found(client, q="interest rates")) == [
        "Interest rates rise again",
        "Rates of interest in the city rise",
    ]


def test_minus_excludes_a_word_and_or_widens(client, make_article):
    make_article(headline="Football final tonight")
    make_article(headline="Budget final vote")
    make_article(headline="Election result")
    assert found(client, q="final -football") == ["Budget final vote"]
    assert sorted(found(client, q="election or football")) == ["Election result", "Football final tonight"]


def test_tags_and_section_names_are_searched(client, make_article, make_section):
    europe = make_section(name="Europe", slug="europe")
    make_article(headline="A story with a tag", tags=["Crimea"])
    make_article(headline="A story in a section", section=europe)
    assert found(client, q="crimea") == ["A story with a tag"]
    assert found(client, q="europe") == ["A story in a section"]


def test_accents_do_not_matter(client, make_article):
    make_article(headline="Erdoğan meets Zelenskyy in Ankara")
    assert found(client, q="erdogan") == ["Erdoğan meets Zelenskyy in Ankara"]


def test_markup_in_the_body_is_not_searchable(client, make_article):
    make_article(
        headline="Linked story", body='<p>See <a href="https://example.org/zebra">the report</a>.</p>'
    )
    assert found(client, q="zebra") == []
    assert found(client, q="report") == ["Linked story"]


@pytest.mark.parametrize(
    "state",
    [
        {"status": Article.Status.DRAFT},
        {"status": Article.Status.REVIEW},
        {"status": Article.Status.UNPUBLISHED, "published_at": timezone.now() - timedelta(days=1)},
        {"status": Article.Status.PUBLISHED, "published_at": timezone.now() + timedelta(hours=2)},
        {"status": Article.Status.PUBLISHED, "deleted_at": timezone.now()},
    ],
    ids=["draft", "review", "unpublished", "scheduled", "trashed"],
)
def test_stories_readers_cannot_see_are_never_found(client, make_article, state):
    make_article(headline="Secret harbour plan", **state)
    make_article(headline="Public harbour plan")
    assert found(client, q="harbour") == ["Public harbour plan"]
    assert found(client, q="secret") == []
    # Not by the fallbacks either.
    assert "Secret harbour plan" not in client.get("/search/", {"q": "secre"}).content.decode()


def test_filters_by_section_including_sub_sections(client, make_article, make_section, section):
    europe = make_section(name="Europe", slug="europe", parent=section)
    sport = make_section(name="Sport", slug="sport")
    make_article(headline="Harbour in Europe", section=europe)
    make_article(headline="Harbour in World", section=section)
    make_article(headline="Harbour in Sport", section=sport)
    assert sorted(found(client, q="harbour", section="world")) == ["Harbour in Europe", "Harbour in World"]
    assert found(client, q="harbour", section="sport") == ["Harbour in Sport"]


def test_filters_by_date_range_in_local_days(client, make_article):
    recent = make_article(headline="Harbour today", published_at=timezone.now() - timedelta(minutes=1))
    older = make_article(headline="Harbour last week", published_at=timezone.now() - timedelta(days=7))
    day, week_ago = timezone.localdate(recent.published_at), timezone.localdate(older.published_at)
    assert found(client, q="harbour", date_from=day.isoformat()) == ["Harbour today"]
    assert found(client, q="harbour", date_to=week_ago.isoformat()) == ["Harbour last week"]
    both = found(client, q="harbour", date_from=week_ago.isoformat(), date_to=day.isoformat())
    assert sorted(both) == ["Harbour last week", "Harbour today"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "2026-13-45"}, "Enter a date as YYYY-MM-DD"),
        ({"date_to": "yesterday"}, "Enter a date as YYYY-MM-DD"),
        ({"date_to": "25/11/2026"}, "Enter a date as YYYY-MM-DD"),
        ({"date_from": "0001-01-01"}, "Ensure this value is greater than or equal to"),
        ({"date_to": "9999-12-31"}, "Ensure this value is less than or equal to"),
        ({"date_from": "2026-05-02", "date_to": "2026-05-01"}, "The end date is before the start date."),
        ({"section": "no-such-section"}, "Select a valid choice."),
        ({"order": "random"}, "Select a valid choice."),
        ({"q": "x" * 201}, "Ensure this value has at most 200 characters"),
        ({"q": "harbour\x00"}, "Null characters are not allowed."),
    ],
)
def test_bad_parameters_are_a_400_with_the_reason(client, make_article, params, message):
    make_article(headline="Harbour")
    response = client.get("/search/", {"q": "harbour", **params})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html and message in html
    assert 'aria-invalid="true"' in html


def test_results_are_paginated_and_pages_keep_the_query(client, make_article):
    for i in range(23):
        make_article(headline=f"Harbour story {i}")
    html = client.get("/search/", {"q": "harbour", "order": "newest"}).content.decode()
    assert "23 results" in html and html.count('class="card-headline"') == 20
    assert 'href="?q=harbour&amp;order=newest&amp;page=2" rel="next"' in html
    page_two = client.get("/search/", {"q": "harbour", "order": "newest", "page": 2}).content.decode()
    assert page_two.count('class="card-headline"') == 3 and 'rel="prev"' in page_two
    assert 'start="21"' in page_two
    assert client.get("/search/", {"q": "harbour", "page": 3}).status_code == 404
    assert client.get("/search/", {"q": "harbour", "page": "two"}).status_code == 404


def test_empty_query_shows_the_form_only(client, make_article):
    make_article(headline="Harbour")
    response = client.get("/search/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Search</h1>" in html and 'class="card-headline"' not in html
    assert client.get("/search/", {"q": "   "}).status_code == 200


# --- Snippets -------------------------------------------------------------------------------------


def test_matches_are_highlighted_and_everything_else_escaped(client, make_article):
    make_article(
        headline="Harbour <b>plan</b> & more",
        standfirst="",
        body="<p>Quoted: <code>&lt;script&gt;alert(1)&lt;/script&gt;</code> &amp;lt; the harbour plan.</p>",
    )
    html = client.get("/search/", {"q": "harbour"}).content.decode()
    assert "<mark>Harbour</mark> &lt;b&gt;plan&lt;/b&gt; &amp; more" in html
    snippet = "Quoted: &lt;script&gt;alert(1)&lt;/script&gt; &amp;lt; the <mark>harbour</mark> plan …"
    assert f'<p class="snippet">{snippet}</p>' in html
    assert "<script>alert" not in html and "<b>plan" not in html


def test_highlight_keeps_only_balanced_marks():
    text = f"a {search.START}b{search.STOP} <i>c</i> {search.STOP}d {search.START}e"
    assert search.highlight(text) == "a <mark>b</mark> &lt;i&gt;c&lt;/i&gt; d <mark>e</mark>"


# --- Fallbacks ------------------------------------------------------------------------------------


def test_word_prefixes_are_tried_when_nothing_matches(client, make_article):
    make_article(headline="Ukraine and Moldova sign a deal")
    html = client.get("/search/", {"q": "ukrai"}).content.decode()
    assert "1 story with words beginning with “ukrai”" in html
    assert found(client, q="ukrai") == ["Ukraine and Moldova sign a deal"]
    assert found(client, q="ukrai -moldova") == []
    # A hyphen inside a word is no exclusion.
    assert found(client, q="mold-ukrai") == ["Ukraine and Moldova sign a deal"]


def test_did_you_mean_offers_a_respelling_that_finds_something(client, make_article):
    make_article(headline="Missile strikes hit the port")
    html = client.get("/search/", {"q": "misile stirkes"}).content.decode()
    assert "No results" in html
    assert 'Did you mean <a href="?q=missile+strikes">missile strikes</a>?' in html


def test_did_you_mean_draws_on_tags_of_published_stories_only(client, make_article):
    make_article(headline="Grid links agreed", tags=["Energy transition"])
    make_article(headline="Merger", tags=["Confidential takeover"], status=Article.Status.DRAFT)
    html = client.get("/search/", {"q": "enrgy trnsition"}).content.decode()
    assert 'Did you mean <a href="?q=energy+transition">energy transition</a>?' in html
    html = client.get("/search/", {"q": "confidentail"}).content.decode()
    assert "No results" in html and "Did you mean" not in html and "confidential" not in html


def test_no_suggestion_when_nothing_is_close(client, make_article):
    make_article(headline="Missile strikes hit the port")
    html = client.get("/search/", {"q": "qwzxv"}).content.decode()
    assert "No results" in html and "Did you mean" not in html


# --- Odd input ------------------------------------------------------------------------------------

ODD_QUERIES = [
    '"', '""', "'", "''", '"unclosed phrase', "a & b", "a | b", "!", "!!", "&", "|", "<->", "<2>", "(", ")",
    "()", "(((", ":*", "a:*", "harbour:A", "-", "--", "- -harbour", "-harbour", "or", "OR OR", "and",
    "\\", "\\'", "%", "_", "%_%", "*", "?", "the", "a an the", "😀", "🏳️‍🌈", "Ελλάδα", "Україна", "東京",
    "مرحبا", "שָׁלוֹם", "\u200b", "\ufeff", "\u202e", "\x01\x02\x03", "\t\n\r", "x" * 200, "word " * 40,
    "SELECT * FROM articles_article; --", "'; DROP TABLE articles_article; --", "<script>alert(1)</script>",
    "&lt;", "&#0;", "%00", "\udcff".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
]  # fmt: skip


@pytest.mark.parametrize("query", ODD_QUERIES)
def test_odd_queries_give_a_page_never_an_error(client, make_article, query):
    make_article(headline="Harbour", tags=["Crimea"])
    response = client.get("/search/", {"q": query, "page": "1"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "raw",
    ["q=%00", "q=%ff%fe", "q=" + "a" * 5000, "q=harbour&q=port", "q[]=x", "q=%25", "section=%00",
     "page=-1&q=a", "page=99999999999999999999&q=harbour", "date_from=%00", "q=%C0%80"],
)  # fmt: skip
def test_odd_raw_query_strings_give_200_400_or_404(client, make_article, raw):
    make_article(headline="Harbour")
    assert client.get(f"/search/?{raw}").status_code in (200, 400, 404)


def test_five_thousand_characters_is_a_400_not_an_error(client):
    response = client.get("/search/", {"q": "harbour " * 625})
    assert response.status_code == 400
    assert "at most 200 characters" in response.content.decode()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(max_size=250), section=st.sampled_from(["", "world", "nope"]))
def test_any_text_gives_200_or_400(client, make_article, query, section):
    if not Article.objects.exists():
        make_article(headline="Harbour", tags=["Crimea"])
    response = client.get("/search/", {"q": query, "section": section})
    assert response.status_code in (200, 400)


# --- Keeping the stored document current ----------------------------------------------------------


def vector(article) -> str:
    return Article.objects.values_list("search_vector", flat=True).get(pk=article.pk)


def test_document_is_built_on_create_and_rebuilt_on_save(make_article):
    article = make_article(headline="Harbour", standfirst="Storm", body="<p><em>Ferries</em> wait.</p>")
    assert {"'harbour':1A", "'storm':2B", "'ferri':3C"} <= set(vector(article).split())
    article.headline = "Airport"
    article.save()
    assert "'airport':1A" in vector(article) and "harbour" not in vector(article)


def test_tags_added_removed_and_renamed_reach_the_document(make_article):
    article = make_article(headline="Story")
    article.tags.add("Crimea", "Black Sea")
    assert "'crimea'" in vector(article) and "'sea'" in vector(article)
    article.tags.remove("Crimea")
    assert "'crimea'" not in vector(article)
    tag = Tag.objects.get(name="Black Sea")
    tag.name = "Azov"
    tag.save()
    assert "'azov'" in vector(article) and "'sea'" not in vector(article)
    tag.delete()
    assert "'azov'" not in vector(article)


def test_section_rename_reaches_its_stories_and_its_sub_sections(make_article, make_section, section):
    europe = make_section(name="Europe", slug="europe", parent=section)
    in_world, in_europe = make_article(section=section), make_article(section=europe)
    assert "'world'" in vector(in_europe)
    section.name = "Globe"
    section.save()
    assert "'globe'" in vector(in_world) and "'globe'" in vector(in_europe)
    assert "'world'" not in vector(in_world)


def test_publish_and_unpublish_change_what_readers_find(client, make_article, editor):
    article = make_article(headline="Harbour plan", status=Article.Status.DRAFT)
    assert found(client, q="harbour") == []
    workflow.publish(article=article, user=editor)
    assert found(client, q="harbour") == ["Harbour plan"]
    workflow.unpublish(article=article, user=editor)
    assert found(client, q="harbour") == []


def test_update_is_one_statement_for_many_articles(django_assert_num_queries, make_article):
    articles = [make_article(headline=f"Harbour {i}") for i in range(5)]
    Article.objects.update(search_vector=None)
    search.article_content_type_id()  # the content type is cached for the process
    with django_assert_num_queries(1):
        assert search.update_search_vectors([a.pk for a in articles]) == 5
    assert all("'harbour'" in vector(a) for a in articles)


# --- Cost and markup ------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 30])
def test_search_queries_do_not_grow_with_results(
    client, django_assert_max_num_queries, make_article, make_photo, make_section, no_page_cache, count
):
    photo = make_photo()
    child = make_section(name="Europe", slug="europe", parent=make_section(name="Globe", slug="globe"))
    for i in range(count):
        make_article(headline=f"Harbour {i}", lead_photo=photo, tags=["Port"], section=child)
    client.get("/")  # fills the site-context cache
    # Form's section list and lookup, the count and the page.
    with django_assert_max_num_queries(4):
        assert client.get("/search/", {"q": "harbour", "section": "globe"}).status_code == 200
    # Nothing found: the count, the prefix count, the suggestion and its check.
    with django_assert_max_num_queries(5):
        assert client.get("/search/", {"q": "harbr"}).status_code == 200


def test_every_page_has_a_labelled_search_form_in_the_header(client, make_article):
    make_article()
    html = client.get("/").content.decode()
    assert '<form class="site-search" role="search" method="get" action="/search/" aria-label="Site">' in html
    assert '<label for="site-search-q" class="visually-hidden">Search stories</label>' in html
    assert 'id="site-search-q" name="q"' in html


def test_search_page_form_is_labelled_and_describes_the_syntax(client):
    html = client.get("/search/", {"q": "harbour"}).content.decode()
    assert '<label for="id_q">Search for</label>' in html
    assert 'aria-describedby="id_q_helptext"' in html and 'id="id_q_helptext"' in html
    assert "<legend>Narrow the results</legend>" in html
    for name in ("section", "date_from", "date_to", "order"):
        assert f'<label for="id_{name}">' in html
    assert '<meta name="robots" content="noindex, follow">' in html


def test_only_the_newest_matches_are_ranked_and_the_page_says_so(client, make_article, monkeypatch):
    monkeypatch.setattr(search, "MAX_CANDIDATES", 3)
    for i in range(5):
        make_article(headline=f"Harbour story {i}", published_at=timezone.now() - timedelta(days=i))
    headlines = found(client, q="harbour")
    assert sorted(headlines) == ["Harbour story 0", "Harbour story 1", "Harbour story 2"]
    html = client.get("/search/", {"q": "harbour"}).content.decode()
    assert "among the newest 3 stories" in html
