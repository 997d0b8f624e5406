from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("reports/exports/", views.exports, name="exports"),
    path(
        "reports/exports/workshop/<int:pk>/<slug:kind>.<slug:fmt>",
        views.workshop_export,
        name="workshop_export",
    ),
    path("reports/exports/download/<str:token>/", views.download, name="download"),
    path("reports/program/", views.program_report, name="program"),
    path("reports/program/report.xlsx", views.program_report_xlsx, name="program_xlsx"),
    path("reports/program/knowledge-gain.csv", views.program_gain_csv, name="program_gain_csv"),
]
