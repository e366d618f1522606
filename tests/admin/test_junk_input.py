"""Whatever junk an admin form or URL carries, the answer is a form error or a 400, never a server error.

The test client re-raises a view's exception, so a 500 fails these tests with its traceback.
"""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from taggit.models import Tag

from articles.models import Article, ArticleAuthor, Photo, Section
from tests.helpers import article_post, photo_post

pytestmark = pytest.mark.django_db

# Not a number, not an integer, a lone sign, beyond a bigint.
JUNK = ["abc", "1.5", "-", "9999999999999999999999"]
ADD_URL = reverse("admin:articles_article_add")


def field_error(response, field_id: str) -> bool:
    """Whether the page shows an error under the field with this HTML id."""
    return f'id="id_{field_id}_error"' in response.content.decode()


def inline(prefix: str, **fields) -> dict:
    """One extra inline row with these fields."""
    return {f"{prefix}-TOTAL_FORMS": "1", **{f"{prefix}-0-{name}": value for name, value in fields.items()}}


# Not tags: any text there is a tag name (tests/admin/test_free_tags.py).
ARTICLE_FIELDS = {
    "section": lambda junk: {"section": junk},
    "lead_photo": lambda junk: {"lead_photo": junk},
    "articleauthor_set-0-author": lambda junk: inline("articleauthor_set", author=junk, order="0"),
    "articlesource_set-0-source": lambda junk: inline("articlesource_set", source=junk, order="0"),
    "gallery_items-0-photo": lambda junk: inline("gallery_items", photo=junk, caption="", order="0"),
}


@pytest.mark.parametrize("junk", JUNK)
@pytest.mark.parametrize("field", ARTICLE_FIELDS)
def test_junk_in_an_article_autocomplete_field_is_a_form_error(editor_client, section, field, junk):
    response = editor_client.post(ADD_URL, article_post(section, **ARTICLE_FIELDS[field](junk)))
    assert response.status_code == 200
    assert field_error(response, field)
    assert Article.objects.count() == 0


@pytest.mark.parametrize("junk", JUNK)
def test_junk_section_on_the_change_form_is_a_form_error_and_changes_nothing(
    editor_client, section, make_article, junk
):
    article = make_article(headline="Harbour reopens", status=Article.Status.DRAFT)
    url = reverse("admin:articles_article_change", args=[article.pk])
    assert editor_client.get(url).status_code == 200
    data = article_post(section, headline="Changed", slug=article.slug, section=junk)
    data["loaded_version"] = article.version
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert field_error(response, "section")
    article.refresh_from_db()
    assert (article.headline, article.section_id) == ("Harbour reopens", section.pk)


def test_a_valid_autocomplete_choice_beside_junk_is_still_shown_selected(editor_client, section):
    tag = Tag.objects.create(name="Crimea", slug="crimea")
    response = editor_client.post(ADD_URL, article_post(section, tags=[str(tag.pk), "x" * 101]))
    assert response.status_code == 200
    assert field_error(response, "tags")
    assert f'<option value="{tag.pk}" selected>Crimea</option>' in response.content.decode()


@pytest.mark.parametrize("junk", JUNK)
def test_junk_prefill_in_the_add_form_url_is_ignored(editor_client, section, junk):
    response = editor_client.get(ADD_URL, {"section": junk, "lead_photo": junk, "tags": junk})
    assert response.status_code == 200
    assert 'name="section"' in response.content.decode()


@pytest.mark.parametrize("junk", JUNK)
def test_junk_credit_source_on_the_photo_form_is_a_form_error(editor_client, media_root, junk):
    response = editor_client.post(reverse("admin:articles_photo_add"), photo_post(credit_source=junk))
    assert response.status_code == 200
    assert field_error(response, "credit_source")
    assert Photo.objects.count() == 0


@pytest.mark.parametrize("junk", JUNK)
def test_junk_parent_on_the_section_form_is_a_form_error(editor_client, section, junk):
    data = {"name": "Europe", "slug": "europe", "description": "", "parent": junk, "order": "0"}
    response = editor_client.post(reverse("admin:articles_section_add"), data)
    assert response.status_code == 200
    assert field_error(response, "parent")
    assert list(Section.objects.values_list("slug", flat=True)) == ["world"]


def test_a_valid_inline_byline_still_saves(editor_client, section, make_author):
    """The redraw fix must not refuse real choices."""
    author = make_author()
    data = article_post(section, **inline("articleauthor_set", author=str(author.pk), order="0"))
    assert editor_client.post(ADD_URL, data).status_code == 302
    assert ArticleAuthor.objects.get().author == author


# --- NUL bytes in the query string -----------------------------------------------------------------


def test_a_nul_in_the_autocomplete_term_is_a_400(editor_client, section):
    response = editor_client.get(
        "/admin/autocomplete/?term=%00&app_label=articles&model_name=article&field_name=section"
    )
    assert response.status_code == 400
    assert "That request could not be understood" in response.content.decode()


def test_an_ordinary_autocomplete_term_still_answers(editor_client, section):
    response = editor_client.get(
        "/admin/autocomplete/?term=wor&app_label=articles&model_name=article&field_name=section"
    )
    assert response.status_code == 200
    assert response.json()["results"] == [{"id": str(section.pk), "text": "World"}]


EDITOR_LIST_QUERIES = [
    "/admin/articles/article/?tag=%00",
    "/admin/articles/article/?author=%00",
    "/admin/articles/article/?q=%00",
    "/admin/articles/article/?section__id__exact=%00",
    "/admin/articles/article/?published=%00",
    "/admin/articles/article/?sources__id__exact=%00",
    "/admin/articles/article/?state=%00",
    "/admin/articles/article/?%00=1",
    "/admin/articles/photo/?q=%00",
    "/admin/articles/photo/?credit_source__id__exact=%00",
    "/admin/articles/trashedarticle/?q=%00",
    "/admin/articles/section/?q=%00",
]


@pytest.mark.parametrize("url", EDITOR_LIST_QUERIES)
def test_a_nul_in_an_admin_list_query_is_a_400(editor_client, make_article, url):
    make_article()
    response = editor_client.get(url)
    assert response.status_code == 400
    assert "That request could not be understood" in response.content.decode()


@pytest.mark.parametrize("query", ["?q=%00", "?groups__id__exact=%00", "?is_staff__exact=%00"])
def test_a_nul_in_the_user_list_query_is_a_400(client, administrator, query):
    client.force_login(administrator)
    response = client.get(reverse("admin:auth_user_changelist") + query)
    assert response.status_code == 400
    assert User.objects.filter(username="boss").exists()


def test_an_ordinary_admin_list_query_still_answers(editor_client, make_article):
    make_article(headline="Harbour reopens")
    response = editor_client.get("/admin/articles/article/?q=harbour")
    assert response.status_code == 200
    assert "Harbour reopens" in response.content.decode()
