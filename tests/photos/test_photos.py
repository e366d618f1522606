"""Photos in use: the rights a published story needs, galleries, and the photo library in the admin."""

from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import GalleryItem
from articles.publishing import workflow
from tests.photos.images import bulk_photos

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_photo_add")
LIST_URL = reverse("admin:articles_photo_changelist")


# --- Rights ---------------------------------------------------------------------------------------------


def test_publish_problems_names_a_lead_photo_without_credit(make_article, make_photo):
    article = make_article(lead_photo=make_photo(caption="Crowd at the gates"))
    assert workflow.photo_problems(article) == [
        "The lead photo “Crowd at the gates” has no credit: choose a source or type the photographer "
        "in the photo library before publishing."
    ]


def test_publish_problems_names_a_gallery_photo_without_credit(make_article, make_photo, make_source):
    article = make_article(lead_photo=make_photo(credit_source=make_source()))
    GalleryItem.objects.create(article=article, photo=make_photo(credit_text="Jane Roe"), order=0)
    GalleryItem.objects.create(article=article, photo=make_photo(caption="Empty square"), order=1)
    problems = workflow.photo_problems(article)
    assert len(problems) == 1
    assert problems[0].startswith("Gallery photo 2 (“Empty square”) has no credit")


def test_publish_problems_is_empty_when_every_photo_is_credited(make_article, make_photo, make_source):
    article = make_article(lead_photo=make_photo(credit_text="Jane Roe"))
    GalleryItem.objects.create(article=article, photo=make_photo(credit_source=make_source()), order=0)
    assert workflow.photo_problems(article) == []


# --- Gallery ----------------------------------------------------------------------------------------------


def test_article_page_shows_the_gallery_in_order_with_captions_and_credits(
    client, make_article, make_photo, make_source
):
    reuters = make_source(name="Reuters", slug="reuters")
    article = make_article(body="<p>The body.</p>")
    first = make_photo(caption="Photo's own caption", credit_source=reuters)
    second = make_photo(caption="Unused own caption", credit_text="Jane Roe")
    GalleryItem.objects.create(article=article, photo=second, order=2, caption="Caption for this story")
    GalleryItem.objects.create(article=article, photo=first, order=1)

    html = client.get(article.get_absolute_url()).content.decode()
    gallery = html[html.index('<section class="gallery"') :]
    assert html.index("The body.") < html.index('<section class="gallery"')
    assert gallery.index("Photo&#x27;s own caption") < gallery.index("Caption for this story")
    assert "(Photo: Reuters)" in gallery and "(Photo: Jane Roe)" in gallery
    assert "Unused own caption" not in gallery


def test_article_without_gallery_has_no_gallery_section(client, make_article):
    html = client.get(make_article().get_absolute_url()).content.decode()
    assert 'class="gallery"' not in html


def test_gallery_is_edited_inline_on_the_article(admin_client, make_article, make_photo):
    from tests.helpers import article_post

    photo = make_photo()
    data = article_post(
        make_article(status="draft").section,
        **{
            "gallery_items-TOTAL_FORMS": "1",
            "gallery_items-INITIAL_FORMS": "0",
            "gallery_items-MIN_NUM_FORMS": "0",
            "gallery_items-MAX_NUM_FORMS": "1000",
            "gallery_items-0-photo": photo.pk,
            "gallery_items-0-caption": "Per-use caption",
            "gallery_items-0-order": "3",
        },
    )
    response = admin_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302
    item = GalleryItem.objects.get()
    assert (item.photo, item.caption, item.order) == (photo, "Per-use caption", 3)


def test_editor_sees_the_gallery_inline(editor_client):
    html = editor_client.get(reverse("admin:articles_article_add")).content.decode()
    assert "gallery_items-TOTAL_FORMS" in html


# --- Photo library in the admin --------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 30])
def test_photo_library_queries_do_not_grow_with_photos(
    editor_client, django_assert_max_num_queries, make_source, editor, count
):
    bulk_photos(count, credit_source=make_source(), uploaded_by=editor)
    assert editor_client.get(LIST_URL).status_code == 200  # warm the site-context cache
    with django_assert_max_num_queries(12):
        response = editor_client.get(LIST_URL)
    assert response.content.decode().count("/renditions/") == count


def test_photo_library_shows_fifty_thumbnails_a_page(editor_client):
    bulk_photos(51)
    html = editor_client.get(LIST_URL).content.decode()
    assert html.count('<img src="/media/renditions/') == 50
    assert "51 photos" in html


@pytest.mark.parametrize("query", ["flooded", "Jane Roe", "Reuters"])
def test_photo_library_searches_caption_credit_and_source(editor_client, make_source, query):
    reuters = make_source(name="Reuters", slug="reuters")
    bulk_photos(1, caption="Flooded street in the old town")
    bulk_photos(1, caption="Portrait of the minister", credit_text="Jane Roe")
    bulk_photos(1, caption="Harbour at night", credit_source=reuters)
    bulk_photos(1, caption="Unrelated picture")
    response = editor_client.get(LIST_URL, {"q": query})
    assert len(response.context["cl"].result_list) == 1
    assert "Unrelated picture" not in response.content.decode()


def test_photo_library_filters_by_source(editor_client, make_source):
    reuters = make_source(name="Reuters", slug="reuters")
    bulk_photos(2, credit_source=reuters)
    bulk_photos(3)
    response = editor_client.get(LIST_URL, {"credit_source__id__exact": reuters.pk})
    assert [p.credit_source for p in response.context["cl"].result_list] == [reuters, reuters]


def test_photo_library_filters_by_date(editor_client):
    bulk_photos(2, uploaded_at=timezone.make_aware(datetime(2024, 5, 1, 12)))
    bulk_photos(3)
    response = editor_client.get(LIST_URL, {"uploaded_at__year": "2024"})
    assert len(response.context["cl"].result_list) == 2
