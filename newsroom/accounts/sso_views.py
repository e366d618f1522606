"""The single sign-on URLs under /oidc/: start a sign-in, the provider's callback, back-channel logout.

All answer 404 while single sign-on is off (no OIDC_ISSUER), and every failure ends on the admin's login
page with a message saying what happened, never an error page.
"""

import logging
import time

import jwt
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from . import offboarding, sessions, sso_provider
from .models import SSOIdentity, UserSession
from .sso import SSOBackend, provider_name

log = logging.getLogger(__name__)

BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"
# A logout token older than this is refused, and its jti remembered this long by the process that took
# it, so it cannot be replayed there. A replay elsewhere could only end the same sessions again.
LOGOUT_TOKEN_MAX_AGE = 300
_seen_jti: dict[str, float] = {}


def _require_sso():
    if not settings.OIDC_ISSUER:
        raise Http404("Single sign-on is not configured.")


def _back_to_login(request, message: str):
    messages.error(request, message)
    return HttpResponseRedirect(reverse("admin:login"))


class SignInView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider's authorization endpoint (with state, nonce and PKCE)."""

    def __init__(self, *args, **kwargs):
        # The endpoint is looked up per request (sso_provider), not when the view is made.
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID

    def get(self, request):
        _require_sso()
        try:
            self.OIDC_OP_AUTH_ENDPOINT = sso_provider.endpoint("authorization_endpoint")
        except sso_provider.ProviderUnavailable as exc:
            log.warning("Single sign-on: %s", exc)
            return _back_to_login(request, f"{provider_name()} could not be reached. Try again in a minute.")
        return super().get(request)


class CallbackView(OIDCAuthenticationCallbackView):
    """The provider sends the browser back here; the backend (sso.SSOBackend) decides."""

    def get(self, request):
        _require_sso()
        if error := request.GET.get("error"):
            # The provider refused (the person cancelled, or may not use this application): the parent
            # forgets the state and signs out whoever was signed in, then comes to login_failure.
            detail = request.GET.get("error_description", "")[:200] or error[:50]
            request.sso_refusal = f"{provider_name()} did not sign you in: {detail}"
        try:
            return super().get(request)
        except SuspiciousOperation:
            # A callback whose state this browser did not start: an old tab, or a forged link.
            return _back_to_login(request, "That sign-in had expired. Start again.")

    def login_failure(self):
        reason = getattr(self.request, "sso_refusal", "")
        return _back_to_login(self.request, reason or f"Signing in with {provider_name()} did not complete.")


def _bad_logout(description: str):
    return JsonResponse({"error": "invalid_request", "error_description": description}, status=400)


def _verified_logout_token(token: str) -> dict:
    """The logout token's claims, once its signature (the provider's JWKS), issuer, audience, age and
    shape (OpenID Connect Back-Channel Logout 1.0, section 2.6) are checked; jwt.PyJWTError otherwise."""
    backend = SSOBackend()
    header = jwt.get_unverified_header(token)
    if header.get("alg") != settings.OIDC_RP_SIGN_ALGO:
        raise jwt.InvalidAlgorithmError("unexpected algorithm")
    try:
        key = backend.retrieve_matching_jwk(token)
    except (SuspiciousOperation, KeyError) as exc:
        raise jwt.InvalidKeyError("no key of the provider's signs this token") from exc
    claims = jwt.decode(
        token,
        key,
        algorithms=[settings.OIDC_RP_SIGN_ALGO],
        audience=settings.OIDC_RP_CLIENT_ID,
        options={"require": ["iss", "aud", "iat", "jti", "events"], "verify_iss": False},
    )
    if str(claims["iss"]).rstrip("/") != settings.OIDC_ISSUER:
        raise jwt.InvalidIssuerError("another issuer")
    events = claims.get("events")
    if not isinstance(events, dict) or BACKCHANNEL_EVENT not in events or "nonce" in claims:
        raise jwt.InvalidTokenError("not a logout token")
    if not (claims.get("sub") or claims.get("sid")):
        raise jwt.InvalidTokenError("names neither sub nor sid")
    if not isinstance(claims["iat"], int | float) or claims["iat"] < time.time() - LOGOUT_TOKEN_MAX_AGE:
        raise jwt.InvalidTokenError("too old")
    now = time.time()
    for jti in [jti for jti, seen in _seen_jti.items() if seen < now - LOGOUT_TOKEN_MAX_AGE]:
        del _seen_jti[jti]
    if str(claims["jti"]) in _seen_jti:
        raise jwt.InvalidTokenError("already used")
    _seen_jti[str(claims["jti"])] = now
    return claims


@csrf_exempt  # the provider posts it server to server; the signed token is the proof
@never_cache
@require_POST
def backchannel_logout(request):
    """The provider says a person signed out (or was signed out) there: their sessions here end, and
    with SSO_BACKCHANNEL_DEACTIVATES on the account is deactivated too."""
    _require_sso()
    token = request.POST.get("logout_token", "")
    if not token:
        return _bad_logout("logout_token is missing.")
    try:
        claims = _verified_logout_token(token)
    except jwt.PyJWTError as exc:
        log.warning("Back-channel logout refused: %s", exc)
        return _bad_logout(f"The logout token is not valid: {exc}")
    except sso_provider.ProviderUnavailable as exc:
        log.warning("Back-channel logout: %s", exc)
        return JsonResponse({"error": "temporarily_unavailable"}, status=503)
    user = None
    if sub := claims.get("sub"):
        identity = (
            SSOIdentity.objects.select_related("user")
            .filter(issuer=settings.OIDC_ISSUER, subject=sub)
            .first()
        )
        user = identity.user if identity else None
    if user is not None and settings.SSO_BACKCHANNEL_DEACTIVATES:
        offboarding.deactivate(user=user, by=None, reason=f"{provider_name()} signed them out (back-channel)")
    elif user is not None:
        sessions.end_sessions_of(user)
    elif sid := claims.get("sid"):
        sessions.end_sessions(UserSession.objects.filter(sso_sid=sid))
    return JsonResponse({})
