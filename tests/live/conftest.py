import pytest

from articles.live import services


@pytest.fixture
def live_story(make_article, editor):
    story = make_article(headline="Storm makes landfall", slug="storm-makes-landfall")
    services.start_coverage(article=story, user=editor)
    return story


@pytest.fixture
def post(editor):
    """post(story, body, **fields): an editor's entry, live at once."""

    def make(story, body="<p>Something happened.</p>", *, user=None, **fields):
        return services.post_entry(article=story, user=user or editor, body=body, **fields)

    return make
