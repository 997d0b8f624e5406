from allauth.account.signals import email_confirmed
from allauth.mfa.signals import authenticator_removed
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver


@receiver(email_confirmed)
def on_email_confirmed(request, email_address, **kwargs):
    from attendees.services import confirm_officer_email

    confirm_officer_email(user_id=email_address.user_id)


@receiver(authenticator_removed)
def on_authenticator_removed(request, user, authenticator, **kwargs):
    from .mfa import SESSION_KEY

    # Staff who remove their TOTP must enrol again before going on.
    request.session.pop(SESSION_KEY, None)


@receiver(user_logged_in)
def remember_mfa_enrolment(request, user, **kwargs):
    from .mfa import needs_mfa_enrolment

    # Checked once at sign-in, so staff pages pay no query for it afterwards.
    if request is not None and hasattr(request, "session"):
        needs_mfa_enrolment(user, request.session)


# --- staff session expiry (feat/h8) ---
@receiver(user_logged_in)
def start_staff_session_clock(sender, request, user, **kwargs):
    """Stamp the session at sign-in so the expiry middleware needs no extra write later."""
    from .session_expiry import start_clock

    if request is not None and hasattr(request, "session"):
        start_clock(request.session)


# --- end staff session expiry ---
