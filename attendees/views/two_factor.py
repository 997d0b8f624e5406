"""Staff without an authenticator prove their mailbox before enrolling one (attendees/mfa.py)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from attendees import services
from attendees.mfa import (
    enrolment_nonces,
    expect_enrolment_link,
    may_enrol,
    needs_enrolment_link,
    take_enrolment_link,
)
from trainingsite import ratelimit
from trainingsite.errors import ServiceError

# Links per account per window: each one lands in the holder's mailbox, and whoever has only the
# password can press the button too.
SETUP_LINK_LIMIT = 3
SETUP_LINK_WINDOW_SECONDS = 15 * 60


def _page(request, *, error: str = "", status: int = 200):
    user = request.user
    needs_link = needs_enrolment_link(user)
    enrolling = needs_link and may_enrol(request.session, user)
    can_send = needs_link and not enrolling
    context = {
        "error": error,
        "can_send": can_send,
        "may_enrol": enrolling,
        "address": services.enrolment_address(user=user) if can_send else None,
        "minutes": int(settings.TWO_FACTOR_SETUP_LINK_MAX_AGE.total_seconds() // 60),
    }
    return render(request, "attendees/two_factor_setup.html", context, status=status)


@require_GET
def two_factor_setup(request):
    """Where staff without an authenticator land: it mails them the link that lets them enrol."""
    user = request.user
    if not needs_enrolment_link(user):
        return redirect("mfa_index")
    if may_enrol(request.session, user):
        return redirect("mfa_activate_totp")
    return _page(request)


@require_POST
def two_factor_setup_send(request):
    user = request.user
    if not needs_enrolment_link(user):
        raise PermissionDenied
    if may_enrol(request.session, user):
        return redirect("mfa_activate_totp")
    if not ratelimit.hit(
        f"two-factor-setup:{user.pk}",
        limit=SETUP_LINK_LIMIT,
        window_seconds=SETUP_LINK_WINDOW_SECONDS,
    ):
        error = _("Too many links were asked for. Try again in %(minutes)d minutes.") % {
            "minutes": SETUP_LINK_WINDOW_SECONDS // 60
        }
        return _page(request, error=error, status=429)
    try:
        link = services.send_enrolment_link(user=user)
    except ServiceError as err:
        return _page(request, error=err.message, status=400)
    expect_enrolment_link(request.session, link.nonce)
    messages.success(
        request,
        _(
            "We sent a link to %(email)s. Open it in this browser, while signed in, "
            "to set up your authenticator app."
        )
        % {"email": link.address},
    )
    return redirect("two_factor_setup")


@require_GET
def two_factor_setup_link(request, token: str):
    """The mailed link: in the session that asked for it, it allows enrolling, once. Opening it
    changes nothing elsewhere, so a mail scanner fetching it is harmless."""
    user = request.user
    pending, taken = enrolment_nonces(request.session)
    try:
        nonce = services.check_enrolment_token(token=token, user=user, pending=pending, taken=taken)
    except ServiceError as err:
        return _page(request, error=err.message, status=400)
    take_enrolment_link(request.session, user, nonce)
    messages.success(
        request, _("Your e-mail address is confirmed. Now set up your authenticator app.")
    )
    return redirect("mfa_activate_totp")
