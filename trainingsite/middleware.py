from django.utils.crypto import salted_hmac

# Browser features the site never uses, denied so injected content cannot use them either.
DENIED_FEATURES = (
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "payment",
    "usb",
    "interest-cohort",
)


def permissions_policy(*allowed: str) -> str:
    """The site's Permissions-Policy, with `allowed` features granted to the site itself (a page
    that needs one sets this header; the middleware leaves it)."""
    return ", ".join(f"{f}=(self)" if f in allowed else f"{f}=()" for f in DENIED_FEATURES)


class PermissionsPolicyMiddleware:
    POLICY = permissions_policy()

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.POLICY)
        return response


class ClearSiteDataOnSignOutMiddleware:
    """A response that signs the user out (the sign-out form, a suspended account, an expired
    staff session) tells the browser to drop the site's caches and storage (offline copies,
    service workers): a shared device keeps nothing of the last user. Cookies are left alone:
    the session is already flushed, and the CSRF and language cookies are not personal."""

    HEADER = '"cache", "storage"'

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        signed_in = request.user.is_authenticated
        response = self.get_response(request)
        if signed_in and not request.user.is_authenticated:
            response.headers.setdefault("Clear-Site-Data", self.HEADER)
        return response


class OfflineOwnerMiddleware:
    """Each response to a signed-in person says whose it is (`Offline-Owner`: an opaque value
    per user, none when signed out). The service worker serves a page it kept for offline use
    only to the person the site last answered, so a session that lapsed without a sign-out
    never hands its kept pages to the next person on a shared device."""

    HEADER = "Offline-Owner"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated:
            owner = salted_hmac("offline-owner", str(request.user.pk)).hexdigest()[:24]
            response.headers.setdefault(self.HEADER, owner)
        return response
