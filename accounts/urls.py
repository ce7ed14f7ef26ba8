from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("mfa-required/", views.mfa_required, name="mfa_required"),
]
