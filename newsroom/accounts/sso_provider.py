"""The identity provider's endpoints: from the settings where given, else from its discovery document.

The document ({OIDC_ISSUER}/.well-known/openid-configuration) is fetched at the first sign-in and kept an
hour by each process (one request an hour: not worth the shared cache, which accounts sit below), never
at startup: a provider that is down or slow must not stop the site from starting,
and the password path (the break-glass account) must keep working while it is.
"""

import time

import requests
from django.conf import settings

DISCOVERY_SECONDS = 3600
_documents: dict[str, tuple[float, dict]] = {}  # issuer -> (fetched at, document)

# Our setting for each endpoint, and the discovery document's name for it.
SETTINGS = {
    "authorization_endpoint": "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "token_endpoint": "OIDC_OP_TOKEN_ENDPOINT",
    "userinfo_endpoint": "OIDC_OP_USER_ENDPOINT",
    "jwks_uri": "OIDC_OP_JWKS_ENDPOINT",
}


class ProviderUnavailable(Exception):
    """The provider could not be asked, or answered nonsense: the message says which, for the logs."""


def endpoint(name: str) -> str:
    if explicit := getattr(settings, SETTINGS[name], ""):
        return explicit
    value = discovery().get(name)
    if not isinstance(value, str) or not value.startswith(("https://", "http://")):
        raise ProviderUnavailable(f"The provider's discovery document names no {name}.")
    return value


def discovery() -> dict:
    issuer = settings.OIDC_ISSUER
    fetched_at, found = _documents.get(issuer, (0.0, None))
    if found is not None and time.monotonic() - fetched_at < DISCOVERY_SECONDS:
        return found
    url = f"{issuer}/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        found = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ProviderUnavailable(f"Could not read {url}: {exc}") from exc
    # The document must be the issuer's own (OpenID Connect Discovery 1.0, section 4.3).
    if not isinstance(found, dict) or str(found.get("issuer", "")).rstrip("/") != issuer:
        raise ProviderUnavailable(f"{url} is not the discovery document of {issuer}.")
    _documents[issuer] = (time.monotonic(), found)
    return found
