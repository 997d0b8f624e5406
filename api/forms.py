from __future__ import annotations

from allauth.mfa.base.forms import ReauthenticateForm
from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from attendees.mfa import is_staff_member
from attendees.models import Agency
from reports.forms import ReportForm

from .models import ApiToken
from .services import max_days

DAY_CHOICES = [7, 30, 90, 180, 365]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        help_text=_("Where the token is used, e.g. “Agency HR system”."),
    )
    access = forms.ChoiceField(
        label=_("Access"),
        choices=ApiToken.Access.choices,
        initial=ApiToken.Access.READ,
        widget=forms.RadioSelect,
        help_text=_("Read and write lets the token register you for workshops and cancel."),
    )
    days = forms.TypedChoiceField(label=_("Valid for"), coerce=int)
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.second_factor_verified = False
        limit = max_days(user)
        self.fields["days"].choices = [
            (d, _("%(days)d days") % {"days": d}) for d in DAY_CHOICES if d <= limit
        ]
        self.fields["days"].initial = min(90, limit)
        if is_staff_member(user):
            self.fields["code"].required = True
            self.fields["code"].help_text = _(
                "Staff tokens reach officers' data: creating one takes a new code (not the one you "
                "signed in with)."
            )
        else:
            del self.fields["code"]
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_code(self) -> str:
        """Checked by allauth's own code form (its rate limit and failure signals apply)."""
        code = self.cleaned_data["code"]
        check = ReauthenticateForm(user=self.user, data={"code": code})
        if not check.is_valid():
            raise forms.ValidationError(check.errors["code"])
        check.save()
        self.second_factor_verified = True
        return code


class FiguresForm(ReportForm):
    """The program report's filters, as on its page, and an agency whose line to add."""

    agency = forms.ModelChoiceField(queryset=Agency.objects.all(), required=False)
