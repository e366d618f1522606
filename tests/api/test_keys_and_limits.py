"""API keys (issued in the admin, shown once, revoked at once) and the rate limits they raise."""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.urls import reverse

from articles.api import keys
from articles.caching import store
from articles.models import ApiKey
from tests.helpers import DEAD_REDIS

pytestmark = pytest.mark.django_db

URL = "/api/v1/stories/"


@pytest.fixture(autouse=True)
def limits(settings):
    settings.API_ANON_RATE = 3
    settings.API_KEY_RATE = 5


def statuses(client, n, **headers) -> list[int]:
    return [client.get(URL, headers=headers).status_code for _ in range(n)]


# --- Keys in the admin -------------------------------------------------------------------------------


def test_administrator_issues_a_key_that_is_shown_once(client, administrator):
    client.force_login(administrator)
    response = client.post(
        reverse("admin:articles_apikey_add"),
        {"name": "iOS app", "owner": "Partner Ltd", "contact_email": "dev@partner.example", "rate_limit": ""},
    )
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    raw = re.search(r'<code id="issued-key"[^>]*>(nrk_[\w-]+)</code>', response.content.decode()).group(1)
    key = ApiKey.objects.get()
    assert (key.name, key.owner, key.created_by) == ("iOS app", "Partner Ltd", administrator)
    # Only the hash is kept: the key is in no column, and its page never shows it again.
    assert key.key_hash == keys.hash_key(raw) and raw.startswith(key.prefix)
    assert raw not in str(list(ApiKey.objects.values_list()))
    change = client.get(reverse("admin:articles_apikey_change", args=[key.pk])).content.decode()
    assert raw not in change and key.prefix in change
    client.logout()
    assert client.get(URL, headers={"Authorization": f"Bearer {raw}"}).status_code == 200


@pytest.mark.parametrize("who", ["editor", "reporter"])
def test_only_administrators_manage_keys(client, request, who, issue_key):
    key, _ = issue_key()
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("admin:articles_apikey_changelist")).status_code == 403
    assert client.post(reverse("admin:articles_apikey_add"), {"name": "x", "owner": "y"}).status_code == 403
    with pytest.raises(PermissionDenied):
        keys.issue_key(user=request.getfixturevalue(who), name="x", owner="y")
    with pytest.raises(PermissionDenied):
        keys.revoke_key(user=request.getfixturevalue(who), key=key)
    with pytest.raises(PermissionDenied):
        keys.update_key(user=request.getfixturevalue(who), key=key, rate_limit=1_000_000)
    assert ApiKey.objects.count() == 1 and not ApiKey.objects.get().revoked
    assert ApiKey.objects.get().rate_limit is None


def test_issue_form_refuses_a_key_without_a_name(client, administrator):
    client.force_login(administrator)
    response = client.post(reverse("admin:articles_apikey_add"), {"name": "", "owner": "Partner"})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    assert not ApiKey.objects.exists()


# --- Sending a key -----------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["bearer", "header"])
def test_a_key_is_accepted_either_way_and_its_use_recorded(client, issue_key, make_article, how):
    make_article()
    key, raw = issue_key()
    headers = {"Authorization": f"Bearer {raw}"} if how == "bearer" else {"X-Api-Key": raw}
    response = client.get(URL, headers=headers)
    assert response.status_code == 200 and response["RateLimit-Limit"] == "5"
    key.refresh_from_db()
    assert key.last_used_at is not None


@pytest.mark.parametrize(
    "headers",
    [{"Authorization": "Bearer nrk_made-up"}, {"X-Api-Key": "nrk_made-up"}, {"Authorization": "Bearer "}],
)
def test_an_unknown_key_is_refused(client, headers):
    response = client.get(URL, headers=headers)
    assert response.status_code == 401
    assert response.json() == {
        "detail": "This API key is not valid. Ask the newsroom for a key, or send none for the anonymous "
        "rate limit."
    }
    assert response["WWW-Authenticate"].startswith('Bearer error="invalid_token"')
    assert response["Cache-Control"] == "no-store"


def test_other_authorisation_schemes_are_left_alone(client, make_article):
    make_article()
    response = client.get(URL, headers={"Authorization": "Basic c3RhZ2luZzpzZWNyZXQ="})
    assert response.status_code == 200 and response["RateLimit-Limit"] == "3"


def test_a_revoked_key_is_refused_on_its_next_request(client, administrator, issue_key, make_article):
    make_article()
    key, raw = issue_key()
    headers = {"X-Api-Key": raw}
    assert client.get(URL, headers=headers).status_code == 200
    client.force_login(administrator)
    response = client.post(
        reverse("admin:articles_apikey_changelist"),
        {"action": "revoke_selected", "_selected_action": [key.pk]},
    )
    assert response.status_code == 302
    client.logout()
    response = client.get(URL, headers=headers)
    assert response.status_code == 401 and "revoked" in response.json()["detail"]
    key.refresh_from_db()
    assert key.revoked and key.revoked_at is not None


def test_a_key_revoked_on_its_form_stays_revoked(client, administrator, issue_key):
    key, raw = issue_key()
    client.force_login(administrator)
    url = reverse("admin:articles_apikey_change", args=[key.pk])
    form = {"name": "Renamed", "owner": "Partner Ltd", "contact_email": "", "rate_limit": "", "revoked": "on"}
    assert client.post(url, form).status_code == 302
    key.refresh_from_db()
    assert key.name == "Renamed" and key.revoked and key.revoked_at
    # The box is gone from the form: un-revoking is not possible, even by posting it.
    assert 'name="revoked"' not in client.get(url).content.decode()
    client.post(url, {**form, "revoked": ""})
    key.refresh_from_db()
    assert key.revoked
    client.logout()
    assert client.get(URL, headers={"X-Api-Key": raw}).status_code == 401


# --- Rate limits -------------------------------------------------------------------------------------


def test_anonymous_clients_get_a_429_with_retry_after(client, make_article, settings):
    make_article()
    assert statuses(client, 3) == [200, 200, 200]
    response = client.get(URL)
    assert response.status_code == 429
    retry = int(response["Retry-After"])
    assert 0 < retry <= settings.API_RATE_WINDOW
    assert "Rate limit of 3 requests per 60 seconds reached" in response.json()["detail"]
    assert "Send an API key for a higher limit" in response.json()["detail"]
    assert response["RateLimit-Remaining"] == "0"


def test_the_limit_counts_every_api_answer_cached_or_not(client, make_article, settings):
    settings.PAGE_CACHE_SECONDS = 300
    make_article()
    assert statuses(client, 4) == [200, 200, 200, 429]


def test_anonymous_clients_are_counted_by_address(client, make_article):
    make_article()
    assert statuses(client, 4) == [200, 200, 200, 429]
    assert client.get(URL, REMOTE_ADDR="192.0.2.7").status_code == 200


def test_behind_trusted_proxies_the_address_they_saw_counts(client, make_article, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]  # the test client's own address: the proxy in front
    make_article()
    forged = {"X-Forwarded-For": "203.0.113.9, 198.51.100.1"}  # the client wrote the first entry
    assert statuses(client, 4, **forged) == [200, 200, 200, 429]
    assert client.get(URL, headers={"X-Forwarded-For": "203.0.113.9, 198.51.100.2"}).status_code == 200


def test_a_key_raises_the_limit_and_counts_apart(client, make_article, issue_key):
    make_article()
    _, raw = issue_key()
    assert statuses(client, 4) == [200, 200, 200, 429]
    assert statuses(client, 6, X_Api_Key=raw) == [200] * 5 + [429]
    response = client.get(URL, headers={"X-Api-Key": raw})
    assert "for this key" in response.json()["detail"] and "Send an API key" not in response.json()["detail"]


def test_a_key_of_its_own_limit(client, make_article, issue_key):
    make_article()
    _, raw = issue_key(rate_limit=8)
    assert statuses(client, 9, X_Api_Key=raw) == [200] * 8 + [429]


def test_pages_outside_the_api_are_never_limited(client, make_article):
    make_article()
    assert statuses(client, 3) == [200, 200, 200]
    assert [client.get("/").status_code for _ in range(5)] == [200] * 5


def test_with_redis_down_the_api_serves_unlimited(client, make_article, issue_key):
    make_article()
    _, raw = issue_key()
    with override_settings(CACHES=DEAD_REDIS):
        assert statuses(client, 5) == [200] * 5
        assert "RateLimit-Limit" not in client.get(URL)
        # Keys still count: they are in the database.
        assert client.get(URL, headers={"X-Api-Key": "nrk_made-up"}).status_code == 401
        assert client.get(URL, headers={"X-Api-Key": raw}).status_code == 200
    assert store.in_outage()
