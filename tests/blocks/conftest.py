"""Fixtures for embeds and story blocks: a loopback oEmbed server, and a story with every block."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from articles.blocks.providers import PROVIDERS

PORTS = range(8051, 8060)  # this wing's loopback ports


class OEmbedServer:
    """A real HTTP server on loopback standing in for every provider's oEmbed endpoint.

    `answers[provider key]` is (status, body): a dict is sent as JSON, bytes as they are, and "hang"
    answers only once `release` is set (a provider that does not answer in time). Every request is kept
    in `asked` as (provider key, the url asked about).
    """

    def __init__(self):
        self.answers = {}
        self.asked = []
        self.release = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                parts = urlsplit(self.path)
                key = parts.path.strip("/")
                server.asked.append((key, parse_qs(parts.query).get("url", [""])[0]))
                status, body = server.answers.get(key, (200, {"title": f"A {key} title"}))
                if body == "hang":
                    server.release.wait(10)
                    return
                if isinstance(body, dict):
                    body = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        for port in PORTS:
            try:
                self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
                break
            except OSError:
                continue
        else:
            raise RuntimeError(f"no free loopback port in {PORTS}")
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def endpoints(self) -> dict[str, str]:
        return {p.key: f"http://127.0.0.1:{self.port}/{p.key}?url={{url}}" for p in PROVIDERS}

    def stop(self):
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def oembed(settings):
    """Title lookups on, against the loopback server."""
    server = OEmbedServer()
    settings.EMBED_TITLE_LOOKUPS = True
    settings.EMBED_LOOKUP_TIMEOUT = 0.5
    settings.EMBED_OEMBED_ENDPOINTS = server.endpoints()
    yield server
    server.stop()


@pytest.fixture
def other_story(make_article, make_photo):
    return make_article(
        headline="Ferry timetable changes", slug="ferry-timetable", lead_photo=make_photo(credit_text="Staff")
    )


@pytest.fixture
def block_body(make_photo, make_source, other_story):
    """A stored body with one block of each kind and an embed."""
    photo = make_photo(caption="The old pier at dawn", credit_source=make_source(name="Harbour Agency"))
    return (
        "<p>Opening paragraph.</p>"
        '<figure data-block="pullquote"><blockquote><p>We will <em>rebuild</em> it</p></blockquote>'
        "<figcaption>Ana Ruiz, mayor</figcaption></figure>"
        f'<figure data-block="photo" data-photo-id="{photo.pk}"></figure>'
        f'<aside data-block="readmore" data-story-id="{other_story.pk}"></aside>'
        '<aside data-block="factbox"><h2>The pier</h2><ul><li>Built 1902</li><li>310 m long</li></ul></aside>'
        '<p><a href="https://youtu.be/dQw4w9WgXcQ" title="Pier film">https://youtu.be/dQw4w9WgXcQ</a></p>'
    ), photo
