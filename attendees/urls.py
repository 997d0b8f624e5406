from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("access/", views.access_status, name="access_status"),
    path("onboarding/", views.onboarding_request, name="onboarding_request"),
    path("vetting/", views.vetting_queue, name="vetting_queue"),
    path("vetting/<int:pk>/", views.vetting_detail, name="vetting_detail"),
    path("vetting/<int:pk>/decide/", views.vetting_decide, name="vetting_decide"),
    path("healthz", views.healthz, name="healthz"),
]
