from django.urls import path

from . import views

app_name = "capabilities"

urlpatterns = [
    path("", views.framework_home, name="home"),
    path(
        "guidance/new-framework/",
        views.new_framework_guidance,
        name="guidance-new-framework",
    ),
    path("<slug:version>/", views.version_detail, name="version"),
    path("<slug:version>/domains/<slug:domain>/", views.domain_detail, name="domain"),
    path("<slug:version>/levels/<slug:level>/", views.level_detail, name="level"),
    path("<slug:version>/compare/", views.compare, name="compare"),
    path("<slug:version>/statements/<str:code>/", views.statement_detail, name="statement"),
    path("<slug:version>/case.json", views.case_json, name="case_json"),
    path("<slug:version>/moodle.csv", views.moodle_csv, name="moodle_csv"),
]
