"""Forms for registration decisions. They check shape only; the rules live in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from attendees.models import Agency
from trainingsite.ids import ModelMultipleIdField
from workshops.forms.pickers import PICKER_ATTRS
from workshops.forms.scheduling import LocalDateTimeField
from workshops.services.scheduling import SchedulingError, local_to_utc


class RegistrationDecisionForm(forms.Form):
    """A coordinator's decision on one registration."""

    ACTIONS = [
        ("approve", _("Approve")),
        ("decline", _("Decline")),
        ("remove", _("Remove")),
    ]
    action = forms.ChoiceField(choices=ACTIONS)
    message = forms.CharField(
        label=_("Message to the officer"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional for approve and decline; required to remove someone."),
    )


class BulkDecisionForm(forms.Form):
    """Approve or decline several registrations of one workshop at once."""

    action = forms.ChoiceField(choices=[("approve", _("Approve")), ("decline", _("Decline"))])
    registrations = ModelMultipleIdField(queryset=None)
    message = forms.CharField(
        label=_("Message to the officers"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, registrations, **kwargs):
        super().__init__(*args, **kwargs)
        # Scoped by the view to this workshop's registrations the coordinator manages.
        self.fields["registrations"].queryset = registrations
        self.fields["registrations"].error_messages["required"] = _(
            "Tick at least one registration."
        )


class NominationDecisionForm(forms.Form):
    action = forms.ChoiceField(choices=[("endorse", _("Endorse")), ("reject", _("Reject"))])
    message = forms.CharField(
        label=_("Message to the officer"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NominateForm(forms.Form):
    """A focal point's choice of officers for one workshop; `officers` is scoped by the view
    to the agency's officers who may be put forward."""

    officers = ModelMultipleIdField(
        queryset=None,
        label=_("Officers"),
        widget=forms.SelectMultiple(attrs=PICKER_ATTRS),
        help_text=_("Verified officers of your agency with access to the program."),
    )
    message = forms.CharField(
        label=_("Message to the officers (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officers"].queryset = officers
        self.fields["officers"].label_from_instance = _officer_label
        self.fields["officers"].error_messages["required"] = _("Choose at least one officer.")


def _officer_label(officer) -> str:
    details = ", ".join(part for part in (officer.rank, officer.unit) if part)
    return f"{officer.full_name or officer.email} ({details})" if details else str(officer)


class NominationAnswerForm(forms.Form):
    """The officer's answer to their agency's nomination."""

    answer = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])
    reason = forms.CharField(
        label=_("Message to your focal point (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReservationForm(forms.Form):
    """Seats of one workshop held for an agency; `until` is typed in the workshop's zone."""

    agency: forms.ModelChoiceField = forms.ModelChoiceField(queryset=None, label=_("Agency"))
    seats = forms.IntegerField(label=_("Seats"), min_value=1, max_value=10_000)
    until = LocalDateTimeField(label=_("Held until"))
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=300)

    def __init__(self, *args, workshop, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.workshop = workshop
        self.fields["agency"].queryset = agencies
        self.fields["until"].help_text = _("In the workshop's time zone (%(zone)s).") % {
            "zone": workshop.time_zone
        }

    def clean_until(self):
        value = self.cleaned_data["until"]
        try:
            return local_to_utc(value, self.workshop.time_zone)
        except SchedulingError as err:
            raise forms.ValidationError(err.message) from None


def reservation_form(workshop, data=None) -> ReservationForm:
    """The form for seats of `workshop`: any active agency may hold some, as officers of every
    region attend every workshop (`services.reservations`)."""
    agencies = Agency.objects.active().order_by("name", "pk")
    return ReservationForm(data, workshop=workshop, agencies=agencies)


class PrerequisiteWaiverForm(forms.Form):
    """A coordinator lets one officer register without the workshop's prerequisite modules."""

    email = forms.EmailField(label=_("Officer's e-mail address"), max_length=254)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Their equivalent training, for instance. Kept in the record."),
    )
