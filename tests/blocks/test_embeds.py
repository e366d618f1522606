"""A provider URL on a line of its own is a click-to-load embed; anything else stays a link."""

from html import unescape

import pytest
from django.test import Client

from articles.blocks import render_embed
from articles.blocks.providers import frame_sources
from tests.htmlscan import csp_directives

pytestmark = pytest.mark.django_db

YT = "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"
# (pasted URL, provider shown, player src loaded on click, frame shape)
FORMS = [
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "YouTube", YT, "video"),
    ("https://youtube.com/watch?v=dQw4w9WgXcQ&t=1m30s", "YouTube", YT + "&start=90", "video"),
    ("https://m.youtube.com/watch?v=dQw4w9WgXcQ", "YouTube", YT, "video"),
    ("https://youtu.be/dQw4w9WgXcQ?t=42", "YouTube", YT + "&start=42", "video"),
    ("https://www.youtube.com/shorts/dQw4w9WgXcQ", "YouTube", YT, "vertical"),
    ("https://www.youtube.com/embed/dQw4w9WgXcQ", "YouTube", YT, "video"),
    ("https://www.youtube.com/live/dQw4w9WgXcQ", "YouTube", YT, "video"),
    ("https://vimeo.com/76979871", "Vimeo",
     "https://player.vimeo.com/video/76979871?dnt=1&autoplay=1", "video"),
    ("https://vimeo.com/76979871/a1b2c3d4e5", "Vimeo",
     "https://player.vimeo.com/video/76979871?dnt=1&autoplay=1&h=a1b2c3d4e5", "video"),
    ("https://vimeo.com/channels/staffpicks/76979871", "Vimeo",
     "https://player.vimeo.com/video/76979871?dnt=1&autoplay=1", "video"),
    ("https://player.vimeo.com/video/76979871", "Vimeo",
     "https://player.vimeo.com/video/76979871?dnt=1&autoplay=1", "video"),
    ("https://x.com/NASA/status/1790012345678901234", "X",
     "https://platform.twitter.com/embed/Tweet.html?id=1790012345678901234&dnt=true", "post"),
    ("https://twitter.com/NASA/status/1790012345678901234?s=20", "X",
     "https://platform.twitter.com/embed/Tweet.html?id=1790012345678901234&dnt=true", "post"),
    ("https://mobile.twitter.com/NASA/status/1790012345678901234/photo/1", "X",
     "https://platform.twitter.com/embed/Tweet.html?id=1790012345678901234&dnt=true", "post"),
    ("https://www.facebook.com/NASA/posts/pfbid02abcDEF", "Facebook",
     "https://www.facebook.com/plugins/post.php?href=https%3A%2F%2Fwww.facebook.com%2FNASA%2Fposts%2Fpfbid02abcDEF"
     "&show_text=true", "post"),
    ("https://www.facebook.com/NASA/videos/1234567890/", "Facebook",
     "https://www.facebook.com/plugins/video.php?href=https%3A%2F%2Fwww.facebook.com%2FNASA%2Fvideos%2F1234567890%2F"
     "&show_text=false", "video"),
    ("https://www.facebook.com/watch/?v=1234567890", "Facebook",
     "https://www.facebook.com/plugins/video.php?href=https%3A%2F%2Fwww.facebook.com%2Fwatch%2F%3Fv%3D1234567890"
     "&show_text=false", "video"),
    ("https://www.instagram.com/p/C8abcDEF12x/", "Instagram",
     "https://www.instagram.com/p/C8abcDEF12x/embed/", "post"),
    ("https://www.instagram.com/reel/C8abcDEF12x/", "Instagram",
     "https://www.instagram.com/reel/C8abcDEF12x/embed/", "post"),
    ("https://www.tiktok.com/@scout2015/video/6718335390845095173", "TikTok",
     "https://www.tiktok.com/player/v1/6718335390845095173?description=1", "vertical"),
    ("https://bsky.app/profile/bsky.app/post/3l3orwsydyc24", "Bluesky",
     "https://embed.bsky.app/embed/bsky.app/app.bsky.feed.post/3l3orwsydyc24", "post"),
    ("https://bsky.app/profile/did:plc:z72i7hdynmk6r22z27h6tvur/post/3l3orwsydyc24", "Bluesky",
     "https://embed.bsky.app/embed/did:plc:z72i7hdynmk6r22z27h6tvur/app.bsky.feed.post/3l3orwsydyc24",
     "post"),
    ("https://mastodon.social/@Gargron/109316227232331219", "Mastodon",
     "https://mastodon.social/@Gargron/109316227232331219/embed", "post"),
    ("https://journa.host/@reporter/112233445566778899", "Mastodon",
     "https://journa.host/@reporter/112233445566778899/embed", "post"),
    ("https://open.spotify.com/episode/4rOoJ6Egrf8K2IrywzwOMk", "Spotify",
     "https://open.spotify.com/embed/episode/4rOoJ6Egrf8K2IrywzwOMk", "audio"),
    ("https://open.spotify.com/show/5CfCWKI5pZ28U0uOzXkDHe?si=abc", "Spotify",
     "https://open.spotify.com/embed/show/5CfCWKI5pZ28U0uOzXkDHe", "audio-tall"),
    ("https://podcasts.apple.com/gb/podcast/the-news-hour/id1200361736?i=1000650012345", "Apple Podcasts",
     "https://embed.podcasts.apple.com/gb/podcast/the-news-hour/id1200361736?i=1000650012345", "audio"),
    ("https://podcasts.apple.com/us/podcast/the-news-hour/id1200361736", "Apple Podcasts",
     "https://embed.podcasts.apple.com/us/podcast/the-news-hour/id1200361736", "audio-tall"),
]  # fmt: skip

STAYS_A_LINK = [
    "https://example.com/watch?v=dQw4w9WgXcQ",  # not a provider
    "https://www.youtube.com/watch?v=short",  # not a video id
    "https://www.youtube.com/@somechannel",  # a channel, not a video
    "https://x.com/NASA",  # a profile, not a post
    "https://unknown.example.social/@someone/109316227232331219",  # a Mastodon server we do not frame
    "https://www.instagram.com/nasa/",
    "https://open.spotify.com/track/4rOoJ6Egrf8K2IrywzwOMk",  # music, not a podcast
    "https://www.youtube.com:8443/watch?v=dQw4w9WgXcQ",  # odd port
    "https://user@www.youtube.com/watch?v=dQw4w9WgXcQ",
    "javascript:alert(1)//https://youtu.be/dQw4w9WgXcQ",
]


def story_page(make_article, body: str) -> str:
    article = make_article(body=body)
    response = Client().get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def embeds_in(html: str) -> list[str]:
    return [unescape(part.split('"', 1)[0]) for part in html.split('data-embed-src="')[1:]]


@pytest.mark.parametrize(("url", "provider", "src", "shape"), FORMS)
@pytest.mark.parametrize("as_link", [True, False], ids=["link", "bare"])
def test_provider_url_on_its_own_line_becomes_a_click_to_load_embed(
    make_article, url, provider, src, shape, as_link
):
    line = f'<a href="{url}">{url}</a>' if as_link else url
    html = story_page(make_article, f"<p>Before.</p><p>{line}</p><p>After.</p>")
    assert embeds_in(html) == [src]
    # The placeholder: provider, a real link to the post, a button only scripts reveal; no frame yet.
    assert f'class="embed embed-{shape}"' in html
    assert f'<p class="embed-provider">{provider}</p>' in html
    assert f'<figcaption><a href="{url.replace("&", "&amp;")}" rel="noopener noreferrer">' in html
    assert '<div class="embed-consent" hidden><button type="button" class="embed-load" aria-label="' in html
    assert "<iframe" not in html
    assert '<script src="/static/js/embeds.js" defer></script>' in html
    assert "<p>Before.</p>" in html and "<p>After.</p>" in html


@pytest.mark.parametrize("url", STAYS_A_LINK)
def test_unknown_url_stays_a_link(make_article, url):
    html = story_page(make_article, f'<p><a href="https://example.org/a">{url}</a></p><p>{url}</p>')
    assert embeds_in(html) == [] and "embeds.js" not in html


@pytest.mark.parametrize(
    "paragraph",
    [
        "<p>Watch https://youtu.be/dQw4w9WgXcQ now.</p>",
        '<p>Watch <a href="https://youtu.be/dQw4w9WgXcQ">https://youtu.be/dQw4w9WgXcQ</a> now.</p>',
        '<p><a href="https://youtu.be/dQw4w9WgXcQ">the mayor’s video</a></p>',
        '<p><a href="https://youtu.be/dQw4w9WgXcQ">https://youtu.be/dQw4w9WgXcQ</a> '
        '<a href="https://vimeo.com/76979871">https://vimeo.com/76979871</a></p>',
        "<ul><li>https://youtu.be/dQw4w9WgXcQ</li></ul>",
        "<blockquote><p>https://youtu.be/dQw4w9WgXcQ</p></blockquote>",
    ],
    ids=["in-text", "link-in-text", "link-with-words", "two-links", "in-a-list", "in-a-quote"],
)
def test_url_among_other_words_stays_a_link(make_article, paragraph):
    html = story_page(make_article, paragraph)
    assert embeds_in(html) == []
    assert "youtu.be/dQw4w9WgXcQ" in html


def test_stored_title_shows_in_the_placeholder_escaped(make_article):
    url = "https://youtu.be/dQw4w9WgXcQ"
    html = story_page(make_article, f'<p><a href="{url}" title="Storm &lt;b&gt; surge">{url}</a></p>')
    assert '<p class="embed-title">Storm &lt;b&gt; surge</p>' in html
    assert 'data-embed-title="YouTube video: Storm &lt;b&gt; surge"' in html
    assert "<b>" not in html.split('<main id="main"', 1)[1]


def test_render_embed_is_public_for_other_pages():
    placeholder = render_embed("https://x.com/NASA/status/1790012345678901234", "Launch")
    assert (
        'data-embed-src="https://platform.twitter.com/embed/Tweet.html?id=1790012345678901234&amp;dnt=true"'
        in (placeholder)
    )
    assert '<p class="embed-title">Launch</p>' in placeholder and hasattr(placeholder, "__html__")
    assert render_embed("https://example.com/video") is None
    assert render_embed("") is None


EXPECTED_FRAMES = {
    "https://www.youtube-nocookie.com", "https://player.vimeo.com", "https://platform.twitter.com",
    "https://www.facebook.com", "https://www.instagram.com", "https://www.tiktok.com", "https://embed.bsky.app",
    "https://open.spotify.com", "https://embed.podcasts.apple.com",
    "https://mastodon.social", "https://mastodon.online", "https://mstdn.social", "https://mas.to",
    "https://mastodon.world", "https://fosstodon.org", "https://hachyderm.io", "https://infosec.exchange",
    "https://journa.host", "https://newsie.social", "https://mastodon.green", "https://social.coop",
}  # fmt: skip


def test_csp_frames_exactly_the_embed_providers_and_scripts_stay_ours(make_article):
    article = make_article(body="<p>https://youtu.be/dQw4w9WgXcQ</p>")
    for url in ("/", article.get_absolute_url()):
        csp = csp_directives(Client().get(url).headers["Content-Security-Policy"])
        assert set(csp["frame-src"]) == EXPECTED_FRAMES and len(csp["frame-src"]) == len(EXPECTED_FRAMES)
        assert csp["script-src"][0] == "'self'" and not any("://" in source for source in csp["script-src"])
        assert "child-src" not in csp and csp["default-src"] == ["'self'"]


@pytest.mark.parametrize(("url", "provider", "src", "shape"), FORMS)
def test_every_player_comes_from_an_origin_the_csp_frames(url, provider, src, shape):
    origin = "/".join(src.split("/")[:3])
    assert origin in frame_sources()
