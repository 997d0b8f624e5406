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


# --- cached access facts (attendees/access_cache.py) ---
def _access_changed(sender, **kwargs):
    from .access_cache import bump_generation

    bump_generation()


def connect_access_cache() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from .models import Agency, AgencyDomain, Region, User

    for model in (Agency, AgencyDomain, Region):
        post_save.connect(_access_changed, sender=model, dispatch_uid=f"access-{model.__name__}")
        post_delete.connect(
            _access_changed, sender=model, dispatch_uid=f"access-del-{model.__name__}"
        )
    m2m_changed.connect(
        _access_changed, sender=User.coordinated_regions.through, dispatch_uid="access-regions"
    )


connect_access_cache()
# --- end cached access facts ---
