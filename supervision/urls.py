from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("", views.record_list, name="index"),
    path("new/", views.record_create, name="create"),
    path("<uuid:record>/", views.record_detail, name="detail"),
    path("<uuid:record>/edit/", views.record_edit, name="edit"),
]
