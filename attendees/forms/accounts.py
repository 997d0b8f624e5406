from django import forms
from django.utils.translation import gettext_lazy as _

from attendees.models import OnboardingRequest, User


class SignupProfileForm(forms.Form):
    """Profile fields asked at sign-up, beside allauth's e-mail and password."""

    full_name = forms.CharField(label=_("Full name"), max_length=200)
    rank = forms.CharField(label=_("Rank or title"), max_length=100, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=200, required=False)
    time_zone = forms.ChoiceField(
        label=_("Time zone"), choices=User._meta.get_field("time_zone").choices, initial="UTC"
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=User._meta.get_field("language").choices, initial="en"
    )

    def signup(self, request, user):
        for field in ("full_name", "rank", "unit", "time_zone", "language"):
            setattr(user, field, self.cleaned_data[field])
        user.save()


class OnboardingRequestForm(forms.ModelForm):
    class Meta:
        model = OnboardingRequest
        fields = ["full_name", "email", "agency_name", "country", "message"]


class VettingDecisionForm(forms.Form):
    ACTIONS = [
        ("approve", _("Approve")),
        ("reject", _("Reject")),
        ("suspend", _("Suspend")),
        ("reinstate", _("Reinstate")),
    ]
    action = forms.ChoiceField(choices=ACTIONS, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to reject or suspend; it is sent to the officer."),
    )
