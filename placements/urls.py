from django.urls import path

from . import (
    audit_views,
    checks_views,
    concern_views,
    designation_views,
    educator_views,
    final_report_views,
    learning_views,
    midpoint_views,
    offer_views,
    panel_views,
    partnership_views,
    progress_views,
    proposal_views,
    provider_views,
    register_views,
    skills_views,
    support_views,
    views,
)

app_name = "placements"

urlpatterns = [
    path("", views.placement_list, name="index"),
    path("new/", proposal_views.placement_create, name="create"),
    path("progress/", progress_views.progress_list, name="progress-list"),
    path("progress/<uuid:student>/", progress_views.progress, name="progress"),
    path("offers/", offer_views.offer_list, name="offers"),
    path("offers/demand/", offer_views.offer_demand, name="offer-demand"),
    path("offers/<uuid:offer>/delete/", offer_views.offer_delete, name="offer-delete"),
    path("skills-days/", skills_views.skills_days, name="skills-days"),
    path("designations/", designation_views.designation_list, name="designations"),
    path("designations/new/", designation_views.designation_create, name="designation-create"),
    path(
        "designations/<uuid:designation>/", designation_views.designation_detail, name="designation"
    ),
    path("registers/", register_views.registers, name="registers"),
    path("educators/", educator_views.educator_register, name="educators"),
    path("educators/mine/", educator_views.my_record, name="my-educator-record"),
    path("registers/<str:register>.csv", register_views.register_csv, name="register-csv"),
    path("providers/<slug:slug>/", provider_views.provider, name="provider"),
    path("providers/<slug:slug>/quality/", provider_views.quality, name="quality"),
    path("providers/<slug:slug>/feedback/", provider_views.student_feedback, name="feedback"),
    path(
        "partnerships/<slug:slug>/review/<int:year>/",
        partnership_views.review,
        name="partnership-review",
    ),
    path("panels/", panel_views.panel_list, name="panels"),
    path("panels/new/", panel_views.panel_create, name="panel-create"),
    path("panels/<uuid:panel>/", panel_views.panel_detail, name="panel"),
    path(
        "panels/<uuid:panel>/placements/<uuid:placement>/",
        panel_views.panel_case,
        name="panel-case",
    ),
    path("<uuid:placement>/", views.placement_detail, name="detail"),
    path("<uuid:placement>/audit/", audit_views.audit, name="audit"),
    path("<uuid:placement>/checks/", checks_views.placement_checks, name="checks"),
    path(
        "<uuid:placement>/learning-agreement/",
        learning_views.learning_agreement,
        name="learning-agreement",
    ),
    path("<uuid:placement>/midpoint/", midpoint_views.midpoint_review, name="midpoint"),
    path(
        "<uuid:placement>/final-report/",
        final_report_views.final_report_page,
        name="final-report",
    ),
    path("<uuid:placement>/concerns/", concern_views.concern_list, name="concerns"),
    path("<uuid:placement>/support-plan/", support_views.support_plan, name="support"),
    path(
        "<uuid:placement>/concerns/<uuid:concern>/",
        concern_views.concern_detail,
        name="concern",
    ),
]
