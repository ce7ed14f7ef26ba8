"""The public pages of a feedback link, mounted at /feedback/ (cms/urls.py): no sign-in. The
path is in CAPABLE_UNTRACKED_PATHS and CAPABLE_MFA_EXEMPT_PATHS (cms/settings/base.py)."""

from django.urls import path

from . import feedback_views

app_name = "feedback"

urlpatterns = [
    path("thanks/", feedback_views.thanks, name="thanks"),
    path("<str:token>/", feedback_views.answer, name="answer"),
    path("<str:token>/paper/", feedback_views.paper, name="print"),
]
