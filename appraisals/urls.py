from django.urls import path

from . import (
    cohort_views,
    pdf_views,
    reassign_views,
    report_views,
    stage_views,
    start_views,
    template_views,
    views,
    voice_views,
    workforce_views,
)

app_name = "appraisals"

urlpatterns = [
    path("", views.appraisal_list, name="index"),
    path("start/", start_views.start, name="start"),
    path("organisation/", workforce_views.organisation, name="organisation"),
    path("organisation/teams/", workforce_views.organisation_teams, name="organisation-teams"),
    path("asye/cohort/", cohort_views.cohort_page, name="asye-cohort"),
    path(
        "asye/cohort/<uuid:appraisal>/stages/<int:number>/chase/",
        cohort_views.chase,
        name="asye-chase",
    ),
    path(
        "organisation/<slug:slug>/profile/explained/",
        workforce_views.profile_explained,
        name="profile-explained",
    ),
    path(
        "organisation/<slug:slug>/annual-report/",
        report_views.report_page,
        name="annual-report",
    ),
    path(
        "organisation/<slug:slug>/annual-report.<str:fmt>",
        report_views.report_download,
        name="annual-report-download",
    ),
    path("practice-voice/", workforce_views.practice_voice, name="practice-voice"),
    # Not under practice-voice/: those paths are untracked (CAPABLE_UNTRACKED_PATHS).
    path("you-said-we-did/", voice_views.you_said_we_did, name="you-said-we-did"),
    path(
        "you-said-we-did/<slug:slug>/new/", voice_views.reply_create, name="you-said-we-did-create"
    ),
    path("you-said-we-did/<uuid:reply>/edit/", voice_views.reply_edit, name="you-said-we-did-edit"),
    path("templates/", template_views.template_list, name="templates"),
    path("templates/new/", template_views.template_create, name="template-create"),
    path("templates/<uuid:template>/", template_views.template_edit, name="template-edit"),
    path("<uuid:appraisal>/", views.detail, name="detail"),
    path("<uuid:appraisal>/evidence/", views.evidence, name="evidence"),
    path("<uuid:appraisal>/objectives/", views.objectives, name="objectives"),
    path("<uuid:appraisal>/reassign/", reassign_views.reassign_participant, name="reassign"),
    path("<uuid:appraisal>/recommendation/", views.recommendation, name="recommendation"),
    path("<uuid:appraisal>/appraisal.pdf", pdf_views.appraisal_pdf, name="pdf"),
    path("<uuid:appraisal>/stages/<int:number>/", stage_views.stage, name="stage"),
    path("<uuid:appraisal>/stages/<int:number>/sign/", stage_views.sign, name="sign"),
    path("<uuid:appraisal>/stages/<int:number>/amend/", stage_views.amend, name="amend"),
    path("<uuid:appraisal>/stages/<int:number>/dissent/", stage_views.dissent, name="dissent"),
]
