""" "Use this": a draft from a wire item, attributed and credited, with the agency picture downloaded; later
versions flag the story with what changed; the desk's incoming-wire panel."""

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse
from taggit.models import Tag

from articles.models import Article, Photo, WireFeed, WireItem
from articles.wire import polling
from tests.background import Answer
from tests.helpers import image_bytes
from tests.wire import feeds

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(feed_server, make_feed):
    """A ninjs 2.x item with a picture the agency serves, its subjects one existing tag and one unknown."""
    Tag.objects.create(name="Economy", slug="economy")
    feed_server.answers["/pic.jpg"] = Answer(
        image_bytes(size=(1200, 800)), headers={"Content-Type": "image/jpeg"}
    )
    feed = make_feed("/ninjs", WireFeed.Format.NINJS)
    feed_server.answers["/ninjs"] = Answer(feeds.as_json([
        feeds.ninjs2("urn:agency:u1", "Harbour reopens", version=1, picture=feed_server.url("/pic.jpg"),
                     subjects=["economy", "Transport"]),
    ]))  # fmt: skip
    polling.poll(feed)
    return WireItem.objects.get()


def use_url(item):
    return reverse("admin:articles_wireitem_use", args=[item.pk])


def test_use_this_makes_an_attributed_and_credited_draft(
    item, client, reporter, reuters, section, media_root
):
    client.force_login(reporter)
    response = client.post(use_url(item))
    article = Article.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("admin:articles_article_change", args=[article.pk])
    assert article.status == Article.Status.DRAFT and article.published_at is None
    assert article.headline == "Harbour reopens"
    assert article.standfirst == "Summary of Harbour reopens"
    assert article.body == "<p>Harbour reopens, version 1.</p>"
    assert article.section == section and article.created_by == reporter
    assert list(article.sources.all()) == [reuters]  # "…, Reuters reported"
    assert list(article.tags.names()) == ["Economy"]  # existing tags only
    assert article.revisions.count() == 1
    photo = article.lead_photo
    assert photo.credit_source == reuters and photo.credit == "Reuters"
    assert photo.rights == Photo.Rights.AGENCY
    assert photo.caption == "A harbour at dawn" and photo.credit_text == "Ana Lima"
    assert (photo.width, photo.height) == (1200, 800)
    assert (media_root / photo.image.name).exists()
    item.refresh_from_db()
    assert (item.article, item.used_version, item.used_by) == (article, 1, reporter)
    page = client.get(response.url).content.decode()
    assert "Draft made from the wire" in page


def test_the_draft_reads_attributed_on_its_preview(item, client, editor):
    client.force_login(editor)
    client.post(use_url(item))
    article = Article.objects.get()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "This report draws on reporting by Reuters." in html  # the attribution
    assert "Reuters" in html[html.index("<figure") : html.index("</figure>")]  # the picture's credit


def test_use_this_is_a_post(item, client, reporter):
    client.force_login(reporter)
    assert client.get(use_url(item)).status_code == 405
    assert Article.objects.count() == 0


def test_staff_without_a_role_may_not_use_the_wire(item, client):
    nobody = User.objects.create_user("clerk", "clerk@example.org", "pw-Secret-123", is_staff=True)
    client.force_login(nobody)
    assert client.post(use_url(item)).status_code == 403
    assert Article.objects.count() == 0


def test_an_item_is_used_once(item, client, reporter):
    client.force_login(reporter)
    client.post(use_url(item))
    response = client.post(use_url(item), follow=True)
    assert "used already" in response.content.decode()
    assert Article.objects.count() == 1


@pytest.mark.parametrize(
    "answer, message",
    [(Answer(b"gone", 404), "HTTP 404"), (Answer(b"<html>not a picture</html>"), "not a readable image")],
)
def test_a_picture_that_cannot_be_had_leaves_a_draft_without_it_and_says_why(
    item, feed_server, client, reporter, answer, message, media_root
):
    feed_server.answers["/pic.jpg"] = answer
    client.force_login(reporter)
    response = client.post(use_url(item), follow=True)
    article = Article.objects.get()
    assert article.lead_photo is None and Photo.objects.count() == 0
    assert message in response.content.decode()
    assert not list((media_root).rglob("*.jpg"))


def test_a_picture_from_a_private_address_is_refused(item, client, reporter, settings):
    settings.OUTBOUND_ALLOW_PRIVATE_ADDRESSES = False
    client.force_login(reporter)
    response = client.post(use_url(item), follow=True)
    assert Article.objects.get().lead_photo is None and "refused" in response.content.decode()


def test_a_later_version_flags_the_story_with_a_diff(item, feed_server, client, editor):
    client.force_login(editor)
    client.post(use_url(item))
    article = Article.objects.get()
    feed_server.answers["/ninjs"] = Answer(feeds.as_json([
        feeds.ninjs2("urn:agency:u1", "Harbour reopens after storm", version=2),
    ]))  # fmt: skip
    assert polling.poll(item.feed) == (0, 1)
    item.refresh_from_db()
    assert item.updated_since_use and item.version == 2
    article.refresh_from_db()
    assert article.headline == "Harbour reopens"  # the story itself is not changed
    story_page = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert "Wire updated: Reuters sent version 2" in story_page
    desk = client.get("/admin/").content.decode()
    assert "Wire updated: see changes" in desk and "1 story has a newer version" in desk
    changes_url = reverse("admin:articles_wireitem_changes", args=[item.pk])
    diff = client.get(changes_url).content.decode()
    assert "Harbour reopens<ins> after storm</ins>" in diff
    assert "version <del>1.</del> <ins>2.</ins>" in diff
    assert client.post(changes_url).status_code == 302
    item.refresh_from_db()
    assert not item.updated_since_use
    assert (
        "Wire updated"
        not in client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    )


def test_the_desk_lists_incoming_items_with_use_this(item, client, reporter):
    client.force_login(reporter)
    desk = client.get("/admin/").content.decode()
    panel = desk[desk.index('id="desk-wire"') :]
    panel = panel[: panel.index("</section>")]
    assert "Harbour reopens" in panel and "Reuters" in panel and "With picture" in panel
    assert f'action="{use_url(item)}"' in panel


def test_the_wire_panel_is_not_shown_to_staff_without_the_wire(item, client):
    nobody = User.objects.create_user("clerk", "clerk@example.org", "pw-Secret-123", is_staff=True)
    nobody.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(nobody)
    assert 'id="desk-wire"' not in client.get("/admin/").content.decode()
