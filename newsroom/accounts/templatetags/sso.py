"""`{% sso_login as sso %}`: what the admin's login page needs to offer single sign-on."""

from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import reverse

register = template.Library()


@register.simple_tag(takes_context=True)
def sso_login(context) -> dict:
    if not settings.OIDC_ISSUER:
        return {"enabled": False}
    url = reverse("oidc_authentication_init")
    if next_url := context.get("next"):
        url = f"{url}?{urlencode({'next': next_url})}"
    return {"enabled": True, "name": settings.SSO_PROVIDER_NAME, "only": settings.SSO_ONLY, "url": url}
