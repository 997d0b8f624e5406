from django.urls import path

from .views import officer, offline, paper, preview, staff

app_name = "attendance"
urlpatterns = [
    # Trainers and coordinators.
    path("attendance/", staff.workshop_list, name="workshops"),
    path("attendance/workshops/<int:pk>/", staff.roster, name="roster"),
    path("workshops/<int:workshop_pk>/roster/", staff.roster_moved, name="roster_moved"),
    path("attendance/workshops/<int:pk>/walk-in/", staff.walk_in, name="walk_in"),
    path("attendance/workshops/<int:pk>/close/", staff.close, name="close"),
    path("attendance/workshops/<int:pk>/reopen/", staff.reopen, name="reopen"),
    path("attendance/workshops/<int:pk>/settings/", staff.settings_update, name="settings"),
    path("attendance/sessions/<int:pk>/", staff.session_attendance, name="session"),
    path("attendance/sessions/<int:pk>/check-in-code/", staff.checkin_code, name="checkin_code"),
    path("attendance/today/", offline.today, name="today"),
    path("attendance/today/data/", offline.today_data, name="today_data"),
    path("attendance/sync/", offline.sync, name="sync"),
    path(
        "attendance/sessions/<int:pk>/sign-in-sheet.pdf",
        paper.session_sheet,
        name="session_sheet",
    ),
    path("attendance/sessions/<int:pk>/paper/", paper.session_paper, name="session_paper"),
    path(
        "attendance/certificate-preview/",
        preview.certificate_preview,
        name="certificate_preview",
    ),
    # The service worker: at the root, so its scope may cover the pages it keeps offline.
    path("sw.js", offline.service_worker, name="service_worker"),
    # Officers.
    path("check-in/", officer.checkin, name="checkin"),
    path("my-training/record/", officer.training_record, name="training_record"),
    path(
        "my-training/certificates/<int:pk>.pdf",
        officer.certificate_pdf,
        name="certificate_pdf",
    ),
]
