"""Full-text search over published stories, in PostgreSQL alone.

The search document is stored in `Article.search_vector` (GIN-indexed) and rebuilt by
`update_search_vectors`, which articles/signals.py calls whenever an input of it changes. Headline
weighs most (A), then standfirst and tags (B), body (C) and section names (D). Both the document and
the query go through `unaccent`, so "Erdogan" finds "Erdoğan".
"""

import html
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from difflib import get_close_matches

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.paginator import Page, Paginator
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection
from django.db.models import F, Func, Q, TextField, Value
from django.db.models.functions import Concat, Lower
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from taggit.models import Tag, TaggedItem

from .models import Article, Section

CONFIG = "english"
MAX_QUERY_LENGTH = 200
# ts_headline marks matches with these control characters; they are removed from the text first, so
# only real matches become <mark> once everything else is escaped.
START, STOP = "\x02", "\x03"
# Dates outside this range are typing mistakes, and date.max + 1 day would overflow.
EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)
WORD = re.compile(r"\w+")
SENTENCE_ENDS = (".", "!", "?", "”", '"', "…")
DATE_FORMAT_ERROR = "Enter a date as YYYY-MM-DD, for example 2026-05-01."
# The sanitised body without its tags: HTML-escaped text, whose entities to_tsvector skips.
# Only the first 200,000 characters of a body are indexed: PostgreSQL caps a tsvector at 1 MB, and a
# story's opening carries its searchable substance anyway.
BODY_TEXT_SQL = "left(regexp_replace({body}, '<[^>]*>', ' ', 'g'), 200000)"


# --- The stored document ------------------------------------------------------------------------


def _update_sql() -> str:
    q = connection.ops.quote_name
    article, section = q(Article._meta.db_table), q(Section._meta.db_table)
    tag, tagged = q(Tag._meta.db_table), q(TaggedItem._meta.db_table)

    def weighted(text: str, weight: str) -> str:
        return f"setweight(to_tsvector(%(config)s::regconfig, unaccent(coalesce({text}, ''))), '{weight}')"

    tags = (
        f"(SELECT string_agg(t.name, ' ') FROM {tagged} ti JOIN {tag} t ON t.id = ti.tag_id "
        "WHERE ti.content_type_id = %(content_type)s AND ti.object_id = a.id)"
    )
    # A child section's stories are listed on its parent's page too, so they answer to both names.
    sections = (
        f"(SELECT concat_ws(' ', s.name, p.name) FROM {section} s "
        f"LEFT JOIN {section} p ON p.id = s.parent_id WHERE s.id = a.section_id)"
    )
    body = BODY_TEXT_SQL.format(body="a.body")
    document = " || ".join(
        [
            weighted("a.headline", "A"),
            weighted("a.standfirst", "B"),
            weighted(tags, "B"),
            weighted(body, "C"),
            weighted(sections, "D"),
        ]
    )
    return f"UPDATE {article} AS a SET search_vector = {document} WHERE a.id = ANY(%(ids)s)"


def update_search_vectors(article_ids) -> int:
    """Rebuild the stored search document of these articles in one UPDATE; return the rows changed."""
    ids = sorted({int(pk) for pk in article_ids if pk is not None})
    if not ids:
        return 0
    params = {"config": CONFIG, "content_type": article_content_type_id(), "ids": ids}
    with connection.cursor() as cursor:
        cursor.execute(_update_sql(), params)
        return cursor.rowcount


# --- Queries ------------------------------------------------------------------------------------


def _unaccent(value):
    return Func(value, function="unaccent", output_field=TextField())


def web_query(text: str) -> SearchQuery:
    """What people type: words, "quoted phrases", -exclusions and OR (websearch_to_tsquery never fails)."""
    return SearchQuery(_unaccent(Value(text)), search_type="websearch", config=CONFIG)


def _words(text: str) -> tuple[list[str], list[str]]:
    """The words a query asks for and those it excludes (a leading minus, as websearch reads it)."""
    wanted, excluded = [], []
    for token in text.lower().split():
        words = [w for w in WORD.findall(token) if w != "or"]
        (excluded if token.startswith("-") else wanted).extend(words)
    return wanted[:8], excluded[:8]


def prefix_query(text: str) -> SearchQuery | None:
    """Every word as a prefix ("ukrai" finds "Ukraine"), for when the query as typed finds nothing."""
    wanted, excluded = _words(text)
    if not wanted:
        return None
    # Only \w characters reach to_tsquery, so nothing in them is operator syntax.
    terms = [f"'{w}':*" if len(w) >= 3 else f"'{w}'" for w in wanted] + [f"!'{w}'" for w in excluded]
    return SearchQuery(_unaccent(Value(" & ".join(terms))), search_type="raw", config=CONFIG)


def _escaped(expression):
    """HTML-escape in SQL, so plain text and the body's escaped text make one document for ts_headline."""
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        expression = Func(
            expression, Value(char), Value(entity), function="replace", output_field=TextField()
        )
    return expression


def _body_text():
    return Func(F("body"), template=BODY_TEXT_SQL.format(body="%(expressions)s"), output_field=TextField())


def _without_marks(expression):
    return Func(expression, Value(START + STOP), Value(""), function="translate", output_field=TextField())


MAX_CANDIDATES = 1000


def search_articles(query: SearchQuery, *, section=None, date_from=None, date_to=None, order="relevance"):
    """Published stories matching `query`, filtered, ranked, with highlighted headline and snippet.

    Only the newest MAX_CANDIDATES matches are ranked: a common word matches half the archive, and
    ranking (and counting) 50,000 stories per request costs seconds where a newsroom's readers want
    recent stories first anyway.
    """
    matches = Article.objects.published().filter(search_vector=query)
    if section is not None:
        matches = matches.in_section(section)
    if date_from:
        matches = matches.filter(published_at__gte=_day_start(date_from))
    if date_to:
        matches = matches.filter(published_at__lt=_day_start(date_to + timedelta(days=1)))
    newest = matches.order_by("-published_at", "-id").values("pk")[:MAX_CANDIDATES]
    results = Article.objects.for_listing().filter(pk__in=newest)
    headline_options = {"start_sel": START, "stop_sel": STOP, "config": CONFIG}
    results = results.annotate(
        rank=SearchRank(F("search_vector"), query),
        headline_marked=SearchHeadline(
            _without_marks(F("headline")), query, highlight_all=True, **headline_options
        ),
        snippet_marked=SearchHeadline(
            _without_marks(
                Concat(_escaped(F("standfirst")), Value(" "), _body_text(), output_field=TextField())
            ),
            query,
            max_words=35,
            min_words=15,
            short_word=3,
            max_fragments=2,
            fragment_delimiter=" … ",
            **headline_options,
        ),
    )
    if order == "newest":
        return results.order_by("-published_at", "-id")
    return results.order_by("-rank", "-published_at", "-id")


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def highlight(marked: str, *, from_html: bool = False) -> SafeString:
    """Escape everything except the match marks, which become <mark>."""
    if from_html:
        marked = html.unescape(marked)
    marked = re.sub(r"\s+", " ", marked).strip()
    out, is_open = [], False
    for piece in re.split(f"([{START}{STOP}])", marked):
        if piece == START and not is_open:
            out.append("<mark>")
            is_open = True
        elif piece == STOP and is_open:
            out.append("</mark>")
            is_open = False
        elif piece not in (START, STOP):
            out.append(escape(piece))
    if is_open:
        out.append("</mark>")
    return mark_safe("".join(out))


# --- "Did you mean" -----------------------------------------------------------------------------


def suggest(text: str, *, cutoff: float = 0.75) -> str | None:
    """A respelling of the query from words readers can see (headlines and tags), if it finds something."""
    words, _ = _words(text)
    if not words:
        return None

    def close_to_a_word(name):
        close = Q()
        for word in words:
            close |= Q(**{f"{name}__trigram_word_similar": word})
        return close

    published = Article.objects.published()
    # One query: headlines holding a word close to one of the query's (the trigram index on
    # lower(headline) finds them), and the names of tags on published stories; a draft's tag never leaks.
    headlines = (
        published.annotate(text=Lower("headline"))
        .filter(close_to_a_word("text"))
        .order_by()
        .values_list("text", flat=True)[:50]
    )
    tags = (
        Tag.objects.filter(
            taggit_taggeditem_items__content_type_id=article_content_type_id(),
            taggit_taggeditem_items__object_id__in=published.values("pk"),
        )
        .annotate(text=Lower("name"))
        .filter(close_to_a_word("text"))
        .order_by()
        .values_list("text", flat=True)[:50]
    )
    vocabulary = {w for phrase in headlines.union(tags).order_by() for w in WORD.findall(phrase)}
    # Each word's closest spelling (transpositions such as "stirkes" included), or the word as typed.
    corrected = [
        word if word in vocabulary else (get_close_matches(word, vocabulary, n=1, cutoff=cutoff) or [word])[0]
        for word in words
    ]
    if corrected == words:
        return None
    suggestion = " ".join(corrected)
    # Only suggest what would find something.
    found = published.filter(search_vector=web_query(suggestion)).exists()
    return suggestion if found else None


# --- The search page ----------------------------------------------------------------------------


def _date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": DATE_FORMAT_ERROR},
        validators=[MinValueValidator(EARLIEST), MaxValueValidator(LATEST)],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search for",
        required=False,
        max_length=MAX_QUERY_LENGTH,
        strip=True,
        help_text='Use "quotes" for a phrase and a minus sign to leave a word out: budget -football',
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "spellcheck": "true"}),
    )
    section = forms.ModelChoiceField(
        queryset=Section.objects.select_related("parent"),
        to_field_name="slug",
        required=False,
        empty_label="All sections",
    )
    date_from = _date_field("From")
    date_to = _date_field("To")
    order = forms.ChoiceField(
        label="Sort by",
        choices=[("relevance", "Relevance"), ("newest", "Newest first")],
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        return cleaned

    def full_clean(self):
        super().full_clean()
        # <input type="date"> may only hold a real date: an unreadable one is shown empty (its error
        # message stays), or the page itself would be invalid HTML.
        unreadable = []
        for name in ("date_from", "date_to"):
            try:
                self.fields[name].to_python(self.data.get(name))
            except forms.ValidationError:
                unreadable.append(name)
        if unreadable:
            self.data = self.data.copy()
            for name in unreadable:
                self.data.pop(name)


@dataclass
class Outcome:
    """What the search page shows besides the form."""

    page: Page | None = None  # a page of ranked, published articles; None when nothing was asked
    prefix_used: bool = False
    suggestion: str | None = None


def run(cleaned: dict, *, page_number, per_page: int) -> Outcome:
    """Search, falling back to word prefixes and then to a "did you mean"; raise InvalidPage for a bad page.

    Queries: a count and the page's rows; when nothing matches, a count for the prefixes and two for
    the suggestion instead. Never one per result.
    """
    text = cleaned.get("q") or ""
    if not text:
        return Outcome()
    filters = {
        "section": cleaned.get("section"),
        "date_from": cleaned.get("date_from"),
        "date_to": cleaned.get("date_to"),
        "order": cleaned.get("order") or "relevance",
    }
    paginator = Paginator(search_articles(web_query(text), **filters), per_page)
    if paginator.count:
        return Outcome(page=_highlighted(paginator.page(page_number)))
    fallback = prefix_query(text)
    if fallback is not None:
        prefixed = Paginator(search_articles(fallback, **filters), per_page)
        if prefixed.count:
            return Outcome(page=_highlighted(prefixed.page(page_number)), prefix_used=True)
    return Outcome(page=paginator.page(page_number), suggestion=suggest(text))


def _highlighted(page: Page) -> Page:
    page.object_list = list(page.object_list)
    for article in page.object_list:
        article.headline_html = highlight(article.headline_marked)
        snippet = highlight(article.snippet_marked, from_html=True)
        # ts_headline cuts mid-sentence: say so.
        article.snippet_html = snippet if snippet.endswith(SENTENCE_ENDS) else mark_safe(f"{snippet} …")
    return page


# --- Keeping the document current (connected in signals.py) -------------------------------------


def article_content_type_id() -> int:
    return ContentType.objects.get_for_model(Article).pk


def update_for_section(section) -> int:
    """After a rename: the section's stories and its sub-sections' (they answer to its name too)."""
    ids = Article.objects.in_section(section).values_list("pk", flat=True)
    return update_search_vectors(list(ids))


def update_for_tag(tag) -> int:
    ids = TaggedItem.objects.filter(tag=tag, content_type_id=article_content_type_id()).values_list(
        "object_id", flat=True
    )
    return update_search_vectors(list(ids))
