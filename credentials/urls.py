from django.urls import path

from . import public_views, views

app_name = "credentials"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("issued/", views.issued, name="issued"),
    path("<uuid:credential>/", views.detail, name="detail"),
    path("<uuid:credential>/credential.json", views.download_json, name="json"),
    path("<uuid:credential>/badge.svg", views.download_svg, name="svg"),
    path("<uuid:credential>/badge.png", views.download_png, name="png"),
    path("<uuid:credential>/credential.jwt", views.download_jwt, name="jwt"),
    path("<uuid:credential>/revoke/", views.revoke, name="revoke"),
    path("public/<uuid:credential>/", public_views.public, name="public"),
    path("verify/", public_views.verify, name="verify"),
    path("issuers/<uuid:organisation>/", public_views.issuer, name="issuer"),
    path("issuers/<uuid:organisation>/jwks.json", public_views.jwks, name="jwks"),
    path("issuers/<uuid:organisation>/keys/<str:thumbprint>", public_views.jwk, name="jwk"),
    path(
        "issuers/<uuid:organisation>/status/revocation",
        public_views.status_list,
        name="status_list",
    ),
    path(
        "issuers/<uuid:organisation>/achievements/<slug:kind>/",
        public_views.achievement,
        name="achievement",
    ),
]
