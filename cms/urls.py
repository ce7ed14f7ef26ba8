from django.conf import settings
from django.contrib import admin
from django.urls import include, path, reverse
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms.health import healthz
from cms.home_views import accessibility_statement, home_page
from search import private_views as private_search_views
from search import views as search_views


class AdminLoginRedirect(RedirectView):
    """Wagtail's own sign-in page would bypass allauth (and MFA): send it to allauth's."""

    query_string = True

    def get_redirect_url(self, *args, **kwargs):
        self.url = reverse("account_login")
        return super().get_redirect_url(*args, **kwargs)


urlpatterns = [
    # For load balancers and monitors: no sign-in, no session (cms.health).
    path("healthz", healthz, name="healthz"),
    path("admin/login/", AdminLoginRedirect.as_view(), name="wagtailadmin_login"),
    path("django-admin/login/", AdminLoginRedirect.as_view()),
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    # Ours first: it overrides one allauth page (removing a security key) with a guarded one.
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("people/", include("accounts.people_urls")),
    path("organisations/", include("organisations.urls")),
    path("invitations/", include("organisations.invitation_urls")),
    path("portfolio/", include("portfolios.urls")),
    path("feedback/", include("portfolios.feedback_urls")),
    path("observations/", include("portfolios.observation_urls")),
    path("appraisals/", include("appraisals.urls")),
    path("placements/", include("placements.urls")),
    path("supervision/", include("supervision.urls")),
    path("credentials/", include("credentials.urls")),
    path("favicon.ico", RedirectView.as_view(url="/static/images/favicon.svg", permanent=True)),
    path("documents/", include(wagtaildocs_urls)),
    path("framework/", include("capabilities.urls")),
    path("ims/case/v1p1/", include("capabilities.case_api")),
    path("search/", search_views.search, name="search"),
    path("search/mine/", private_search_views.search_mine_page, name="search-mine"),
    path("home/", home_page, name="home"),
    path("accessibility/", accessibility_statement, name="accessibility"),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

if getattr(settings, "CAPABLE_BENCH", False):  # bench/run only (cms.settings.bench)
    from cms.bench import floor

    urlpatterns.insert(0, path("bench/floor/", floor))

urlpatterns += [path("", include(wagtail_urls))]
