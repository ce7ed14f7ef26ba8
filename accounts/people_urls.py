from django.urls import path

from . import people_views

app_name = "people"

urlpatterns = [
    path("me/", people_views.profile, name="me"),
    path("me/access-log/", people_views.my_access_log, name="my_access_log"),
    path(
        "organisations/<slug:slug>/access-log/",
        people_views.organisation_access_log,
        name="organisation_access_log",
    ),
    path("<uuid:uuid>/", people_views.person_detail, name="person"),
]
