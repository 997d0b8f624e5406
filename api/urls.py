from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from .views import people, tokens
from .views.base import not_found
from .views.records import (
    AttendanceViewSet,
    CertificateViewSet,
    CompletionViewSet,
    RegistrationViewSet,
)
from .views.workshops import WorkshopViewSet

router = SimpleRouter()
router.register("workshops", WorkshopViewSet, basename="workshop")

# Officers' records: registrations, attendance, completions, certificates.
router.register("registrations", RegistrationViewSet, basename="registration")
router.register("attendance", AttendanceViewSet, basename="attendance")
router.register("completions", CompletionViewSet, basename="completion")
router.register("certificates", CertificateViewSet, basename="certificate")

# People and figures: modules, agencies' officers, report figures.
router.register("modules", people.ModuleViewSet, basename="module")
router.register("officers", people.OfficerViewSet, basename="officer")
router.register("reports", people.ReportViewSet, basename="report")


urlpatterns = [
    path("api/v1/", include((router.urls, "api"), namespace="api")),
    # The contract and its reference page are public: they describe, they hold no data.
    path("api/v1/schema/", login_not_required(SpectacularAPIView.as_view()), name="api_schema"),
    path(
        "api/v1/docs/",
        login_not_required(
            SpectacularSwaggerSplitView.as_view(
                url_name="api_schema", template_name="api/swagger_ui.html"
            )
        ),
        name="api_docs",
    ),
    # Any other address under /api/ answers in the API's own terms (JSON), not the site's page.
    re_path(r"^api/", not_found),
    path("api-tokens/", tokens.api_tokens, name="api_tokens"),
    path("api-tokens/<int:pk>/revoke/", tokens.api_token_revoke, name="api_token_revoke"),
]
