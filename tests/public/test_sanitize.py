import pytest

from articles.sanitize import sanitize_html

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "dirty",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<p onclick="alert(1)">x</p>',
        '<a href="javascript:alert(1)">x</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
        '<svg onload="alert(1)"></svg>',
        '<iframe src="https://evil.example"></iframe>',
        '<p style="background:url(javascript:alert(1))">x</p>',
        "<scr<script>ipt>alert(1)</script>",
        '<a href="&#106;avascript:alert(1)">x</a>',
        '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
        "<object data='x.swf'></object>",
        '<form action="https://evil.example"><input name=a></form>',
    ],
)
def test_nothing_executable_survives(dirty):
    clean = sanitize_html(dirty).lower()
    for bad in ("<script", "onerror", "onclick", "onload", "javascript:", "data:", "<svg",
                "<iframe", "style=", "<object", "<form", "<input", "<math"):  # fmt: skip
        assert bad not in clean


def test_ordinary_formatting_survives():
    html = (
        '<h2>Sub</h2><p><strong>b</strong> <em>i</em> <a href="https://x.example/">l</a></p>'
        "<ul><li>one</li></ul><blockquote><p>q</p></blockquote>"
    )
    clean = sanitize_html(html)
    assert "<h2>Sub</h2>" in clean and "<strong>b</strong>" in clean and "<em>i</em>" in clean
    assert '<a href="https://x.example/" rel="noopener noreferrer">l</a>' in clean
    assert "<ul><li>one</li></ul>" in clean and "<blockquote><p>q</p></blockquote>" in clean


def test_nul_bytes_are_removed():
    assert sanitize_html("<p>a\x00b</p>") == "<p>ab</p>"


def test_article_save_sanitises_whatever_the_caller(make_article):
    article = make_article(body='<p onclick="x()">Hi</p><script>alert(1)</script>')
    article.refresh_from_db()
    assert article.body == "<p>Hi</p>"
