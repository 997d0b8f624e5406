from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from trainingsite import webapp

# The admin signs in through the site's sign-in (password, lockout, account state, TOTP), never
# through Django's own login form (allauth's documented way, which the stubs cannot express).
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("manifest.webmanifest", webapp.manifest, name="web_manifest"),
    path("", include("attendees.urls")),
    path("", include("registrations.urls")),
    path("", include("workshops.urls")),
    path("", include("invites.urls")),
    path("", include("attendance.urls")),
    path("", include("assessments.results_urls")),
    path("", include("assessments.urls")),
    path("", include("credentials.urls")),
    path("", include("audit.urls")),
    path("", include("reports.urls")),
    path("", include("agencies.urls")),
    path("", include("outbox.urls")),
    path("", include("privacy.urls")),
    path("", include("inbox.urls")),
    path("", include("surveys.urls")),
    path("", include("api.urls")),
    path("", include("webhooks.urls")),
]
