"""The provider's WSGI application, with the newsroom registered as its client (from the environment)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.accounts.sso_provider.settings")
application = get_wsgi_application()

from oauth2_provider.models import Application  # noqa: E402 - needs the apps loaded

Application.objects.update_or_create(
    client_id=os.environ["SSO_PROVIDER_CLIENT_ID"],
    defaults={
        "name": "Newsroom",
        "client_secret": os.environ["SSO_PROVIDER_CLIENT_SECRET"],
        "client_type": Application.CLIENT_CONFIDENTIAL,
        "authorization_grant_type": Application.GRANT_AUTHORIZATION_CODE,
        "redirect_uris": os.environ["SSO_PROVIDER_REDIRECT_URI"],
        "algorithm": Application.RS256_ALGORITHM,
        "skip_authorization": True,
    },
)
