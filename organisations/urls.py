from django.urls import path

from . import views

app_name = "organisations"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/invite/", views.invite, name="invite"),
    path(
        "<slug:slug>/memberships/<uuid:uuid>/end/",
        views.end_membership,
        name="end_membership",
    ),
    path(
        "<slug:slug>/invitations/<uuid:uuid>/revoke/",
        views.revoke_invitation,
        name="revoke_invitation",
    ),
]
