"""Staff single sign-on with OpenID Connect (mozilla-django-oidc), and the password backend beside it.

At each sign-in the provider's answer decides: the email's domain must be allowed, the groups claim must
map to at least one newsroom role (SSO_GROUP_ROLES), and the user's roles become exactly the mapped ones.
A person is recognised by the provider's `sub` (SSOIdentity), or on their first sign-in by a verified email
matching an existing account. A refusal is told to the admin's login page (sso_views.CallbackView).
"""

import logging

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import transaction
from django.utils import timezone
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from newsroom import audit

from . import offboarding, sso_provider
from .models import SSOIdentity
from .roles import ROLES

log = logging.getLogger(__name__)

SSO_BACKEND = "newsroom.accounts.sso.SSOBackend"


def provider_name() -> str:
    return settings.SSO_PROVIDER_NAME


def is_break_glass(username) -> bool:
    """The one account that may still use a password in SSO_ONLY mode (always with its second factor)."""
    return bool(settings.OIDC_ISSUER and settings.SSO_BREAK_GLASS_USERNAME) and (
        username == settings.SSO_BREAK_GLASS_USERNAME
    )


class Refused(Exception):
    """A sign-in the newsroom refuses: the message is shown on the login page as it is."""


def _setting(name):
    return property(lambda self: getattr(settings, name))


def _endpoint(name):
    return property(lambda self: sso_provider.endpoint(name))


class SSOBackend(OIDCAuthenticationBackend):
    # mozilla-django-oidc reads the endpoints when the backend is made, and Django makes one for every
    # request that reads a signed-in session: they are read when a sign-in needs them instead.
    OIDC_OP_TOKEN_ENDPOINT = _endpoint("token_endpoint")
    OIDC_OP_USER_ENDPOINT = _endpoint("userinfo_endpoint")
    OIDC_OP_JWKS_ENDPOINT = _endpoint("jwks_uri")
    OIDC_RP_CLIENT_ID = _setting("OIDC_RP_CLIENT_ID")
    OIDC_RP_CLIENT_SECRET = _setting("OIDC_RP_CLIENT_SECRET")
    OIDC_RP_SIGN_ALGO = _setting("OIDC_RP_SIGN_ALGO")
    OIDC_RP_IDP_SIGN_KEY = None

    def __init__(self, *args, **kwargs):
        self.UserModel = get_user_model()

    def authenticate(self, request, **kwargs):
        # Only the callback view asks with a nonce; a password form never reaches the provider.
        if request is None or not settings.OIDC_ISSUER or "nonce" not in kwargs or "password" in kwargs:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except Refused as exc:
            request.sso_refusal = str(exc)
        except sso_provider.ProviderUnavailable as exc:
            log.warning("Single sign-on: %s", exc)
            request.sso_refusal = f"{provider_name()} could not be reached. Try again in a minute."
        except (requests.RequestException, SuspiciousOperation, jwt.PyJWTError, KeyError, ValueError) as exc:
            log.warning("Single sign-on refused: %r", exc)
            request.sso_refusal = f"The answer from {provider_name()} could not be checked. Try again."
        return None

    def get_user(self, user_id):
        # mozilla-django-oidc's own would return a deactivated user: Django's refuses them.
        return ModelBackend.get_user(self, user_id)

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        # mozilla-django-oidc checks the signature and nonce; the issuer and audience are checked here.
        if str(payload.get("iss", "")).rstrip("/") != settings.OIDC_ISSUER:
            raise SuspiciousOperation("The ID token is from another issuer.")
        audience = payload.get("aud")
        if settings.OIDC_RP_CLIENT_ID not in ([audience] if isinstance(audience, str) else audience or []):
            raise SuspiciousOperation("The ID token is for another client.")
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        claims = {**payload, **self.get_userinfo(access_token, id_token, payload)}
        if claims.get("sub") != payload.get("sub") or not payload.get("sub"):
            raise SuspiciousOperation("The userinfo answer is about someone else.")
        self.request.sso_sid = payload.get("sid", "")
        user, refusal = sign_in(claims)
        if refusal:
            raise Refused(refusal)
        return user


def mapped_roles(claims) -> list[str] | None:
    """The newsroom roles the claims' groups map to; None when the groups claim is missing."""
    groups = claims.get(settings.SSO_GROUPS_CLAIM)
    if groups is None:
        return None
    groups = [groups] if isinstance(groups, str) else groups if isinstance(groups, list) else []
    return sorted(
        {settings.SSO_GROUP_ROLES[g] for g in groups if isinstance(g, str) and g in settings.SSO_GROUP_ROLES}
    )


@transaction.atomic
def sign_in(claims: dict):
    """(user, None) for a sign-in allowed, with the user brought in step with the claims; (None, the
    reason) for one refused. A refusal may still write: a person who had a role and no longer has one at
    the provider is deactivated (offboarding), and that stays."""
    User = get_user_model()
    name, issuer, subject = provider_name(), settings.OIDC_ISSUER, str(claims["sub"])
    email = str(claims.get("email") or "").strip()
    domain = email.rpartition("@")[2].lower()
    if not email or domain not in settings.SSO_ALLOWED_DOMAINS:
        return None, (
            f"Accounts at {domain or 'an address with no email'} may not sign in here: use your "
            f"{' or '.join(settings.SSO_ALLOWED_DOMAINS)} account."
        )
    roles = mapped_roles(claims)
    if roles is None:
        log.warning("Single sign-on: no %r claim from %s", settings.SSO_GROUPS_CLAIM, issuer)
        return None, f"{name} did not say which groups you are in, so no role can be given. Tell IT."
    identity = SSOIdentity.objects.select_related("user").filter(issuer=issuer, subject=subject).first()
    user = identity.user if identity else None
    if user is None:
        matches = list(User.objects.filter(email__iexact=email)[:2])
        if matches and claims.get("email_verified") is not True:
            # Anyone can claim an address at some providers: only a verified one may take over an account.
            return None, f"{name} has not verified {email}, so it cannot be matched to the account here."
        if len(matches) > 1:
            return None, f"Two accounts here have the address {email}: ask an administrator to merge them."
        user = matches[0] if matches else None
        if user is not None and SSOIdentity.objects.filter(user=user, issuer=issuer).exists():
            return None, f"The account for {email} belongs to another {name} account."
    if user is not None and is_break_glass(user.username):
        return None, "The break-glass account signs in with its password and code only."
    if not roles:
        if user is not None and user.is_active and user.groups.filter(name__in=list(ROLES)).exists():
            _set_roles(user, [])  # staff status goes with the last role (roles.staff_follows_roles)
            offboarding.deactivate(user=user, by=None, reason=f"{name} gives them no newsroom group")
        return None, f"Your {name} account is in no newsroom group, so it gives no access here."
    if user is not None and not user.is_active:
        return None, "This account has been deactivated. Ask an administrator."
    if user is None:
        if User.objects.filter(username__iexact=email).exists():
            return None, f"An account named {email} exists but is not linked: ask an administrator."
        user = User.objects.create_user(username=email[:150], email=email)
    if identity is None:
        identity = SSOIdentity.objects.create(user=user, issuer=issuer, subject=subject)
    identity.last_sign_in_at = timezone.now()
    identity.save(update_fields=["last_sign_in_at"])
    user.email = email
    user.first_name = str(claims.get("given_name") or user.first_name)[:150]
    user.last_name = str(claims.get("family_name") or user.last_name)[:150]
    user.is_staff = True
    user.save(update_fields=["email", "first_name", "last_name", "is_staff"])
    _set_roles(user, roles)
    return user, None


def _set_roles(user, roles: list[str]) -> None:
    """The user's newsroom roles become exactly `roles` (other groups, made by hand, are left alone)."""
    current = set(user.groups.filter(name__in=list(ROLES)).values_list("name", flat=True))
    if gone := current - set(roles):
        user.groups.remove(*Group.objects.filter(name__in=gone))
    if new := set(roles) - current:
        user.groups.add(*Group.objects.filter(name__in=new))
    if gone or new:
        with audit.acting(system=offboarding.PROVIDER):
            audit.record(
                "user.roles",
                obj=user,
                scope=audit.Scope.SECURITY,
                changes={"roles": [sorted(current), sorted(roles)]},
                summary=f"Roles as {provider_name()} says",
            )


class PasswordBackend(ModelBackend):
    """Django's password sign-in, refused on the server in SSO_ONLY mode for all but the break-glass
    account (a hidden form alone would not stop a scripted POST)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if settings.SSO_ONLY and password is not None and not is_break_glass(username):
            # Stops the other backends too; Django then reports a failed sign-in (axes counts it).
            raise PermissionDenied("Passwords are off: sign in through the identity provider.")
        return super().authenticate(request, username=username, password=password, **kwargs)
