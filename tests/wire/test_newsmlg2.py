"""NewsML-G2 wire ingest, on IPTC's own published examples (tests/wire/newsmlg2/) served on loopback as
an agency would: text items land with their NITF body, summary, subjects, version and time; a package
gives its text item the picture it groups; canceled items, picture-only documents and broken or hostile
XML land nothing, and say why on the feed."""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from articles.models import Article, WireFeed, WireItem
from articles.publishing import workflow
from articles.wire import polling
from tests.background import Answer

pytestmark = pytest.mark.django_db
G2 = WireFeed.Format.NEWSML_G2
HERE = Path(__file__).with_name("newsmlg2")
XML = {"Content-Type": "application/vnd.iptc.g2.newsitem+xml"}


def example(name: str) -> bytes:
    return next(HERE.glob(f"LISTING_{name}_*.xml")).read_bytes()


def without_declaration(document: bytes) -> bytes:
    return document.split(b"?>", 1)[1] if document.lstrip().startswith(b"<?xml") else document


def serve(feed_server, make_feed, path: str, body: bytes):
    feed_server.answers[path] = Answer(body, headers=XML)
    return make_feed(path, G2)


def test_a_text_item_lands_with_its_nitf_body_subjects_version_and_time(feed_server, make_feed):
    feed = serve(feed_server, make_feed, "/g2/text", example("2"))
    assert polling.poll(feed) == (1, 0)
    assert polling.poll(feed) == (0, 0)
    item = WireItem.objects.get()
    assert item.guid == "urn:newsml:acmenews.com:20161121:US-FINANCE-FED" and item.version == 11
    assert item.headline == 'Fed to halt QE to avert "bubble"'
    assert item.subjects == ["economy, business and finance", "central bank", "money and monetary policy"]
    assert item.sent_at == datetime(2018, 11, 21, 21, 25, 32, tzinfo=UTC)
    assert item.body.count("<p>") == 2 and item.body.startswith("<p>(New York, NY - October 21) Et, sent")
    assert "\n" not in item.body and "  " not in item.body  # the XML's indentation is not the text's
    assert "<hl1>" not in item.body and "Meredith Jameson" not in item.body  # the head is not the body
    assert feed.__class__.objects.get(pk=feed.pk).last_error == ""


def test_a_sports_story_keeps_its_summary_paragraphs_and_every_subject(feed_server, make_feed):
    feed = serve(feed_server, make_feed, "/g2/sport", example("22"))
    assert polling.poll(feed) == (1, 0)
    item = WireItem.objects.get()
    assert item.headline.startswith("Preview: Arizona Diamondbacks (29-23) at Philadelphia Phillies")
    assert item.summary.startswith("A pair of teams coming off big weekend sweeps will square off tonight")
    assert {"sport", "Baseball", "Philadelphia Phillies", "Doug Davis"} <= set(item.subjects)
    assert item.body.count("<p>") >= 5 and "Livan Hernandez" in item.body


def test_an_embargoed_item_with_an_empty_body_still_lands_for_the_desk(feed_server, make_feed):
    feed = serve(feed_server, make_feed, "/g2/empty", example("1"))
    assert polling.poll(feed) == (1, 0)
    item = WireItem.objects.get()
    assert (item.headline, item.body) == ('Fed to halt QE to avert "bubble"', "")
    assert item.subjects == ["economy, business and finance", "labour market"]


def test_a_package_gives_its_text_item_the_picture_it_groups(feed_server, make_feed):
    """A newsMessage carrying a text item, a Getty picture item (its high-resolution rendition at an
    absolute address) and the packageItem grouping them."""
    text = without_declaration(example("2"))
    getty = b"https://images.agency.example/GYI0062134533.jpg"
    picture = without_declaration(example("3")).replace(b"./GYI0062134533.jpg", getty)
    fed = b"urn:newsml:acmenews.com:20161121:US-FINANCE-FED"
    message = (
        b'<?xml version="1.0" encoding="UTF-8"?><newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/">'
        b"<header><sent>2018-11-21T21:30:00Z</sent></header><itemSet>"
        b'<packageItem guid="pkg-1" version="1"><itemMeta><itemClass qcode="ninat:composite"/></itemMeta>'
        b'<groupSet root="G1"><group id="G1"><itemRef residref="' + fed + b'"/>'
        b'<itemRef residref="tag:gettyimages.com,2010:GYI0062134533"/></group></groupSet></packageItem>'
        + text + picture + b"</itemSet></newsMessage>"
    )  # fmt: skip
    feed = serve(feed_server, make_feed, "/g2/message", message)
    assert polling.poll(feed) == (1, 0)  # the picture is not an item of its own
    item = WireItem.objects.get()
    assert item.picture_url == "https://images.agency.example/GYI0062134533.jpg"  # highRes, not web or thumb
    assert item.picture_caption.startswith(
        "A general view of part of downtown, including Las Vegas Boulevard"
    )
    assert item.picture_credit == "Getty Images"


def test_a_picture_alone_a_bare_package_and_a_message_of_placeholders_land_nothing(feed_server, make_feed):
    for path, name in (("/g2/photo", "3"), ("/g2/package", "6"), ("/g2/placeholders", "24")):
        feed = serve(feed_server, make_feed, path, example(name))
        assert polling.poll(feed) == (0, 0), name
        assert WireFeed.objects.get(pk=feed.pk).last_error == "", name
    assert not WireItem.objects.exists()


def test_a_later_version_updates_the_item_and_a_canceled_one_is_left_out(feed_server, make_feed):
    feed = serve(feed_server, make_feed, "/g2/versions", example("2"))
    polling.poll(feed)
    feed_server.answers["/g2/versions"] = Answer(
        example("2").replace(b'version="11"', b'version="12"').replace(b"avert", b"prevent"), headers=XML
    )
    assert polling.poll(feed) == (0, 1)
    item = WireItem.objects.get()
    assert (item.version, item.headline) == (12, 'Fed to halt QE to prevent "bubble"')
    canceled = (
        example("2").replace(b"US-FINANCE-FED", b"US-FINANCE-OTHER").replace(b"stat:usable", b"stat:canceled")
    )
    feed_server.answers["/g2/canceled"] = Answer(canceled, headers=XML)
    assert polling.poll(make_feed("/g2/canceled", G2)) == (0, 0)
    assert WireItem.objects.count() == 1


@pytest.mark.parametrize(
    "body, error",
    [
        (b"<newsItem xmlns='http://iptc.org/std/nar/2006-10-01/'><itemMeta>", "not valid XML"),
        (b'<?xml version="1.0"?><rss version="2.0"><channel/></rss>', "not a NewsML-G2 document"),
        (
            b'<?xml version="1.0"?><!DOCTYPE n [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<newsItem xmlns='http://iptc.org/std/nar/2006-10-01/' guid='x'>&x;</newsItem>",
            "refused: the document declares",
        ),
        (b'{"uri": "urn:x", "headline": "JSON"}', "not valid XML"),
    ],
    ids=["truncated", "rss", "xxe", "json"],
)
def test_broken_or_hostile_documents_land_nothing_and_say_why(feed_server, make_feed, body, error):
    feed = serve(feed_server, make_feed, "/g2/broken", body)
    polling.poll(feed)
    assert error in WireFeed.objects.get(pk=feed.pk).last_error
    assert not WireItem.objects.exists()


def test_the_feed_asks_for_newsml_g2(feed_server, make_feed):
    feed = serve(feed_server, make_feed, "/g2/accept", example("2"))
    polling.poll(feed)
    assert "application/vnd.iptc.g2.newsitem+xml" in feed_server.seen[-1].headers["Accept"]


def test_an_xhtml_body_keeps_its_structure_and_loses_what_is_unsafe(feed_server, make_feed):
    xhtml = (
        b'<inlineXML contenttype="application/xhtml+xml"><html xmlns="http://www.w3.org/1999/xhtml">'
        b"<head><title>Not the body</title></head><body><h2>Tides</h2><p>High water at <b>noon</b>,"
        b' see <a href="https://tides.example/">the tables</a>.</p><ul><li>North quay</li></ul>'
        b'<script>alert(1)</script><p onclick="x()">Closed.</p></body></html></inlineXML>'
    )
    document = re.sub(rb"<inlineXML.*</inlineXML>", xhtml, example("2"), flags=re.S)
    feed = serve(feed_server, make_feed, "/g2/xhtml", document)
    assert polling.poll(feed) == (1, 0)
    body = WireItem.objects.get().body
    assert body.startswith("<h2>Tides</h2><p>High water at <strong>noon</strong>, see <a href=")
    assert "<li>North quay</li>" in body and "<p>Closed.</p>" in body
    assert (
        "script" not in body and "alert" not in body and "onclick" not in body and "Not the body" not in body
    )


def test_an_agency_embargo_and_note_reach_the_desk_and_hold_the_story(
    feed_server, make_feed, client, reporter, editor
):
    """LISTING 1 with its embargo moved into the future: the desk shows it and the agency's note, a
    reporter's "Use this" carries it into the draft, and the story cannot be published before it."""
    document = example("1").replace(b"2018-10-23T12:00:00Z", b"2031-03-04T12:00:00Z")
    assert polling.poll(serve(feed_server, make_feed, "/g2/embargo", document)) == (1, 0)
    item = WireItem.objects.get()
    assert item.embargoed_until == datetime(2031, 3, 4, 12, tzinfo=UTC)
    assert item.editors_note.startswith("Note to editors: STRICTLY EMBARGOED. Not for public release")
    client.force_login(reporter)
    desk = client.get("/admin/").content.decode()
    assert "Embargoed until" in desk and "Agency note: Note to editors: STRICTLY EMBARGOED" in desk
    response = client.post(f"/admin/articles/wireitem/{item.pk}/use/")
    assert response.status_code == 302
    story = Article.objects.get()
    assert story.embargo_until == datetime(2031, 3, 4, 12, tzinfo=UTC)
    with pytest.raises(ValidationError, match="embargoed until"):
        workflow.publish(article=story, user=editor)


def test_a_past_embargo_holds_nothing_and_a_malformed_one_is_ignored(
    feed_server, make_feed, client, reporter
):
    bad = example("2").replace(
        b'guid="urn:newsml:acmenews.com:20161121:US-FINANCE-FED"', b'guid="g2-bad-embargo"'
    )
    bad = bad.replace(b"<pubStatus", b"<embargoed>next Tuesday</embargoed><pubStatus", 1)
    feed = serve(feed_server, make_feed, "/g2/past", example("1"))
    assert polling.poll(feed) == (1, 0)
    feed_server.answers["/g2/past"] = Answer(bad, headers=XML)
    assert polling.poll(feed) == (1, 0)
    past, malformed = WireItem.objects.order_by("id")
    assert (
        past.embargoed_until == datetime(2018, 10, 23, 12, tzinfo=UTC) and malformed.embargoed_until is None
    )
    client.force_login(reporter)
    assert "Embargoed until" not in client.get("/admin/").content.decode()
    client.post(f"/admin/articles/wireitem/{past.pk}/use/")
    assert Article.objects.get().embargo_until is None
