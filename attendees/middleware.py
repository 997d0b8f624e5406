from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .access import AccessState
from .mfa import missing_step

# Paths a signed-in user without program access may still use (to confirm, wait, fix their
# profile, log out, and see or erase the data held about them: a right that does not wait for
# vetting; the views check the account is an officer's).
OPEN_PREFIXES = (
    "/accounts/",
    "/static/",
    "/i18n/",
    "/access/",
    "/profile/",
    "/onboarding/",
    "/healthz",
    "/verify/",
    "/calendar/feed/",
    "/my-data/",
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
                logout(request)
                messages.error(request, AccessState(state).label)
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


# What a staff member may open before their second factor is done: the steps themselves
# (enrol, enter a code, re-enter the password enrolling may ask for) and signing out.
MFA_STEP_URLS = ("mfa_activate_totp", "mfa_reauthenticate", "account_reauthenticate")
MFA_OPEN_PREFIXES = ("/static/", "/i18n/", "/healthz")


class StaffMFAMiddleware:
    """Trainers, coordinators and admins reach nothing until they have enrolled TOTP and entered
    a code from it in this session: their accounts hold officers' personal data."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and not self.is_open(request.path):
            step = missing_step(request)
            if step == "mfa_activate_totp":
                messages.warning(
                    request,
                    _(
                        "Staff accounts must use two-factor authentication: "
                        "set up an authenticator app."
                    ),
                )
                return redirect(step)
            if step is not None:
                url = reverse(step) + "?" + urlencode({"next": request.get_full_path()})
                return redirect(url)
        return self.get_response(request)

    @staticmethod
    def is_open(path: str) -> bool:
        if path.startswith(MFA_OPEN_PREFIXES) or path == reverse("account_logout"):
            return True
        return any(path == reverse(name) for name in MFA_STEP_URLS)
