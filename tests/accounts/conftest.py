"""A real OpenID provider on loopback (tests/accounts/sso_provider/) and the newsroom configured for it."""

import os
import random
import re
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlparse

import psycopg
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings as django_settings

ROOT = Path(__file__).resolve().parent.parent.parent
CALLBACK = "http://testserver/oidc/callback/"
GROUP_ROLES = {"news-reporters": "Reporters", "news-editors": "Editors", "news-admins": "Administrators"}


@dataclass
class Provider:
    url: str
    issuer: str
    client_id: str
    client_secret: str
    private_key: rsa.RSAPrivateKey
    test_secret: str

    def person(self, username, *, groups, email=None, verified=True, password="provider-pass") -> str:
        """Make or change someone at the provider; their `sub`."""
        data = {
            "username": username,
            "password": password,
            "email": email or f"{username}@example.org",
            "email_verified": verified,
            "groups": groups,
            "given_name": username.title(),
        }
        answer = requests.post(
            f"{self.url}/test/person/", json=data, headers={"X-Test-Secret": self.test_secret}, timeout=10
        )
        answer.raise_for_status()
        return answer.json()["sub"]


def _free_low_port() -> int:
    # Below the ephemeral range (32768 and up), where the kernel hands out client ports.
    for port in random.sample(range(20000, 32000), 200):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("No free port between 20000 and 32000.")


def _provider_database_url() -> str:
    """The test database server, with a database of the provider's own (made once, kept for reuse)."""
    db = django_settings.DATABASES["default"]
    name = f"{db['NAME']}_oidc_provider"
    params = {"host": db.get("HOST") or None, "port": db.get("PORT") or None, "user": db.get("USER") or None}
    params = {key: value for key, value in params.items() if value}
    if db.get("PASSWORD"):
        params["password"] = db["PASSWORD"]
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    auth = db.get("USER", "") + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    host = db.get("HOST") or ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    if host.startswith("/"):  # a socket directory
        return f"postgres://{auth}@/{name}?host={host}{'&port=' + str(db['PORT']) if db.get('PORT') else ''}"
    return f"postgres://{auth}@{host}{port}/{name}"


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    port = _free_low_port()
    url = f"http://127.0.0.1:{port}"
    provider = Provider(
        url, f"{url}/o", "newsroom-test", secrets.token_urlsafe(24), key, secrets.token_hex(16)
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.accounts.sso_provider.settings",
        "SSO_PROVIDER_DATABASE_URL": _provider_database_url(),
        "SSO_PROVIDER_RSA_KEY": pem,
        "SSO_PROVIDER_ISSUER": provider.issuer,
        "SSO_PROVIDER_CLIENT_ID": provider.client_id,
        "SSO_PROVIDER_CLIENT_SECRET": provider.client_secret,
        "SSO_PROVIDER_REDIRECT_URI": CALLBACK,
        "SSO_PROVIDER_TEST_SECRET": provider.test_secret,
    }
    subprocess.run(
        [sys.executable, "-m", "django", "migrate", "-v0", "--noinput"], env=env, cwd=ROOT, check=True
    )
    log = (tmp_path_factory.mktemp("oidc") / "provider.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4",
         "tests.accounts.sso_provider.wsgi:application"],
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"The test provider exited: see {log.name}")
            try:
                requests.get(
                    f"{provider.issuer}/.well-known/openid-configuration", timeout=2
                ).raise_for_status()
                break
            except requests.RequestException:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)  # waiting for the server's port, bounded by the deadline
        yield provider
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


@pytest.fixture
def sso(settings, oidc_provider, db):
    """The newsroom signing staff in through the test provider."""
    settings.OIDC_ISSUER = oidc_provider.issuer
    settings.OIDC_RP_CLIENT_ID = oidc_provider.client_id
    settings.OIDC_RP_CLIENT_SECRET = oidc_provider.client_secret
    settings.SSO_PROVIDER_NAME = "Test ID"
    settings.SSO_ALLOWED_DOMAINS = ["example.org"]
    settings.SSO_GROUP_ROLES = GROUP_ROLES
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "newsroom.accounts.sso.SSOBackend",
        "newsroom.accounts.sso.PasswordBackend",
    ]
    return oidc_provider


def sign_in(client, provider: Provider, username: str, password: str = "provider-pass"):
    """Through the whole flow, as a browser would: the newsroom's /oidc/authenticate/, the provider's
    authorize and login pages (a real HTTP client), then the newsroom's callback. The callback's response."""
    start = client.get("/oidc/authenticate/?next=/admin/")
    assert start.status_code == 302, start
    location = start["Location"]
    assert location.startswith(f"{provider.issuer}/authorize/")
    browser = requests.Session()
    for _ in range(8):
        page = browser.get(location, allow_redirects=False, timeout=10)
        if page.status_code == 200 and 'name="password"' in page.text:
            fields = {
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": browser.cookies["csrftoken"],
                "next": re.search(r'name="next" value="([^"]*)"', page.text).group(1).replace("&amp;", "&"),
            }
            page = browser.post(page.url, data=fields, allow_redirects=False, timeout=10)
        assert page.status_code == 302, page.text[:500]
        location = urljoin(page.url, page.headers["Location"])
        if location.startswith("http://testserver/"):
            break
    callback = urlparse(location)
    assert callback.path == "/oidc/callback/", location
    return client.get(f"{callback.path}?{callback.query}")
