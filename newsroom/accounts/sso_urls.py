"""/oidc/: single sign-on (sso_views); 404 while it is not configured."""

from django.urls import path

from . import sso_views

urlpatterns = [
    path("authenticate/", sso_views.SignInView.as_view(), name="oidc_authentication_init"),
    path("callback/", sso_views.CallbackView.as_view(), name="oidc_authentication_callback"),
    path("backchannel-logout/", sso_views.backchannel_logout, name="oidc_backchannel_logout"),
]
