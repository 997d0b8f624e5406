"""Forms for registration decisions. They check shape only; the rules live in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from trainingsite.ids import ModelMultipleIdField


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
