"""Every public page costs a constant number of queries, however much it shows."""

import pytest

from articles.models import GalleryItem
from tests.helpers import image_bytes, upload

pytestmark = pytest.mark.django_db


def _warm(client, url):
    # The first request fills the site-context cache; budgets are for a warm process.
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("count", [1, 20])
def test_article_page_queries_do_not_grow_with_tags_sources_authors_gallery(
    client, django_assert_max_num_queries, make_article, make_source, make_author, make_photo,
    count,
):  # fmt: skip
    article = make_article(
        lead_photo=make_photo(),
        tags=[f"tag {i}" for i in range(count)],
        sources=[make_source() for _ in range(count)],
        authors=[make_author() for _ in range(count)],
    )
    for i in range(count):
        small = upload(f"g{i}.jpg", image_bytes(size=(400, 300)))
        photo = make_photo(image=small, credit_source=make_source())
        GalleryItem.objects.create(article=article, photo=photo, order=i)
    for i in range(5):
        make_article(tags=["tag 0"], headline=f"Related {i}")
    _warm(client, article.get_absolute_url())
    # Routing, the story with its related rows (1 + 5), related ids, related cards.
    with django_assert_max_num_queries(9):
        response = client.get(article.get_absolute_url())
    assert response.content.decode().count('<li><figure class="figure">') == count


@pytest.mark.parametrize("count", [1, 20])
def test_article_page_from_fragments_reads_one_query(
    client, settings, django_assert_num_queries, make_article, make_source, make_author, make_photo, count
):
    settings.FRAGMENT_CACHE_SECONDS = 300
    article = make_article(
        lead_photo=make_photo(),
        tags=[f"tag {i}" for i in range(count)],
        sources=[make_source() for _ in range(count)],
        authors=[make_author() for _ in range(count)],
    )
    for i in range(5):
        make_article(tags=["tag 0"], headline=f"Related {i}")
    _warm(client, article.get_absolute_url())
    # Routing: the story and the related cards come from the stored fragments, the related stories'
    # candidates from the window this worker read once for the current generation.
    with django_assert_num_queries(1):
        response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert article.headline in html and html.count('class="card-headline"') == 4


@pytest.mark.parametrize("count", [1, 50])
@pytest.mark.parametrize("url", ["/", "/world/", "/tag/crimea/", "/author/jo/"])
def test_listing_queries_do_not_grow_with_articles(
    client, django_assert_max_num_queries, make_article, make_author, make_photo, url, count
):
    author = make_author(slug="jo")
    photo = make_photo()
    for _ in range(count):
        make_article(tags=["Crimea", "Other"], authors=[author], lead_photo=photo)
    _warm(client, url)
    with django_assert_max_num_queries(5):
        assert client.get(url).status_code == 200
