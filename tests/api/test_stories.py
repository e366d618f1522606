"""Stories through the read API: ninjs items, the detail, filters, and only what readers may see."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from articles.api import schemas
from articles.models import Article
from articles.ninjs import story_to_ninjs
from articles.publishing import editing

pytestmark = pytest.mark.django_db

LIST = "/api/v1/stories/"


def get_page(client, url=LIST, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    schemas.StoryPage.model_validate(response.json())  # what the OpenAPI schema documents
    return response.json()


def headlines(page) -> list[str]:
    return [item["headlines"][0]["value"] for item in page["items"]]


def by_role(entries, role):
    return [entry for entry in entries if entry.get("role") == role]


def test_list_is_newest_first(client, make_article):
    now = timezone.now()
    for name, minutes in [("Older", 30), ("Newest", 1), ("Middle", 10)]:
        make_article(headline=name, published_at=now - timedelta(minutes=minutes))
    assert headlines(get_page(client)) == ["Newest", "Middle", "Older"]


def test_detail_is_a_ninjs_item_with_every_part(client, dressed_story, settings):
    response = client.get(f"{LIST}{dressed_story.pk}/")
    assert response.status_code == 200
    item = response.json()
    schemas.Story.model_validate(item)
    site = settings.SITE_URL
    assert item["uri"] == f"tag:127.0.0.1,2026:article:{dressed_story.pk}"
    assert item["standard"]["name"] == "ninjs" and item["standard"]["version"].startswith("2.")
    assert item["type"] == "text" and item["pubstatus"] == "usable"
    assert item["version"] == str(dressed_story.version)
    assert datetime.fromisoformat(item["firstcreated"]) == dressed_story.published_at.replace(microsecond=0)
    assert {"versioncreated", "contentcreated"} <= item.keys()
    assert {"role": "id", "value": str(dressed_story.pk)} in item["altids"]
    assert by_role(item["headlines"], "main")[0]["value"] == "Port reopens after strike"
    assert by_role(item["headlines"], "seo")[0]["value"] == "Port reopens"
    assert by_role(item["descriptions"], "summary")[0]["value"] == "Ships sail again."
    body = item["bodies"][0]
    assert body["contenttype"] == "text/html" and "<strong>reopened</strong>" in body["value"]
    assert body["wordcount"] == 8
    assert item["by"] == "Maya Lindqvist and Ivo Petrov"
    assert [(s["name"], s["literal"]) for s in by_role(item["infosources"], "author")] == [
        ("Maya Lindqvist", "maya"),
        ("Ivo Petrov", "ivo"),
    ]
    assert by_role(item["infosources"], "source") == [
        {"name": "Reuters", "role": "source", "literal": "reuters", "uri": "https://www.reuters.com/"}
    ]
    subjects = {(s["rel"], s["literal"]) for s in item["subjects"]}
    assert subjects == {
        ("section", "global"),
        ("section", "europe"),
        ("tag", "shipping"),
        ("tag", "black-sea"),
    }
    assert item["renditions"] == [
        {"name": "web", "href": site + dressed_story.get_absolute_url(), "contenttype": "text/html"}
    ]


def test_pictures_are_associations_with_renditions_and_credits(client, dressed_story, media_root):
    item = client.get(f"{LIST}{dressed_story.pk}/").json()
    pictures = [a for a in item["associations"] if a["type"] == "picture"]
    assert [p["name"] for p in pictures] == ["leadpicture", "gallery-1"]
    lead, gallery = pictures
    assert lead["by"] == "Reuters" and by_role(lead["infosources"], "credit")[0]["name"] == "Reuters"
    assert by_role(lead["descriptions"], "caption")[0]["value"] == "Smoke over the port"
    assert by_role(lead["descriptions"], "alternative-text")[0]["value"] == "Smoke rises over cranes"
    assert "Not for redistribution" in lead["usageterms"]
    assert gallery["by"] == "Jane Photographer" and "May be redistributed" in gallery["usageterms"]
    assert by_role(gallery["descriptions"], "caption")[0]["value"] == "The first ferry out"
    renditions = lead["renditions"]
    assert {r["contenttype"] for r in renditions} == {"image/jpeg", "image/webp"}
    for rendition in renditions:
        assert rendition["width"] > 0 and rendition["height"] > 0
        # Every rendition named is a file that exists (made at upload).
        path = rendition["href"].split("/media/", 1)[1]
        assert (media_root / path).is_file(), path
    widest = max((r for r in renditions if r["name"].startswith("original-")), key=lambda r: r["width"])
    assert (widest["width"], widest["height"]) == (1000, 700)


def test_corrections_are_dated_text_associations(client, dressed_story):
    note = dressed_story.corrections.get()
    item = client.get(f"{LIST}{dressed_story.pk}/").json()
    notes = [a for a in item["associations"] if a["type"] == "text"]
    assert notes == [
        {
            "uri": f"tag:127.0.0.1,2026:article:{dressed_story.pk}:correction:{note.pk}",
            "name": f"correction-{note.pk}",
            "type": "text",
            "profile": "correction",
            "firstcreated": note.created_at.astimezone(UTC)
            .isoformat(timespec="seconds")
            .replace("+00:00", "Z"),
            "bodies": [
                {
                    "role": "correction",
                    "contenttype": "text/plain",
                    "value": "An earlier version misnamed the port.",
                }
            ],
            "renditions": [
                {
                    "name": "web",
                    "href": f"http://127.0.0.1:8000{dressed_story.get_absolute_url()}#correction-{note.pk}",
                    "contenttype": "text/html",
                }
            ],
        }
    ]


def test_body_is_sanitised_even_when_stored_unsanitised(client, make_article):
    story = make_article()
    # A row written around the model (a bulk import, a raw UPDATE) never went through save()'s sanitiser.
    Article.objects.filter(pk=story.pk).update(
        body='<p onclick="steal()">Hi <script>alert(1)</script><a href="javascript:x()">link</a></p>'
    )
    body = client.get(f"{LIST}{story.pk}/").json()["bodies"][0]["value"]
    assert "script" not in body and "onclick" not in body and "javascript:" not in body
    assert "Hi" in body


@pytest.mark.parametrize("state", ["draft", "review", "unpublished", "scheduled", "trashed"])
def test_hidden_story_is_a_404_on_detail(client, hidden_stories, make_author, state):
    story = hidden_stories(author=make_author())[state]
    response = client.get(f"{LIST}{story.pk}/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No published story has this id."}
    assert story.headline not in response.content.decode()


@pytest.mark.parametrize("filter_name", [None, "section", "tag", "author", "updated_since"])
def test_hidden_stories_are_never_listed(client, make_article, make_author, hidden_stories, filter_name):
    author = make_author(slug="maya")
    visible = make_article(headline="Visible story", authors=[author], tags=["Shipping"])
    hidden_stories(author=author)
    params = {
        None: {},
        "section": {"section": visible.section.slug},
        "tag": {"tag": "shipping"},
        "author": {"author": "maya"},
        "updated_since": {"updated_since": "2000-01-01T00:00:00Z"},
    }[filter_name]
    assert headlines(get_page(client, **params)) == ["Visible story"]


def test_a_scheduled_story_appears_when_its_time_comes(client, make_article, monkeypatch):
    at = timezone.now() + timedelta(minutes=5)
    story = make_article(headline="Embargo lifts", published_at=at)
    assert client.get(f"{LIST}{story.pk}/").status_code == 404
    later = at + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert client.get(f"{LIST}{story.pk}/").status_code == 200
    assert headlines(get_page(client)) == ["Embargo lifts"]


def test_section_filter_includes_its_sub_sections(client, make_article, make_section):
    world = make_section(name="Planet", slug="planet")
    europe = make_section(name="Continent", slug="continent", parent=world)
    other = make_section(name="Sport", slug="sport")
    make_article(headline="In the parent", section=world)
    make_article(headline="In the child", section=europe)
    make_article(headline="Elsewhere", section=other)
    assert sorted(headlines(get_page(client, section="planet"))) == ["In the child", "In the parent"]
    assert headlines(get_page(client, section="continent")) == ["In the child"]


def test_tag_filter(client, make_article):
    make_article(headline="Tagged", tags=["Shipping"])
    make_article(headline="Untagged", tags=["Football"])
    assert headlines(get_page(client, tag="shipping")) == ["Tagged"]


def test_author_filter(client, make_article, make_author):
    maya, ivo = make_author(slug="maya"), make_author(slug="ivo")
    make_article(headline="By Maya", authors=[maya])
    make_article(headline="By both", authors=[ivo, maya])
    make_article(headline="By Ivo", authors=[ivo])
    assert sorted(headlines(get_page(client, author="maya"))) == ["By Maya", "By both"]


def test_filters_combine(client, make_article, make_author):
    maya = make_author(slug="maya")
    make_article(headline="Maya on shipping", authors=[maya], tags=["Shipping"])
    make_article(headline="Maya on football", authors=[maya], tags=["Football"])
    make_article(headline="Someone on shipping", tags=["Shipping"])
    assert headlines(get_page(client, author="maya", tag="shipping")) == ["Maya on shipping"]


@pytest.mark.parametrize(
    "since",
    ["2026-11-29T12:00:00Z", "2026-11-29T13:00:00+01:00", "2026-11-29T12:00:00", "2026-11-29 12:00:00Z"],
)
def test_updated_since_takes_iso_8601_in_any_offset(client, make_article, since):
    noon = datetime(2026, 11, 29, 12, tzinfo=UTC)
    old, new = make_article(headline="Old"), make_article(headline="Changed at noon")
    Article.objects.filter(pk=old.pk).update(updated_at=noon - timedelta(seconds=1))
    Article.objects.filter(pk=new.pk).update(updated_at=noon)
    assert headlines(get_page(client, updated_since=since)) == ["Changed at noon"]


def test_a_note_counts_as_a_change_for_updated_since(client, make_article, editor, commit):
    story = make_article(headline="Corrected later")
    make_article(headline="Untouched")
    long_ago = timezone.now() - timedelta(days=2)
    Article.objects.update(updated_at=long_ago)
    since = (timezone.now() - timedelta(hours=1)).isoformat()
    assert headlines(get_page(client, updated_since=since)) == []
    # A note sets the story's "Updated" time without saving the story itself.
    note = commit(editing.add_note, article=story, user=editor, text="The bridge is 40 m long.")
    assert headlines(get_page(client, updated_since=since)) == ["Corrected later"]
    item = client.get(f"{LIST}{story.pk}/").json()
    assert datetime.fromisoformat(item["versioncreated"]) == note.created_at.replace(microsecond=0)


def test_a_reworded_note_counts_as_a_change_for_updated_since(client, make_article, editor, commit):
    story = make_article(headline="Corrected twice")
    note = commit(editing.add_note, article=story, user=editor, text="The bridge is 40 m long.")
    Article.objects.update(updated_at=timezone.now() - timedelta(days=2))
    Article.objects.update(revised_at=timezone.now() - timedelta(days=2))
    since = (timezone.now() - timedelta(hours=1)).isoformat()
    assert headlines(get_page(client, updated_since=since)) == []
    # Rewording a note changes what readers see (its text), so the story's modified time moves with it.
    commit(editing.edit_note, note=note, user=editor, text="The bridge is 45 m long.")
    assert headlines(get_page(client, updated_since=since)) == ["Corrected twice"]
    item = client.get(f"{LIST}{story.pk}/").json()
    assert "The bridge is 45 m long." in str(item["associations"])


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"updated_since": "yesterday"}, "updated_since must be an ISO 8601 date-time"),
        ({"updated_since": "2026-13-45"}, "updated_since must be an ISO 8601 date-time"),
        ({"section": "no-such-section"}, "No section has the slug “no-such-section”."),
        ({"tag": "no-such-tag"}, "No tag has the slug “no-such-tag”."),
        ({"author": "nobody"}, "No author has the slug “nobody”."),
        ({"limit": "abc"}, "limit: Input should be a valid integer"),
        ({"limit": "0"}, "limit: Input should be greater than or equal to 1"),
        ({"limit": "101"}, "limit: Input should be less than or equal to 100"),
        ({"cursor": "not-a-cursor"}, "cursor is not one this API gave"),
        ({"cursor": "MjAyNi0xMS0yOXwx"}, "cursor is not one this API gave"),  # "2026-11-29|1": no time zone
        ({"cursor": "x" * 500}, "cursor: String should have at most 200 characters"),
    ],
)
def test_bad_parameter_is_a_400_that_says_why(client, make_article, params, message):
    make_article()
    response = client.get(LIST, params)
    assert response.status_code == 400
    assert message in response.json()["detail"]
    schemas.Problem.model_validate(response.json())


def test_bad_id_is_a_404_not_a_500(client):
    assert client.get(f"{LIST}abc/").status_code == 404
    assert client.get(f"{LIST}99999999999999999999999/").status_code == 404


def test_nul_byte_in_a_filter_is_a_400(client, make_article):
    make_article()
    assert client.get(LIST, {"tag": "ship\x00ping"}).status_code == 400


def test_story_to_ninjs_gives_the_same_item_for_a_story_loaded_any_way(client, dressed_story):
    """Webhooks and feeds may load a story their own way: the item must not depend on it."""
    plain = Article.objects.get(pk=dressed_story.pk)
    assert story_to_ninjs(plain) == client.get(f"{LIST}{dressed_story.pk}/").json()
