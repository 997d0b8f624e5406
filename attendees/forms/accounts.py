from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from attendees.models import Agency, OnboardingRequest, User
from attendees.validators import validate_name
from trainingsite import when
from trainingsite.timezones import TimeZoneField


class SignupProfileForm(forms.Form):
    """Profile fields asked at sign-up, beside allauth's e-mail and password."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        validators=[validate_name],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    rank = forms.CharField(label=_("Rank or title"), max_length=100, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=200, required=False)
    # Nothing chosen yet: the script selects the browser's zone (UTC without it).
    time_zone = TimeZoneField(label=_("Time zone"), initial="UTC", browser="replace")
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES, initial="en")

    def signup(self, request, user):
        for field in ("full_name", "rank", "unit", "time_zone", "language"):
            setattr(user, field, self.cleaned_data[field])
        user.save()


class ProfileForm(forms.ModelForm):
    """What an officer edits about themself; agency and e-mail are not here on purpose."""

    class Meta:
        model = User
        fields = [
            "full_name",
            "rank",
            "unit",
            "time_zone",
            "language",
            "work_mail",
        ]
        widgets = {"work_mail": forms.RadioSelect}
        error_messages = {
            "work_mail": {
                "invalid_choice": _(
                    "Choose how to hear about work waiting for you: an e-mail for each item, "
                    "one a day, one a week, or none."
                ),
                "required": _(
                    "Choose how to hear about work waiting for you: an e-mail for each item, "
                    "one a day, one a week, or none."
                ),
            }
        }
        help_texts = {
            "work_mail": _(
                "Registrations to approve, officers to vet, nominations to endorse, modules to "
                "review or back from review; for focal points, also what changed for your agency "
                "and what comes up. The daily e-mail comes in the morning of your time zone, the "
                "weekly one on Monday morning, and only when there is something to tell."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True
        if not self.instance.may_have_work_waiting:
            del self.fields["work_mail"]  # nothing waits for them
        # The default UTC was never chosen: offer the browser's zone in its place; a zone the
        # user chose is kept, with the browser's offered beside it.
        saved = self.instance.time_zone
        self.fields["time_zone"] = TimeZoneField(
            label=_("Time zone"), browser="replace" if saved in ("", "UTC") else "suggest"
        )
        self.initial["time_zone"] = when.canonical_zone(saved)
        if self.instance.agency_id is not None and self.instance.status == User.Status.VERIFIED:
            self.fields["full_name"].help_text = _(
                "Shown on this site. Certificates and stamped documents carry the name your "
                "agency vetted; a change waits for your focal point or a program coordinator."
            )
        self.helper = FormHelper()
        self.helper.form_tag = False


class OnboardingRequestForm(forms.ModelForm):
    class Meta:
        model = OnboardingRequest
        fields = ["full_name", "email", "agency_name", "country", "message"]
        widgets = {"message": forms.Textarea(attrs={"rows": 4})}


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
    # The name the page showed: approving or reinstating vets it (see services.vet_name).
    name = forms.CharField(required=False, max_length=200, strip=False, widget=forms.HiddenInput)


class NameDecisionForm(forms.Form):
    """Accept or decline a verified officer's change of name; `name` is the name shown."""

    ACTIONS = [("accept", _("Accept")), ("decline", _("Decline"))]
    action = forms.ChoiceField(choices=ACTIONS, widget=forms.HiddenInput)
    name = forms.CharField(max_length=200, strip=False, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to decline; it is sent to the officer."),
    )


class VettingFilterForm(forms.Form):
    """Filters of the vetting queue; the agency choices are scoped to the viewer."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), choices=User.Status.choices, required=False)
    agency = forms.ModelChoiceField(
        label=_("Agency"), queryset=Agency.objects.none(), required=False
    )
    country = forms.ChoiceField(label=_("Country"), required=False)

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        countries = sorted({(a.country.code, a.country.name) for a in agencies}, key=lambda c: c[1])
        self.fields["country"].choices = [("", _("All countries")), *countries]
        self.fields["agency"].empty_label = _("All agencies")


class AgencyFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("All")), ("active", _("Active")), ("suspended", _("Suspended"))],
    )


class AgencyDomainForm(forms.Form):
    domain = forms.CharField(
        label=_("E-mail domain"),
        max_length=253,
        widget=forms.TextInput(attrs={"placeholder": "police.example.org"}),
    )


class AgencyStatusForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to suspend; kept in the agency's history."),
    )


class VettingModeForm(forms.Form):
    vetting_mode = forms.ChoiceField(
        label=_("Vetting mode"), choices=Agency.VettingMode.choices, widget=forms.RadioSelect
    )
