"""Tags typed freely in the story form: a new name becomes a tag when the story is saved, for those who may
add tags; an existing tag in any case is reused; nothing typed is lost to a form error."""

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse
from taggit.models import Tag

from articles.models import Article
from tests.helpers import article_post

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_article_add")
JUNK = ["abc", "1.5", "-", "9999999999999999999999"]


@pytest.fixture
def correspondent_client(client):
    """Writes stories and picks tags, but may not add tags (no taggit.add_tag)."""
    user = User.objects.create_user("corr", "corr@example.org", "pw-Secret-123", is_staff=True)
    perms = ["add_article", "change_article", "view_article", "view_tag", "view_section"]
    user.user_permissions.set(Permission.objects.filter(codename__in=perms))
    client.force_login(user)
    return client


def tag_names(article) -> list[str]:
    return sorted(article.tags.names())


def selected_option(value, label) -> str:
    return f'<option value="{value}" selected>{label}</option>'


def test_editor_typing_a_new_tag_creates_it_on_save(editor_client, section):
    response = editor_client.post(ADD_URL, article_post(section, tags=["Harbour strike"]))
    assert response.status_code == 302
    assert tag_names(Article.objects.get()) == ["Harbour strike"]
    assert Tag.objects.get().slug == "harbour-strike"


def test_reporter_typing_a_new_tag_creates_it_on_save(reporter_client, section):
    response = reporter_client.post(ADD_URL, article_post(section, tags=["Night buses"]))
    assert response.status_code == 302
    assert tag_names(Article.objects.get()) == ["Night buses"]


def test_existing_tag_and_new_name_are_saved_together(editor_client, section):
    crimea = Tag.objects.create(name="Crimea", slug="crimea")
    editor_client.post(ADD_URL, article_post(section, tags=[str(crimea.pk), "Black Sea"]))
    assert tag_names(Article.objects.get()) == ["Black Sea", "Crimea"]


def test_an_existing_tag_typed_in_another_case_is_reused(editor_client, section):
    crimea = Tag.objects.create(name="Crimea", slug="crimea")
    editor_client.post(ADD_URL, article_post(section, tags=["CRIMEA"]))
    assert list(Article.objects.get().tags.all()) == [crimea]
    assert Tag.objects.count() == 1


def test_the_same_new_name_typed_twice_in_two_cases_makes_one_tag(editor_client, section):
    editor_client.post(ADD_URL, article_post(section, tags=["Flood defences", "flood defences"]))
    assert Tag.objects.count() == 1
    assert tag_names(Article.objects.get()) == ["Flood defences"]


def test_a_new_name_is_trimmed_and_its_whitespace_collapsed(editor_client, section):
    editor_client.post(ADD_URL, article_post(section, tags=["  Black \t  Sea \n"]))
    assert tag_names(Article.objects.get()) == ["Black Sea"]


def test_a_name_of_digits_that_is_no_tag_id_is_a_new_tag(editor_client, section):
    editor_client.post(ADD_URL, article_post(section, tags=["2024"]))
    assert tag_names(Article.objects.get()) == ["2024"]


def test_a_new_name_with_accents_gets_an_address_the_story_page_can_link(editor_client, client, section):
    editor_client.post(ADD_URL, article_post(section, tags=["Zürich"], _publish="Publish now"))
    article = Article.objects.get()
    assert Tag.objects.get().slug == "zurich"
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert '<a href="/tag/zurich/" rel="tag">Zürich</a>' in response.content.decode()


def test_names_slugify_cannot_spell_still_get_distinct_addresses(editor_client, section):
    editor_client.post(ADD_URL, article_post(section, tags=["東京", "???"]))
    assert sorted(Tag.objects.values_list("slug", flat=True)) == ["tag", "tag-2"]


def test_tags_of_a_story_are_shown_selected_on_its_change_form(editor_client, make_article):
    article = make_article(tags=["Crimea"], status=Article.Status.DRAFT)
    tag = Tag.objects.get()
    html = editor_client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert selected_option(tag.pk, "Crimea") in html


def test_the_tag_field_takes_typed_names_for_those_who_may_add_tags(editor_client):
    html = editor_client.get(ADD_URL).content.decode()
    assert 'data-free-tags="true"' in html
    assert "/static/admin/js/tags.js" in html


def test_the_tag_script_loads_after_the_autocomplete_it_starts_again(editor_client):
    html = editor_client.get(ADD_URL).content.decode()
    assert html.index("/static/admin/js/autocomplete.js") < html.index("/static/admin/js/tags.js")


def test_the_tag_field_takes_no_typed_names_for_those_who_may_not(correspondent_client):
    html = correspondent_client.get(ADD_URL).content.decode()
    assert "data-free-tags" not in html
    assert "Ask an editor to add a new one." in html


def test_a_new_name_without_add_tag_permission_is_refused_and_kept_in_the_form(correspondent_client, section):
    response = correspondent_client.post(ADD_URL, article_post(section, tags=["Harbour strike"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "You may only choose existing tags" in html
    assert selected_option("Harbour strike", "Harbour strike") in html
    assert (Article.objects.count(), Tag.objects.count()) == (0, 0)


def test_an_existing_tag_is_chosen_without_add_tag_permission(correspondent_client, section):
    crimea = Tag.objects.create(name="Crimea", slug="crimea")
    correspondent_client.post(ADD_URL, article_post(section, tags=[str(crimea.pk), "black sea"]))
    assert Article.objects.count() == 0
    Tag.objects.create(name="Black Sea", slug="black-sea")
    response = correspondent_client.post(ADD_URL, article_post(section, tags=[str(crimea.pk), "black sea"]))
    assert response.status_code == 302
    assert tag_names(Article.objects.get()) == ["Black Sea", "Crimea"]


@pytest.mark.parametrize("junk", JUNK)
def test_junk_in_the_tag_field_is_a_form_error_for_those_who_may_not_add_tags(
    correspondent_client, section, junk
):
    response = correspondent_client.post(ADD_URL, article_post(section, tags=[junk]))
    assert response.status_code == 200
    assert 'id="id_tags_error"' in response.content.decode()
    assert (Article.objects.count(), Tag.objects.count()) == (0, 0)


def test_an_overlong_name_is_a_form_error_and_stays_in_the_form(editor_client, section):
    name = "Harbour " * 13
    response = editor_client.post(ADD_URL, article_post(section, tags=[name]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "A tag name has at most 100 characters" in html
    assert selected_option(name.strip(), name.strip()) in html
    assert (Article.objects.count(), Tag.objects.count()) == (0, 0)


def test_a_failed_save_creates_no_tag_and_keeps_the_typed_names(editor_client, section, make_article):
    make_article(slug="harbour-strike")
    crimea = Tag.objects.create(name="Crimea", slug="crimea")
    data = article_post(section, slug="harbour-strike", tags=[str(crimea.pk), "Harbour strike", "Dockers"])
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Article with this Slug already exists." in html
    for value, label in ((crimea.pk, "Crimea"), ("Harbour strike", "Harbour strike"), ("Dockers", "Dockers")):
        assert selected_option(value, label) in html
    assert list(Tag.objects.values_list("name", flat=True)) == ["Crimea"]
