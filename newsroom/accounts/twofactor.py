"""Two-factor sign-in for staff: TOTP codes from an authenticator app (django-otp).

Any staff member may enrol at /admin/2fa/. Members of the groups in settings.REQUIRE_2FA_GROUPS, and
everyone who has enrolled, must enter a code once per session: until then every admin URL redirects to
that page and the public site treats them as a reader (no draft previews). A lost phone is handled by an
administrator deleting the person's device under "TOTP devices" in the admin; they then enrol again.
"""

from base64 import b32encode
from urllib.parse import quote

import django_otp
import segno
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp.plugins.otp_totp.models import TOTPDevice

from newsroom import audit

from . import sso

DEVICE_NAME = "Authenticator app"


def needs_second_factor(user, request=None) -> bool:
    """True for staff who must enter a code in this session before they may act as staff."""
    if not (user.is_authenticated and user.is_staff) or user.is_verified():
        return False
    # The break-glass account is a password alone otherwise, and is used when single sign-on is down.
    if sso.is_break_glass(user.username):
        return True
    # A single sign-on session skips the code: the identity provider enforces the organisation's MFA
    # policy, and a second local factor would mean two prompts and two resets for one lost phone.
    if request is not None and request.session.get(BACKEND_SESSION_KEY) == sso.SSO_BACKEND:
        return False
    required = settings.REQUIRE_2FA_GROUPS
    if required and user.groups.filter(name__in=required).exists():
        return True
    # Enrolling is a promise: a password alone no longer opens the account.
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


class TwoFactorMiddleware:
    """Enforces the rule above on the server, for every admin URL (views, autocomplete, jsi18n)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Only requests with a session can be signed in; readers' requests are not even looked at,
        # so their responses do not gain a `Vary: Cookie`.
        if settings.SESSION_COOKIE_NAME in request.COOKIES and needs_second_factor(request.user, request):
            admin_root = reverse("admin:index")
            if not request.path_info.startswith(admin_root):
                request.user = AnonymousUser()
            elif request.path_info not in {
                reverse("two_factor"),
                reverse("admin:login"),
                reverse("admin:logout"),
            }:
                return redirect(f"{reverse('two_factor')}?next={quote(request.get_full_path())}")
        return self.get_response(request)


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Code from your authenticator app",
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "size": 8}
        ),
    )

    def clean_token(self):
        token = self.cleaned_data["token"].replace(" ", "")
        if not token.isdigit():
            raise forms.ValidationError("Enter the 6 digits your app shows.")
        return token


def _next_url(request) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("admin:index")


def _qr_code(device: TOTPDevice) -> str:
    # An inline SVG as a data: URL: no extra request, and the CSP allows data: images.
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def _secret(device: TOTPDevice) -> str:
    # For typing into an app by hand, in groups of four like most apps show it.
    text = b32encode(device.bin_key).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def two_factor_view(request):
    """Enrol (QR code and a first code), or enter this session's code, or see that 2FA is on."""
    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        mode = "done" if user.is_verified() else "verify"
    else:
        mode = "enrol"
        # The same pending secret on every visit, so reloading the page keeps the scanned code valid.
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
        device = device or TOTPDevice.objects.create(user=user, confirmed=False, name=DEVICE_NAME)
    next_url = _next_url(request)
    form = TokenForm(request.POST if request.method == "POST" and mode != "done" else None)
    if form.is_bound and form.is_valid():
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            form.add_error(
                "token", "Too many wrong codes in a row: wait a few seconds, then try the newest code."
            )
        else:
            with transaction.atomic():
                verified = django_otp.verify_token(user, device.persistent_id, form.cleaned_data["token"])
                if verified is not None and mode == "enrol":
                    verified.confirmed = True
                    verified.save(update_fields=["confirmed"])
                    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
                    audit.record(
                        "totpdevice.enrol",
                        obj=user,
                        scope=audit.Scope.SECURITY,
                        changes={"two_factor": [None, verified.name]},
                    )
            if verified is not None:
                django_otp.login(request, verified)
                if mode == "enrol":
                    messages.success(
                        request, "Two-factor sign-in is on. You will need a code each time you sign in."
                    )
                return redirect(next_url)
            form.add_error(
                "token", "That code is not right. Check that your phone's clock is set automatically."
            )
    context = {
        **admin.site.each_context(request),
        "title": "Two-factor sign-in",
        "mode": mode,
        "form": form,
        "next": next_url,
        "required": bool(settings.REQUIRE_2FA_GROUPS)
        and user.groups.filter(name__in=settings.REQUIRE_2FA_GROUPS).exists(),
        # A user who has not passed 2FA yet must not be shown links to the admin's pages.
        "is_nav_sidebar_enabled": False,
    }
    if mode == "enrol":
        context |= {"qr_code": _qr_code(device), "secret": _secret(device)}
    return TemplateResponse(request, "admin/twofactor/setup.html", context)


two_factor = admin.site.admin_view(two_factor_view)
