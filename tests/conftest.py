import itertools
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from articles.caching import store
from articles.models import (
    Article,
    ArticleAuthor,
    ArticleSource,
    Author,
    Photo,
    Section,
    Source,
)
from articles.photos import services
from tests.helpers import image_bytes, upload

_seq = itertools.count(1)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    Path(settings.MEDIA_ROOT).mkdir()
    return Path(settings.MEDIA_ROOT)


@pytest.fixture(autouse=True)
def _clear_cache(monkeypatch):
    # A test that met a dead cache must not leave the next one skipping the cache (caching/store.py).
    monkeypatch.setattr(store, "_outage_until", 0.0)
    monkeypatch.setattr(store, "_recovering", False)
    monkeypatch.setattr(store, "_in_hooks", False)
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run func(**kwargs) in a transaction, then the on-commit hooks (cache invalidation, fragments) that a
    real commit runs: the test transaction itself never commits."""

    def run(func, **kwargs):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            return func(**kwargs)

    return run


@pytest.fixture
def make_section(db):
    def make(**kwargs):
        n = next(_seq)
        kwargs.setdefault("name", f"Section {n}")
        kwargs.setdefault("slug", f"section-{n}")
        return Section.objects.create(**kwargs)

    return make


@pytest.fixture
def section(make_section):
    return make_section(name="World", slug="world")


@pytest.fixture
def make_source(db):
    def make(**kwargs):
        n = next(_seq)
        kwargs.setdefault("name", f"Source {n}")
        kwargs.setdefault("slug", f"source-{n}")
        return Source.objects.create(**kwargs)

    return make


@pytest.fixture
def make_author(db):
    def make(**kwargs):
        n = next(_seq)
        kwargs.setdefault("name", f"Author {n}")
        kwargs.setdefault("slug", f"author-{n}")
        return Author.objects.create(**kwargs)

    return make


@pytest.fixture
def make_photo(db):
    def make(**kwargs):
        kwargs.setdefault("image", upload(f"p{next(_seq)}.jpg", image_bytes(size=(1000, 700))))
        kwargs.setdefault("alt_text", "A test picture")
        kwargs.setdefault("caption", "A caption")
        return services.save_photo(photo=Photo(**kwargs))

    return make


@pytest.fixture
def make_article(db, section):
    # Each story a minute older than the one made before it in this test: counted per test, so a story
    # is never days old because many tests ran before (news sitemaps and related windows look at age).
    made = itertools.count(1)

    def make(*, authors=(), sources=(), tags=(), **kwargs):
        n = next(_seq)
        kwargs.setdefault("headline", f"Headline number {n}")
        kwargs.setdefault("slug", f"headline-{n}")
        kwargs.setdefault("section", section)
        kwargs.setdefault("standfirst", "A standfirst.")
        kwargs.setdefault("body", "<p>Body text.</p>")
        kwargs.setdefault("status", Article.Status.PUBLISHED)
        if kwargs["status"] == Article.Status.PUBLISHED:
            kwargs.setdefault("published_at", timezone.now() - timedelta(minutes=next(made)))
        article = Article.objects.create(**kwargs)
        for i, author in enumerate(authors):
            ArticleAuthor.objects.create(article=article, author=author, order=i)
        for i, source in enumerate(sources):
            ArticleSource.objects.create(article=article, source=source, order=i)
        if tags:
            article.tags.set(list(tags))
        return article

    return make


def _user(username, group, **extra):
    user = User.objects.create_user(username, f"{username}@example.org", "pw-Secret-123", **extra)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(db):
    return _user("ed", "Editors", is_staff=True)


@pytest.fixture
def reporter(db):
    return _user("rep", "Reporters", is_staff=True)


@pytest.fixture
def administrator(db):
    return _user("boss", "Administrators", is_staff=True)


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def reporter_client(client, reporter):
    client.force_login(reporter)
    return client
