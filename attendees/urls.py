from django.urls import path

from .views import accounts

urlpatterns = [
    path("", accounts.dashboard, name="dashboard"),
    path("access/", accounts.access_status, name="access_status"),
    path("onboarding/", accounts.onboarding_request, name="onboarding_request"),
    path("vetting/", accounts.vetting_queue, name="vetting_queue"),
    path("vetting/<int:pk>/", accounts.vetting_detail, name="vetting_detail"),
    path("vetting/<int:pk>/decide/", accounts.vetting_decide, name="vetting_decide"),
    path("healthz", accounts.healthz, name="healthz"),
]
