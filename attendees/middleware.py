from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from trainingsite import when

from .adapters import login_refusal
from .mfa import SETUP_STEP, may_enrol, missing_step, needs_enrolment_link
from .models.access import AccessState

# Paths a signed-in user without program access may still use (to confirm, wait, fix their
# profile, set up their second factor, log out, and see or erase the data held about them: a
# right that does not wait for vetting; the views check the account is an officer's), and the
# public documents that verify certificates (the issuer's keys, profile and status list).
OPEN_PREFIXES = (
    "/accounts/",
    "/static/",
    "/i18n/",
    "/access/",
    "/profile/",
    "/onboarding/",
    "/healthz",
    "/manifest.webmanifest",
    "/verify/",
    "/calendar/feed/",
    "/two-factor/",
    "/my-data/",
    "/.well-known/did.json",
    "/.well-known/jwks.json",
    "/did.json",
    "/credentials/issuer/",
    "/credentials/status/",
)


class AccessStateMiddleware:
    """Send users without program access to the page that explains why; log suspended out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            state = user.access_state
            if state in (AccessState.SUSPENDED, AccessState.REJECTED):
                # Said as the login form says it (a suspension: the registrations withdrawn).
                refusal = login_refusal(user) or AccessState(state).label
                logout(request)
                messages.error(request, refusal)
                return redirect(reverse("account_login"))
            if state != AccessState.OK and not request.path.startswith(OPEN_PREFIXES):
                return redirect(reverse("access_status"))
        return self.get_response(request)


class UserLanguageMiddleware:
    """A signed-in user's profile language wins over the browser's; anonymous pages use the
    language switcher (LocaleMiddleware's cookie)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


class UserTimeZoneMiddleware:
    """Times on a signed-in user's pages are in their profile's zone (and say so: see
    trainingsite.when); anonymous pages stay in UTC."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.time_zone:
            timezone.activate(when.zone(user.time_zone))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


# What a staff member may open while a step of their second factor is missing, by step: the step
# itself and what it leads through. Enrolling (allauth's activation, and the password it may ask
# again) opens only once the mailed link was followed in this session: never on the password
# alone. The overview page is where allauth sends an enrolment it refuses.
SETUP_URLS = ("two_factor_setup", "two_factor_setup_send", "two_factor_setup_link")
STEP_URLS = {
    "mfa_reauthenticate": ("mfa_reauthenticate", "account_reauthenticate"),
    "mfa_activate_totp": ("mfa_activate_totp", "account_reauthenticate", "mfa_index", *SETUP_URLS),
    SETUP_STEP: SETUP_URLS,
}
MFA_OPEN_PREFIXES = ("/static/", "/i18n/", "/healthz", "/manifest.webmanifest")


class StaffMFAMiddleware:
    """Trainers, coordinators and admins reach nothing until they have enrolled TOTP and entered
    a code from it in this session: their accounts hold officers' personal data. Their first
    authenticator takes proof of their mailbox as well as the password."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated or self.always_open(request.path):
            return self.get_response(request)
        step = missing_step(request)
        if step is None and request.path == reverse("mfa_activate_totp"):
            # Verified in this session but without an authenticator (an admin deleted it): a
            # new one still takes the mailed link.
            step = self.enrolment_step(request)
        if step is None or self.url_name(request.path_info) in STEP_URLS[step]:
            return self.get_response(request)
        if step == SETUP_STEP:
            return redirect(step)
        if step == "mfa_activate_totp":
            messages.warning(
                request,
                _(
                    "Staff accounts must use two-factor authentication: "
                    "set up an authenticator app."
                ),
            )
            return redirect(step)
        return redirect(reverse(step) + "?" + urlencode({"next": request.get_full_path()}))

    @staticmethod
    def url_name(path_info: str) -> str | None:
        try:
            return resolve(path_info).view_name
        except Resolver404:
            return None

    @staticmethod
    def always_open(path: str) -> bool:
        return path.startswith(MFA_OPEN_PREFIXES) or path == reverse("account_logout")

    @staticmethod
    def enrolment_step(request) -> str | None:
        user = request.user
        if needs_enrolment_link(user) and not may_enrol(request.session, user):
            return SETUP_STEP
        return None
