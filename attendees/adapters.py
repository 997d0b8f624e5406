from allauth.account.adapter import DefaultAccountAdapter
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy

from .models import User

# Accounts that may not sign in at all, with the reason shown on the login form.
REFUSED_STATES = {
    User.Status.SUSPENDED: gettext_lazy(
        "Your account is suspended, so you cannot sign in. Contact your agency's focal point "
        "or the program coordinators."
    ),
    User.Status.REJECTED: gettext_lazy(
        "Your registration was not approved, so you cannot sign in. Contact the program "
        "coordinators if you think this is a mistake."
    ),
}


def login_refusal(user) -> str | None:
    if not user.is_active:
        return str(REFUSED_STATES[User.Status.SUSPENDED])
    message = REFUSED_STATES.get(user.status)
    return str(message) if message else None


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": gettext_lazy(
            "Too many failed sign-in attempts. For your security, signing in is blocked for "
            "15 minutes. Wait and try again, or reset your password."
        ),
    }

    def save_user(self, request, user, form, commit=True):
        from attendees.services import assign_agency_from_email

        user = super().save_user(request, user, form, commit=False)
        assign_agency_from_email(user=user)
        if commit:
            user.save()
        return user

    def pre_login(self, request, user, **kwargs):
        """Every login path (password, e-mail confirmation, password reset) refuses suspended
        and rejected accounts; the login form already says why."""
        refusal = login_refusal(user)
        if refusal:
            # Runs before allauth's stages, so no half-done login is left in the session.
            messages.error(request, refusal)
            return redirect("account_login")
        return super().pre_login(request, user, **kwargs)
