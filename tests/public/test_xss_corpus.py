"""Hostile and odd input through the sanitiser, and through the admin to the public page."""

import random
import string

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.sanitize import sanitize_html
from tests.htmlscan import PAGE_FURNITURE, dangerous_bits, form_fields, outside_allowlist, scripts

pytestmark = pytest.mark.django_db

XSS_VECTORS = [
    # script elements
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<script\x00>alert(1)</script>",
    "<template><script>alert(1)</script></template>",
    # event handlers
    "<img src=x onerror=alert(1)>",
    "<img/src='x'/onerror=alert(1)>",
    '<img src="x` `<script>alert(1)</script>"` `>',
    '<p onclick="alert(1)">click</p>',
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>x</details>",
    "<input autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<marquee onstart=alert(1)>x</marquee>",
    '<a href="https://ok.example/" onmouseover="alert(1)">x</a>',
    '<a href="https://ok.example/"title="t"onclick="alert(1)">x</a>',
    '<ol start="1 onmouseover=alert(1)"><li>x</li></ol>',
    # javascript:, vbscript:, data: URLs with case, entity, whitespace and control-character tricks
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="&#x6A;avascript&colon;alert(1)">x</a>',
    '<a href="javascript&#0000058alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href="jav&#x0A;ascript:alert(1)">x</a>',
    '<a href="java\nscript:alert(1)">x</a>',
    '<a href=" &#14;  javascript:alert(1)">x</a>',
    '<a href="\\u006aavascript:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="DATA:text/html,<script>alert(1)</script>">x</a>',
    # SVG and MathML
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>',
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    '<math href="javascript:alert(1)">x</math>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    # frames, plugins and page-level elements
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<base href="javascript:alert(1)//">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel="stylesheet" href="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<button formaction="javascript:alert(1)">x</button>',
    # style
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<div style="width: expression(alert(1))">x</div>',
    "<style>@import 'javascript:alert(1)';</style>",
    # malformed nesting, comments, CDATA and mutation tricks
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    "<p>ok</p><!-- <script>alert(1)</script> -->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "<xmp><img src=x onerror=alert(1)></xmp>",
    "<textarea><script>alert(1)</script></textarea>",
    '"><script>alert(1)</script>',
    "<p><b><i>unclosed <a href='javascript:alert(1)'>x",
    "</p></li></ul><script>alert(1)</script><ul><li><p>",
    "<isindex type=image src=1 onerror=alert(1)>",
]


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_sanitiser_leaves_nothing_executable(vector):
    clean = sanitize_html(vector)
    assert dangerous_bits(clean) == []
    assert outside_allowlist(clean) == []
    # Stable when parsed again: what a browser re-serialises cannot turn into something else.
    assert sanitize_html(clean) == clean


def test_corpus_is_big_enough():
    assert len(XSS_VECTORS) >= 40


def test_the_checks_can_fail():
    assert dangerous_bits('<a href="java&#x09;script:alert(1)">x</a>') != []
    assert dangerous_bits('<p onclick="x()">') != [] and outside_allowlist("<p class=a>x</p>") != []


ORDINARY = (
    "<h2>Subheading</h2><h3>Smaller</h3>"
    "<p>Plain, <strong>strong</strong>, <em>emphasis</em>, <s>struck</s> and "
    '<a href="https://example.org/report?a=1&amp;b=2">a link</a>, '
    '<a href="mailto:desk@example.org">mail</a>.<br>Next line.</p>'
    "<ul><li>one</li><li>two</li></ul><ol><li>first</li></ol>"
    "<blockquote><p>“A quote,” she said.</p></blockquote><hr>"
)


def test_ordinary_formatting_survives_the_sanitiser():
    clean = sanitize_html(ORDINARY)
    assert clean == ORDINARY.replace('">a link', '" rel="noopener noreferrer">a link').replace(
        '">mail', '" rel="noopener noreferrer">mail'
    )


_blank_form: dict = {}


def admin_add(client, section, **fields):
    """Fill in the admin's add form as a browser would, then submit it."""
    url = reverse("admin:articles_article_add")
    if not _blank_form:
        # The empty form is the same for every test: read it once, not once per vector.
        _blank_form.update(form_fields(client.get(url).content.decode(), "article_form"))
    return client.post(url, {**_blank_form, "section": str(section.pk), **fields})


def publish(slug: str) -> Article:
    # Straight to the published state: this is about rendering, not about the workflow.
    Article.objects.filter(slug=slug).update(status=Article.Status.PUBLISHED, published_at=timezone.now())
    return Article.objects.get(slug=slug)


def story_body(html: str) -> str:
    start = html.index('<div class="story-body">') + len('<div class="story-body">')
    return html[start : html.index("</div>", start)]


@pytest.mark.parametrize("index", range(len(XSS_VECTORS)))
def test_vector_posted_through_the_admin_is_inert_on_the_public_page(editor_client, client, section, index):
    vector = XSS_VECTORS[index]
    text = vector.replace("\x00", "")  # NUL bytes have their own test below
    response = admin_add(
        editor_client, section, headline=f"Story {index} {text}"[:200], slug=f"xss-{index}",
        standfirst=text, body=text, seo_title="", meta_description=text[:200],
    )  # fmt: skip
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = publish(f"xss-{index}")
    assert dangerous_bits(article.body) == [] and outside_allowlist(article.body) == []

    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert outside_allowlist(story_body(html)) == []
    # Headline, standfirst and meta tags are escaped text; the only inline script is the JSON-LD.
    assert [b for b in dangerous_bits(html) if b not in PAGE_FURNITURE] == []
    inline = [s for s in scripts(html) if "src" not in s.attrs]
    assert [s.attrs.get("type") for s in inline] == ["application/ld+json"] * len(inline)
    # The others are the site's own static files (the read beacon, embeds), never a story's.
    assert all(s.attrs["src"].startswith("/static/js/") for s in scripts(html) if "src" in s.attrs)
    assert "</script><script>" not in html and "<script>alert" not in html


def test_ordinary_formatting_survives_to_the_public_page(editor_client, client, section):
    assert (
        admin_add(editor_client, section, headline="Formatting", slug="formatting", body=ORDINARY).status_code
        == 302
    )
    html = client.get(publish("formatting").get_absolute_url()).content.decode()
    body = story_body(html)
    for piece in (
        "<h2>Subheading</h2>", "<strong>strong</strong>", "<em>emphasis</em>", "<s>struck</s>",
        '<a href="https://example.org/report?a=1&amp;b=2" rel="noopener noreferrer">a link</a>',
        "<ul><li>one</li><li>two</li></ul>", "<blockquote><p>“A quote,” she said.</p></blockquote>", "<hr>",
    ):  # fmt: skip
        assert piece in body


WIRE_TEXT = (
    "Protesters in \u200fالقاهرة\u200e and \u202eevil\u202c \u2066isolated\u2069 "
    "families 👩\u200d👩\u200d👧 👍🏽 🇺🇦, Zalgo Z\u0334\u0321a\u0337l\u0336g\u0338o, "
    "zero\u200bwidth, no\u00adbreak, combining e\u0301 vs é, ﬁ ligature, 𝔘𝔫𝔦𝔠𝔬𝔡𝔢"
)


def test_wire_text_with_odd_unicode_is_kept_exactly(editor_client, client, section):
    response = admin_add(
        editor_client, section, headline=WIRE_TEXT[:200], slug="wire-unicode",
        standfirst=WIRE_TEXT, body=f"<p>{WIRE_TEXT}</p>",
    )  # fmt: skip
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = publish("wire-unicode")
    assert article.headline == WIRE_TEXT[:200] and article.standfirst == WIRE_TEXT
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'<h1 class="headline">{WIRE_TEXT[:200]}</h1>' in html
    assert f"<p>{WIRE_TEXT}</p>" in story_body(html)
    for url in ("/", article.section.get_absolute_url()):
        assert client.get(url).status_code == 200


def test_nul_bytes_from_an_import_are_dropped(make_article, client):
    article = make_article(headline="Wire\x00 story", standfirst="Stand\x00first", body="<p>Bo\x00dy</p>")
    article.refresh_from_db()
    assert (article.headline, article.standfirst, article.body) == ("Wire story", "Standfirst", "<p>Body</p>")
    assert client.get(article.get_absolute_url()).status_code == 200


def test_nul_bytes_pasted_into_the_admin_are_dropped(editor_client, client, section):
    response = admin_add(
        editor_client, section, headline="Pasted\x00 wire", slug="pasted-nul",
        standfirst="Stand\x00first", body="<p>Bo\x00dy</p>",
    )  # fmt: skip
    assert response.status_code == 302
    article = publish("pasted-nul")
    assert (article.headline, article.standfirst, article.body) == (
        "Pasted wire",
        "Standfirst",
        "<p>Body</p>",
    )


def test_nul_bytes_in_the_admin_never_cause_a_server_error(editor_client, section):
    response = admin_add(
        editor_client, section, headline="Pasted\x00 wire", slug="pasted-nul", body="<p>\x00</p>"
    )
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert "Null characters are not allowed" in response.content.decode()
        assert not Article.objects.exists()


def test_a_one_megabyte_body_is_saved_and_rendered(editor_client, client, section):
    paragraph = "<p>" + "Wire copy with <strong>some</strong> formatting, repeated at length. " * 20 + "</p>"
    body = paragraph * (1_048_576 // len(paragraph) + 1)
    assert len(body) > 1_000_000
    response = admin_add(editor_client, section, headline="Very long", slug="very-long", body=body)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = publish("very-long")
    assert article.body == body
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200 and len(page.content) > 1_000_000
    assert client.get("/").status_code == 200


def test_a_one_megabyte_body_of_distinct_words_is_saved(editor_client, client, section):
    # A wire data dump (prices, results, tickers): almost every token is new, unlike prose.
    rng = random.Random(6)
    words = " ".join("".join(rng.choices(string.ascii_lowercase, k=9)) for _ in range(105_000))
    response = admin_add(
        editor_client, section, headline="Market data", slug="market-data", body=f"<p>{words}</p>"
    )
    assert response.status_code == 302
    assert client.get(publish("market-data").get_absolute_url()).status_code == 200
