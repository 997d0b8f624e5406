class PermissionsPolicyMiddleware:
    """Deny browser features the site never uses, so injected content cannot use them either."""

    POLICY = (
        "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), "
        "gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=(), interest-cohort=()"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.POLICY)
        return response


class StaffMFAMiddleware:
    """Trainers, coordinators and program admins must enrol a TOTP authenticator before they
    use anything else: their accounts reach officers' personal data."""

    OPEN_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from attendees.mfa import needs_mfa_enrolment

        if not request.path.startswith(self.OPEN_PREFIXES) and needs_mfa_enrolment(
            request.user, request.session
        ):
            from django.contrib import messages
            from django.shortcuts import redirect
            from django.utils.translation import gettext as _

            messages.warning(
                request,
                _(
                    "Staff accounts must use two-factor authentication: "
                    "set up an authenticator app."
                ),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
