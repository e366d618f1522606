"""Brotli and zstd through a real Varnish (deploy/varnish/default.vcl): each encoding is an object of its
own, fetched compressed from the app and kept, Brotli for a client that takes it (the smallest); gzip
stays Varnish's (unzipped for a client without it); a publish purges every encoding's object by key."""

import gzip
import http.client

import brotli
import pytest
from django.contrib.auth.models import Group, User
from django.db import transaction

from articles.models import Article, Section
from articles.publishing import workflow

try:
    from compression import zstd  # Python 3.14
except ImportError:
    from backports import zstd

from .conftest import VARNISH_PORT

pytestmark = pytest.mark.django_db(transaction=True)

DECODE = {"gzip": gzip.decompress, "br": brotli.decompress, "zstd": zstd.decompress, None: bytes}
CLIENTS = {
    "br": "gzip, deflate, br, zstd",  # Chrome, Firefox: the smallest, as each object is made once
    "zstd": "gzip, zstd",
    "gzip": "gzip, deflate",
    None: "",  # a client that takes nothing compressed
}


def fetch(path: str, accept: str) -> tuple[http.client.HTTPResponse, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", VARNISH_PORT, timeout=10)
    try:
        headers = {"Host": f"127.0.0.1:{VARNISH_PORT}", **({"Accept-Encoding": accept} if accept else {})}
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response, response.read()
    finally:
        conn.close()


@pytest.fixture
def world(varnish):
    section = Section.objects.create(name="World", slug="world")
    editor = User.objects.create_user("ed", "ed@example.org", "pw-Secret-123", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    stories = []
    for i in range(6):
        story = Article.objects.create(
            headline=f"Harbour works, day {i}", slug=f"harbour-works-{i}", section=section,
            standfirst="The quay is closed while the wall is rebuilt.", body="<p>Body.</p>", status="draft",
        )  # fmt: skip
        with transaction.atomic():
            workflow.publish(article=story, user=editor)
        stories.append(story)
    return {"editor": editor, "stories": stories, "section": section}


def test_each_encoding_is_kept_and_served_to_the_clients_that_take_it(world):
    bodies = {}
    for coding, accept in CLIENTS.items():
        fetch("/world/", accept)
        response, raw = fetch("/world/", accept)
        assert response.status == 200 and response.getheader("X-Edge") == "HIT", coding
        assert response.getheader("Content-Encoding") == coding
        bodies[coding] = DECODE[coding](raw)
        assert b"Harbour works, day 5" in bodies[coding], coding
    # The same page in each: the nonce aside, one render per encoding, each cached.
    sizes = {coding: len(fetch("/world/", accept)[1]) for coding, accept in CLIENTS.items()}
    assert sizes["br"] < sizes["gzip"] < sizes[None] and sizes["zstd"] < sizes[None], sizes


def test_a_publish_purges_every_encodings_object(world):
    for accept in CLIENTS.values():
        fetch("/world/", accept)
        assert fetch("/world/", accept)[0].getheader("X-Edge") == "HIT"
    story = Article.objects.create(
        headline="Quay reopens", slug="quay-reopens", section=world["section"],
        standfirst="Ahead of time.", body="<p>Body.</p>", status="draft",
    )  # fmt: skip
    with transaction.atomic():
        workflow.publish(article=story, user=world["editor"])
    for coding, accept in CLIENTS.items():
        response, raw = fetch("/world/", accept)
        # A client without gzip is served the gzip object, unzipped: the gzip client's fetch refilled it.
        assert response.getheader("X-Edge") == ("HIT" if coding is None else "MISS"), coding
        assert b"Quay reopens" in DECODE[response.getheader("Content-Encoding")](raw), coding


def test_a_client_cannot_choose_the_object_by_header(world):
    """X-Encoding is the edge's own: a client sending it gets the object for what it accepts."""
    fetch("/world/", CLIENTS["gzip"])
    conn = http.client.HTTPConnection("127.0.0.1", VARNISH_PORT, timeout=10)
    try:
        conn.request("GET", "/world/", headers={"Accept-Encoding": "gzip", "X-Encoding": "br"})
        response = conn.getresponse()
        response.read()
    finally:
        conn.close()
    assert response.getheader("Content-Encoding") == "gzip" and response.getheader("X-Edge") == "HIT"
