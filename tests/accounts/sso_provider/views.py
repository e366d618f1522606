"""The provider's claims, and a door for the tests to set up its people (guarded by a shared secret)."""

import json
import os

from django.contrib.auth.models import Group, User
from django.http import HttpResponseForbidden, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider.oauth2_validators import OAuth2Validator


class Validator(OAuth2Validator):
    # Every claim below, whatever the scopes, as a provider configured to send groups does.
    oidc_claim_scope = None

    def get_additional_claims(self, request):
        user = request.user
        return {
            "email": user.email,
            # The provider has no admin of its own: is_staff stands for "this address is verified".
            "email_verified": user.is_staff,
            "given_name": user.first_name,
            "groups": sorted(user.groups.values_list("name", flat=True)),
        }


@csrf_exempt
def person(request):
    """POST {"username", "password", "email", "email_verified", "groups", "given_name"}: make or change
    that person; answers their `sub`."""
    if (
        request.headers.get("X-Test-Secret") != os.environ.get("SSO_PROVIDER_TEST_SECRET")
        or request.method != "POST"
    ):
        return HttpResponseForbidden()
    data = json.loads(request.body)
    user, _ = User.objects.get_or_create(username=data["username"])
    user.set_password(data["password"])
    user.email = data.get("email", "")
    user.is_staff = data.get("email_verified", True)
    user.first_name = data.get("given_name", "")
    user.save()
    user.groups.set([Group.objects.get_or_create(name=name)[0] for name in data.get("groups", [])])
    return JsonResponse({"sub": str(user.pk)})
