"""allauth's account forms with the site's rules. Kept out of attendees.forms' package imports:
allauth imports ACCOUNT_SIGNUP_FORM_CLASS from there while building its own forms, so importing
allauth.account.forms there would cycle."""

from allauth.account.adapter import get_adapter
from allauth.account.forms import AddEmailForm as AllauthAddEmailForm
from allauth.account.forms import ChangePasswordForm as AllauthChangePasswordForm
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.core import context
from django import forms
from django.contrib.auth.hashers import make_password
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from attendees.adapters import login_refusal
from attendees.models import AgencyDomain


def check_password(user, password: str) -> None:
    """Raise a ValidationError unless `password` is the user's. Every page that asks for the
    current password uses this: a wrong one counts toward the same lockout as a failed sign-in,
    and a locked-out account is refused here too."""
    if not get_adapter().reauthenticate(user, password):
        raise get_adapter().validation_error("incorrect_password")


class LoginForm(AllauthLoginForm):
    """allauth's login, refusing suspended and rejected accounts with the reason. The check
    runs only after the password matched, so it reveals nothing to a guesser."""

    def clean(self):
        cleaned_data = super().clean()
        user = getattr(self, "user", None)
        if user is not None and not self.errors:
            refusal = login_refusal(user)
            if refusal:
                raise forms.ValidationError(refusal, code="account_refused")
        return cleaned_data


# The address a refused sign-up typed, kept in the session for the onboarding form: an e-mail in
# a query string ends up in access logs, browser history and Referer headers.
ONBOARDING_PREFILL_KEY = "onboarding_prefill_email"


class SignupForm(AllauthSignupForm):
    """Only addresses on a registered agency's domain sign up; the agency follows the domain."""

    def clean_email(self) -> str:
        email = super().clean_email()
        if email and not AgencyDomain.objects.for_email(email).exists():
            context.request.session[ONBOARDING_PREFILL_KEY] = email[:254]
            raise forms.ValidationError(
                format_html(
                    '{} <a href="{}">{}</a>',
                    _(
                        "Only e-mail addresses of agencies registered with the program can sign "
                        "up, and this address's domain is not one of them."
                    ),
                    reverse("onboarding_request"),
                    _("Ask for your agency to be onboarded."),
                ),
                code="unregistered_domain",
            )
        return email

    def try_save(self, request):
        if self.account_already_exists:
            # A new account costs a password hash; so does an address that already has one, or
            # the answer's timing would tell who holds an account.
            make_password(self.cleaned_data.get("password1"))
        return super().try_save(request)


class ChangePasswordForm(AllauthChangePasswordForm):
    def clean_oldpassword(self) -> str:
        password = self.cleaned_data.get("oldpassword", "")
        check_password(self.user, password)
        return password


class AddEmailForm(AllauthAddEmailForm):
    """A new address for the signed-in account. An officer's agency and access follow their
    address, so it must stay on one of their own agency's domains."""

    def clean_email(self) -> str:
        email = super().clean_email()
        agency_id = self.user.agency_id
        if agency_id is not None and not (
            AgencyDomain.objects.for_email(email).filter(agency_id=agency_id).exists()
        ):
            raise forms.ValidationError(
                _(
                    "Use an address on your agency's e-mail domain: your access to the program "
                    "comes from it."
                ),
                code="foreign_domain",
            )
        return email
