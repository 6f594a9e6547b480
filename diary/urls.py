from django.urls import path

from diary import views
from diary.your_data import export_views, report_views

urlpatterns = [
    path("", views.history, name="diary"),
    path("new/", views.log, name="diary_log"),
    path("offline-log/", views.offline_log, name="diary_offline_log"),
    path("from-check/", views.save_check, name="diary_save_check"),
    path("profile/", views.profile, name="diary_profile"),
    path("<uuid:pk>/", views.detail, name="episode"),
    path("<uuid:pk>/edit/", views.edit, name="episode_edit"),
    path("<uuid:pk>/answer/", views.answer_fact, name="episode_answer_fact"),
    path("<uuid:pk>/follow-up/", views.answer_follow_up, name="episode_follow_up"),
    path("<uuid:pk>/delete/", views.delete, name="episode_delete"),
    # Your data (diary/your_data/): export, import and the doctor report. The API's export
    # and import are in diary/api_urls.py; deleting is under /accounts/.
    path("export.json", export_views.export_json, name="export_json"),
    path("export.csv", export_views.export_csv, name="export_csv"),
    path("import/", export_views.import_upload, name="import_diary"),
    path("report/", report_views.report_page, name="diary_report"),
    path("report.pdf", report_views.report_pdf, name="diary_report_pdf"),
]
