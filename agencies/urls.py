from django.urls import path

from . import views

app_name = "agencies"
urlpatterns = [
    path("agency/", views.home, name="home"),
    path("agencies/<int:pk>/record/", views.record, name="record"),
    path(
        "agencies/<int:pk>/record/export/<slug:kind>.<slug:fmt>",
        views.record_export,
        name="record_export",
    ),
]
