from django.urls import path

from . import (
    cpd_views,
    feedback_views,
    interchange_views,
    pdf_export_views,
    sharing_views,
    views,
)

app_name = "portfolios"

urlpatterns = [
    path("", views.entry_list, name="index"),
    path("evidence/new/", views.entry_create, name="entry-create"),
    path("evidence/<uuid:entry>/", views.entry_detail, name="entry"),
    path("evidence/<uuid:entry>/edit/", views.entry_edit, name="entry-edit"),
    path("evidence/<uuid:entry>/delete/", views.entry_delete, name="entry-delete"),
    path("evidence/<uuid:entry>/comments/", views.comment_create, name="comment-create"),
    path(
        "evidence/<uuid:entry>/comments/<uuid:comment>/hide/",
        views.comment_hide,
        name="comment-hide",
    ),
    path(
        "evidence/<uuid:entry>/attachments/<uuid:attachment>/",
        views.attachment_download,
        name="attachment",
    ),
    path("deleted/", views.deleted_list, name="deleted"),
    path("deleted/<uuid:entry>/restore/", views.entry_restore, name="entry-restore"),
    path("coverage/", views.coverage, name="coverage"),
    path("sharing/", sharing_views.sharing_page, name="sharing"),
    path("sharing/<uuid:share>/revoke/", sharing_views.share_revoke, name="share-revoke"),
    path("invitations/<str:token>/", sharing_views.share_invitation, name="share-invitation"),
    path("shared/", views.shared_with_me, name="shared-with-me"),
    path("shared/<uuid:share>/", views.shared_portfolio, name="shared-portfolio"),
    path("feedback/", feedback_views.feedback_list, name="feedback"),
    path("feedback/new/", feedback_views.feedback_new, name="feedback-new"),
    path(
        "feedback/<uuid:request_uuid>/",
        feedback_views.feedback_request,
        name="feedback-request",
    ),
    path(
        "feedback/<uuid:request_uuid>/stop/",
        feedback_views.feedback_revoke,
        name="feedback-revoke",
    ),
    path("feedback/<uuid:request_uuid>/add/", feedback_views.feedback_add, name="feedback-add"),
    path("cpd/", cpd_views.cpd_current, name="cpd"),
    path("cpd/<int:year>/", cpd_views.cpd_year, name="cpd-year"),
    path("export/", interchange_views.export_page, name="export"),
    path("export.json", interchange_views.export_json, name="export-json"),
    path("export.pdf", interchange_views.export_pdf, name="export-pdf"),
    path("export/pdf/", pdf_export_views.prepared_list, name="prepared-pdfs"),
    path("export/pdf/<uuid:prepared>/", pdf_export_views.prepared_detail, name="prepared-pdf"),
    path(
        "export/pdf/<uuid:prepared>/download/",
        pdf_export_views.prepared_download,
        name="prepared-pdf-download",
    ),
    path("import/", interchange_views.import_portfolio, name="import"),
    path("import/done/", interchange_views.import_done, name="import-done"),
]
