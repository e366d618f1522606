"""Behind the load balancer the sign-in lockout counts each client, not the proxy; a client outside it
cannot pick the address it is counted under (newsroom/proxies.py, AXES_CLIENT_IP_CALLABLE)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory
from django.urls import reverse

from newsroom.proxies import client_ip

pytestmark = pytest.mark.django_db

PASSWORD = "pw-Secret-123"  # what tests/conftest.py gives every user
PROXY = "10.0.0.5"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def proxies(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24", "fd00::/8"]


def sign_in(username, password, *, remote, forwarded=None):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    client = Client(REMOTE_ADDR=remote, headers=headers)
    return client.post(f"{reverse('admin:login')}?next=/admin/", {"username": username, "password": password})


def lock_out(username, **where):
    return [sign_in(username, "wrong-guess", **where) for _ in range(5)][-1]


def test_an_attacker_behind_the_proxy_does_not_lock_out_the_editor_elsewhere(editor):
    assert lock_out(editor.username, remote=PROXY, forwarded="203.0.113.66").status_code == 429
    assert sign_in(editor.username, PASSWORD, remote=PROXY, forwarded="198.51.100.7").status_code == 302
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.66"]


def test_the_attacker_stays_locked_out(editor):
    lock_out(editor.username, remote=PROXY, forwarded="203.0.113.66")
    assert sign_in(editor.username, PASSWORD, remote=PROXY, forwarded="203.0.113.66").status_code == 429


def test_an_address_a_client_writes_itself_is_never_believed(editor):
    # The client prepends a victim's address; the proxy appends the address it really saw.
    forged = "198.51.100.7, 203.0.113.66"
    lock_out(editor.username, remote=PROXY, forwarded=forged)
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.66"]
    assert sign_in(editor.username, PASSWORD, remote=PROXY, forwarded="198.51.100.7").status_code == 302


def test_a_spoofed_header_from_an_untrusted_address_is_ignored(editor):
    # Straight to the app, not through the proxy: the header could say anything.
    lock_out(editor.username, remote="203.0.113.66", forwarded="198.51.100.7")
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.66"]
    assert sign_in(editor.username, PASSWORD, remote="203.0.113.66", forwarded="1.2.3.4").status_code == 429


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("10.0.0.5", "203.0.113.9, 10.0.0.7", "203.0.113.9"),  # two proxies of ours
        ("10.0.0.5", "203.0.113.9:4711", "203.0.113.9"),  # a port added by the proxy
        ("10.0.0.5", "not-an-address, 203.0.113.9", "203.0.113.9"),
        ("10.0.0.5", "203.0.113.9, garbage", "10.0.0.5"),  # not written by a proxy of ours
        ("10.0.0.5", "", "10.0.0.5"),
        ("10.0.0.5", "10.0.0.8", "10.0.0.8"),  # only proxies: the farthest one
        ("fd00::1", "[2001:db8::1]:443", "2001:db8::1"),
        ("::ffff:10.0.0.5", "203.0.113.9", "203.0.113.9"),
        ("192.0.2.1", "203.0.113.9", "192.0.2.1"),
    ],
)
def test_client_address(remote, forwarded, expected):
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_without_trusted_proxies_the_header_means_nothing(settings):
    settings.TRUSTED_PROXIES = []
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert client_ip(request) == "10.0.0.5"


def test_the_apis_old_count_of_proxies_stops_the_start():
    # It would count the proxy as every client: refused with what to set instead.
    env = {**os.environ, "API_TRUSTED_PROXIES": "1", "DJANGO_SETTINGS_MODULE": "newsroom.settings.test"}
    done = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode != 0 and "TRUSTED_PROXIES" in done.stderr
