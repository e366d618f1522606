"""Purge backends (articles/caching/purge.py) against a loopback HTTP receiver standing in for Fastly's and
Cloudflare's APIs and for Varnish hosts: the request each sends, its credentials, its time limit, and a
failure logged rather than raised. And the hook: a committed change purges its keys, a rolled-back one
nothing."""

import json
import logging

import pytest
from django.db import transaction
from django.tasks.signals import task_enqueued

from articles.caching import purge
from articles.models import Article, ArticleAuthor
from articles.publishing import workflow

pytestmark = pytest.mark.django_db

DEAD = "http://127.0.0.1:8089"


@pytest.fixture
def fastly(settings, receiver):
    settings.EDGE_PURGE_BACKEND = "fastly"
    settings.FASTLY_API_URL = receiver.url
    settings.FASTLY_SERVICE_ID = "svc123"
    settings.FASTLY_API_TOKEN = "fastly-secret"
    return receiver


@pytest.fixture
def cloudflare(settings, receiver):
    settings.EDGE_PURGE_BACKEND = "cloudflare"
    settings.CLOUDFLARE_API_URL = f"{receiver.url}/client/v4"
    settings.CLOUDFLARE_ZONE_ID = "zone9"
    settings.CLOUDFLARE_API_TOKEN = "cf-secret"
    receiver.body = b'{"success": true, "errors": [], "result": {"id": "zone9"}}'
    return receiver


def test_fastly_gets_the_keys_in_a_surrogate_key_header_with_its_token(fastly):
    assert purge.purge(["a1", "home", "s2"])
    [sent] = fastly.requests
    assert (sent.method, sent.path) == ("POST", "/service/svc123/purge")
    assert sent.headers["fastly-key"] == "fastly-secret"
    assert sent.headers["surrogate-key"] == "a1 home s2"


def test_fastly_gets_at_most_256_keys_a_request(fastly):
    assert purge.purge([f"a{n}" for n in range(300)])
    assert [len(sent.headers["surrogate-key"].split()) for sent in fastly.requests] == [256, 44]


def test_cloudflare_gets_the_tags_as_json_with_a_bearer_token(cloudflare):
    assert purge.purge(["home", "a1"])
    [sent] = cloudflare.requests
    assert (sent.method, sent.path) == ("POST", "/client/v4/zones/zone9/purge_cache")
    assert sent.headers["authorization"] == "Bearer cf-secret"
    assert sent.headers["content-type"] == "application/json"
    assert json.loads(sent.body) == {"tags": ["a1", "home"]}


def test_cloudflare_gets_at_most_100_tags_a_request(cloudflare):
    assert purge.purge([f"a{n}" for n in range(150)])
    assert [len(json.loads(sent.body)["tags"]) for sent in cloudflare.requests] == [100, 50]


def test_cloudflare_refusing_is_logged_not_raised(cloudflare, caplog):
    cloudflare.status, cloudflare.body = 403, b'{"success": false, "errors": [{"code": 10000}]}'
    with caplog.at_level(logging.WARNING, logger="articles.caching.purge"):
        assert purge.purge(["home"]) is False
    assert "edge purge of 1 keys failed" in caplog.text and "403" in caplog.text


def test_cloudflare_answering_without_success_is_a_failure(cloudflare, caplog):
    cloudflare.body = b'{"success": false}'
    with caplog.at_level(logging.WARNING, logger="articles.caching.purge"):
        assert purge.purge(["home"]) is False


def test_a_slow_api_is_given_up_on_after_the_timeout(fastly, settings, caplog):
    settings.EDGE_PURGE_TIMEOUT = 0.2
    fastly.delay = 1.0
    with caplog.at_level(logging.WARNING, logger="articles.caching.purge"):
        assert purge.purge(["home"]) is False
    assert "timed out" in caplog.text


def test_varnish_hosts_each_get_a_purge_even_when_one_is_down(settings, receiver, caplog):
    settings.EDGE_PURGE_BACKEND = "varnish"
    settings.VARNISH_PURGE_URLS = [DEAD, receiver.url]
    with caplog.at_level(logging.WARNING, logger="articles.caching.purge"):
        assert purge.purge(["a1", "home"]) is False
    [sent] = receiver.requests
    assert (sent.method, sent.path, sent.headers["xkey"]) == ("PURGE", "/", "a1 home")
    assert "8089" in caplog.text


def test_no_backend_sends_nothing(settings, receiver, make_article, editor, commit):
    settings.EDGE_PURGE_BACKEND = "none"
    commit(workflow.publish, article=make_article(status=Article.Status.DRAFT), user=editor)
    assert receiver.requests == []


def test_a_publish_purges_the_story_its_lists_and_the_home_page_after_the_commit(
    fastly, make_article, make_author, editor, commit
):
    story = make_article(status=Article.Status.DRAFT, tags=["Floods"], authors=[make_author()])
    commit(workflow.publish, article=story, user=editor)
    [sent] = fastly.requests
    purged = set(sent.headers["surrogate-key"].split())
    tag, author = story.tags.get(), story.authors.get()
    expected = {f"a{story.pk}", f"slug-{story.slug}", f"s{story.section_id}", f"t{tag.pk}", f"p{author.pk}"}
    assert expected | {"home", "feeds", "sitemaps"} <= purged
    assert "chrome" not in purged


def test_a_rolled_back_publish_purges_nothing(
    fastly, make_article, editor, django_capture_on_commit_callbacks
):
    story = make_article(status=Article.Status.DRAFT)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        workflow.publish(article=story, user=editor)
        raise RuntimeError("changed our mind")
    assert fastly.requests == []


def test_a_failed_purge_does_not_fail_the_publish(settings, make_article, editor, commit, caplog):
    settings.EDGE_PURGE_BACKEND = "varnish"
    settings.VARNISH_PURGE_URLS = [DEAD]
    story = make_article(status=Article.Status.DRAFT)
    with caplog.at_level(logging.WARNING, logger="articles.caching.purge"):
        commit(workflow.publish, article=story, user=editor)
    story.refresh_from_db()
    assert story.is_live and "edge purge" in caplog.text


def test_one_transaction_sends_one_purge(fastly, make_article, make_author, editor, commit):
    story = make_article(status=Article.Status.DRAFT)
    author = make_author()

    def publish_and_edit():
        workflow.publish(article=story, user=editor)
        ArticleAuthor.objects.create(article=story, author=author)
        story.headline = "Retitled"
        story.save()

    commit(publish_and_edit)
    [sent] = fastly.requests
    assert {f"a{story.pk}", f"p{author.pk}", "home"} <= set(sent.headers["surrogate-key"].split())


def test_the_purge_goes_through_the_task_queue(fastly, make_article, editor, commit):
    enqueued = []

    def record(sender, task_result, **kwargs):
        enqueued.append((task_result.task.name, task_result.args))

    task_enqueued.connect(record)
    try:
        story = make_article(status=Article.Status.DRAFT)
        commit(workflow.publish, article=story, user=editor)
    finally:
        task_enqueued.disconnect(record)
    [(name, args)] = enqueued
    assert name == "purge_task" and f"a{story.pk}" in args[0]
    assert len(fastly.requests) == 1
