from django.urls import path

from . import mfa_views, views

app_name = "accounts"

urlpatterns = [
    path("mfa-required/", views.mfa_required, name="mfa_required"),
    # Ahead of allauth's own (cms.urls includes this first): same path, with the last-factor guard.
    path(
        "2fa/webauthn/keys/<int:pk>/remove/",
        mfa_views.remove_webauthn,
        name="remove_webauthn",
    ),
]
