"""The site's URLs plus this app's, for tests, until cms.urls includes them (then it changes
nothing)."""

from django.urls import include, path

from cms import urls as cms_urls

_included = {getattr(p, "namespace", None) for p in cms_urls.urlpatterns}

urlpatterns = [
    *(
        []
        if "organisations" in _included
        else [path("organisations/", include("organisations.urls"))]
    ),
    *(
        []
        if "invitations" in _included
        else [path("invitations/", include("organisations.invitation_urls"))]
    ),
    *cms_urls.urlpatterns,
]
