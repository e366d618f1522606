"""The one guarded cache store (articles/caching/store.py): an outage degrades every layer the same way,
and what was stored before an outage never comes back after it."""

import pytest
from django.test import override_settings

from articles.caching import fragments, pagecache, store
from articles.caching.site import SITE_CONTEXT_KEY, site_context
from tests.helpers import DEAD_REDIS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fragments_on(settings):
    settings.FRAGMENT_CACHE_SECONDS = 300


def test_a_dead_cache_answers_none_and_is_skipped_for_a_while():
    with override_settings(CACHES=DEAD_REDIS):
        assert store.call("get", "anything") is None
        assert store.in_outage()
    # Skipped while in outage, even though the cache in force now answers.
    assert store.call("get", "anything") is None


def test_after_an_outage_pages_fragments_and_chrome_start_afresh(monkeypatch):
    generation = pagecache.current_stamp()[0]
    shared, _ = fragments.lookup({})
    site_context()
    assert store.get(SITE_CONTEXT_KEY) is not None

    monkeypatch.setattr(store, "OUTAGE_BACKOFF_SECONDS", 0.0)
    with override_settings(CACHES=DEAD_REDIS):
        store.call("get", "anything")  # an invalidation made now would be lost
    store.call("get", "anything")  # the first call that succeeds again

    assert pagecache.current_stamp()[0] != generation
    assert fragments.lookup({})[0] != shared
    assert store.get(SITE_CONTEXT_KEY) is None


def test_a_save_with_the_cache_down_still_saves(make_article, commit):
    article = make_article(headline="Before")
    with override_settings(CACHES=DEAD_REDIS):
        article.headline = "After"
        commit(article.save)
    article.refresh_from_db()
    assert article.headline == "After"
