import pytest
from django.urls import reverse

from articles.models import Article, Photo
from tests.helpers import article_post, image_bytes, media_files, photo_post, upload

pytestmark = pytest.mark.django_db


def test_editor_writes_and_publishes_an_article_with_a_photo(
    editor_client, section, make_source, make_author, media_root
):
    reuters = make_source(name="Reuters", slug="reuters", kind="agency")
    aljazeera = make_source(name="Al Jazeera", slug="al-jazeera")
    author = make_author(name="Maya L", slug="maya")

    response = editor_client.post(reverse("admin:articles_photo_add"), photo_post(credit_source=reuters.pk))
    assert response.status_code == 302, response.context["adminform"].form.errors
    photo = Photo.objects.get()
    assert (photo.width, photo.height) == (1200, 800)
    assert any(name.endswith(".webp") for name in media_files(media_root))

    data = article_post(
        section,
        lead_photo=photo.pk,
        _publish="Publish now",
        **{
            "articleauthor_set-TOTAL_FORMS": "1",
            "articleauthor_set-0-author": author.pk,
            "articleauthor_set-0-order": "0",
            "articlesource_set-TOTAL_FORMS": "1",
            "articlesource_set-0-source": aljazeera.pk,
            "articlesource_set-0-order": "0",
        },
    )
    from taggit.models import Tag

    data["tags"] = [Tag.objects.create(name="Crimea", slug="crimea").pk]
    response = editor_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get()
    assert article.created_by.username == "ed"
    assert article.is_live
    editor_client.logout()
    for url in (article.get_absolute_url(), "/", "/world/", "/tag/crimea/", "/author/maya/"):
        html = editor_client.get(url).content.decode()
        assert "Ministry summons ambassador" in html, url
    html = editor_client.get(article.get_absolute_url()).content.decode()
    assert "(Photo: Reuters)" in html and "Al Jazeera" in html and "<strong>bold</strong>" in html


def test_admin_body_is_sanitised(editor_client, section):
    data = article_post(section, body='<p onmouseover="steal()">Hi</p><script>alert(1)</script>')
    assert editor_client.post(reverse("admin:articles_article_add"), data).status_code == 302
    assert Article.objects.get().body == "<p>Hi</p>"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"headline": "x" * 201}, "headline", "at most 200 characters"),
        ({"headline": "   "}, "headline", "required"),
        ({"slug": ""}, "slug", "required"),
        ({"slug": "not a slug!"}, "slug", "valid"),
        ({"section": ""}, "section", "required"),
    ],
)
def test_bad_article_input_gets_a_form_error_and_saves_nothing(
    editor_client, section, overrides, field, message
):
    response = editor_client.post(reverse("admin:articles_article_add"), article_post(section, **overrides))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in str(errors[field])
    assert Article.objects.count() == 0


def test_duplicate_slug_is_refused(editor_client, section, make_article):
    make_article(slug="taken")
    response = editor_client.post(reverse("admin:articles_article_add"), article_post(section, slug="taken"))
    assert "already exists" in str(response.context["adminform"].form.errors["slug"])
    assert Article.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notes.jpg", b"this is plain text, not a picture", "not a readable image"),
        ("empty.jpg", b"", "empty"),
        ("cut.jpg", image_bytes(size=(800, 600))[:1500], "not a readable image"),
        ("vector.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>',
         "not a readable image"),
        ("page.jpg", b"<html><body>hello</body></html>", "not a readable image"),
    ],
)  # fmt: skip
def test_bad_upload_is_refused_and_leaves_no_file(editor_client, media_root, name, data, message):
    response = editor_client.post(reverse("admin:articles_photo_add"), photo_post(image=upload(name, data)))
    assert response.status_code == 200
    assert message in str(response.context["adminform"].form.errors["image"]).replace(
        "&#x27;", "'"
    ) or message in str(response.context["adminform"].form.errors)
    assert Photo.objects.count() == 0
    assert media_files(media_root) == []


def test_photo_without_alt_text_is_refused(editor_client, media_root):
    response = editor_client.post(reverse("admin:articles_photo_add"), photo_post(alt_text=""))
    assert "required" in str(response.context["adminform"].form.errors["alt_text"])
    assert Photo.objects.count() == 0
    assert media_files(media_root) == []


def test_article_list_shows_columns_and_filters(editor_client, make_article, make_photo):
    make_article(headline="Listed story", lead_photo=make_photo())
    response = editor_client.get(reverse("admin:articles_article_changelist"))
    html = response.content.decode()
    assert "Listed story" in html and "Published" in html and "<img" in html
    response = editor_client.get(reverse("admin:articles_article_changelist"), {"status": "draft"})
    assert "Listed story" not in response.content.decode()


def test_reader_cannot_reach_the_admin(client, make_article):
    response = client.get(reverse("admin:articles_article_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
