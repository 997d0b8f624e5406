from allauth.account.signals import email_confirmed
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added, authenticator_removed, authenticator_used
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .mfa import end_enrolment, forget_verified, mark_verified
from .services import confirm_officer_email
from .session_expiry import start_clock


@receiver(email_confirmed)
def on_email_confirmed(request, email_address, **kwargs):
    confirm_officer_email(user_id=email_address.user_id, email=email_address.email)


@receiver(authenticator_used)
def remember_second_factor(request, user, authenticator, **kwargs):
    # A code from the authenticator was entered in this session: at sign-in, or when a
    # session opened without one was asked for it (attendees/middleware.py).
    if request is not None and hasattr(request, "session"):
        mark_verified(request.session, user)


@receiver(authenticator_added)
def remember_enrolment_code(request, user, authenticator, **kwargs):
    # Enrolling takes a code from the new authenticator: it was used in this session. The mailed
    # link that allowed it is spent (should this one be removed, a new one takes a new link).
    if authenticator.type == Authenticator.Type.TOTP and request is not None:
        mark_verified(request.session, user)
        end_enrolment(request.session)


@receiver(authenticator_removed)
def forget_second_factor(request, user, authenticator, **kwargs):
    # Staff who remove their authenticator enrol a new one before going on. (One removed by an
    # admin takes effect at the holder's next sign-in; deactivating the account ends it now.)
    if request is not None and hasattr(request, "session"):
        forget_verified(request.session)


@receiver(user_logged_in)
def start_staff_session_clock(sender, request, user, **kwargs):
    """Stamp the session at sign-in so the expiry middleware needs no extra write later."""
    if request is not None and hasattr(request, "session"):
        start_clock(request.session)
