"""Kept out of attendees.forms' package imports: allauth imports ACCOUNT_SIGNUP_FORM_CLASS
from there while building its own forms, so importing allauth.account.forms there would cycle."""

from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms


class LoginForm(AllauthLoginForm):
    """allauth's login, refusing suspended and rejected accounts with the reason. The check
    runs only after the password matched, so it reveals nothing to a guesser."""

    def clean(self):
        from attendees.adapters import login_refusal

        cleaned_data = super().clean()
        user = getattr(self, "user", None)
        if user is not None and not self._errors:
            refusal = login_refusal(user)
            if refusal:
                raise forms.ValidationError(refusal, code="account_refused")
        return cleaned_data
