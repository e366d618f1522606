from django.urls import path

from . import views

app_name = "readers"

urlpatterns = [
    path("newsletters/", views.newsletters, name="newsletters"),
    path("newsletters/subscribe/", views.subscribe, name="subscribe"),
    path("newsletters/check-your-email/", views.check_email, name="check_email"),
    path("newsletters/confirm/<str:token>/", views.confirm, name="confirm"),
    path("newsletters/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("newsletters/suppress/", views.suppress_webhook, name="suppress_webhook"),
    path("newsletters/<slug:slug>/", views.newsletter, name="newsletter"),
    path("account/", views.account, name="account"),
    path("account/sign-in/", views.request_link, name="request_link"),
    path("account/sign-in/<str:token>/", views.sign_in_link, name="sign_in_link"),
    path("account/sign-out/", views.sign_out, name="sign_out"),
    path("account/export/", views.export, name="export"),
    path("account/delete/", views.delete, name="delete"),
]
