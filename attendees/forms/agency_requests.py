"""Forms of a focal point's requests for changes to their agency's profile, and of the
coordinator's decision. Shapes only: the rules are services.request_agency_change's."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from attendees.models import Agency, AgencyRequest, User

Kind = AgencyRequest.Kind


class AgencyRequestForm(forms.Form):
    kind: str = ""
    reason = forms.CharField(
        label=_("Why (for the coordinator)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        # One page holds a form of each kind: the prefix keeps their fields apart.
        super().__init__(*args, prefix=self.kind, **kwargs)

    def change(self) -> dict:
        """What to ask for: the arguments of services.request_agency_change."""
        raise NotImplementedError


class AddDomainRequestForm(AgencyRequestForm):
    kind = Kind.ADD_DOMAIN
    domain = forms.CharField(
        label=_("E-mail domain to add"),
        max_length=253,
        widget=forms.TextInput(attrs={"placeholder": "police.example.org"}),
    )
    field_order = ["domain", "reason"]

    def change(self) -> dict:
        return {"value": self.cleaned_data["domain"]}


class RemoveDomainRequestForm(AgencyRequestForm):
    kind = Kind.REMOVE_DOMAIN
    domain = forms.ChoiceField(label=_("E-mail domain to remove"))
    field_order = ["domain", "reason"]

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        domains = [d.domain for d in agency.domains.all()]
        field = cast(forms.ChoiceField, self.fields["domain"])
        field.choices = [("", "—"), *((d, f"@{d}") for d in domains)]

    def change(self) -> dict:
        return {"value": self.cleaned_data["domain"]}


class VettingModeRequestForm(AgencyRequestForm):
    kind = Kind.VETTING_MODE
    vetting_mode = forms.ChoiceField(label=_("New vetting mode"), widget=forms.RadioSelect)
    field_order = ["vetting_mode", "reason"]

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [
            (v, label) for v, label in Agency.VettingMode.choices if v != agency.vetting_mode
        ]
        cast(forms.ChoiceField, self.fields["vetting_mode"]).choices = choices
        if len(choices) == 1:
            self.fields["vetting_mode"].initial = choices[0][0]

    def change(self) -> dict:
        return {"value": self.cleaned_data["vetting_mode"]}


class FocalPointRequestForm(AgencyRequestForm):
    kind = Kind.ADD_FOCAL_POINT
    officer = forms.ModelChoiceField(
        label=_("Officer to name focal point"), queryset=User.objects.none()
    )
    field_order = ["officer", "reason"]

    def __init__(self, *args, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers
        self.fields["officer"].label_from_instance = lambda u: (
            f"{u.full_name} ({u.email})" if u.full_name else u.email
        )

    def change(self) -> dict:
        return {"officer_id": self.cleaned_data["officer"].pk}


REQUEST_FORMS: dict[str, type[AgencyRequestForm]] = {
    form.kind: form
    for form in (
        AddDomainRequestForm,
        RemoveDomainRequestForm,
        VettingModeRequestForm,
        FocalPointRequestForm,
    )
}


class AgencyRequestDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("decline", _("Decline"))], widget=forms.HiddenInput
    )
    note = forms.CharField(
        label=_("Note to the focal point (optional)"),
        required=False,
        max_length=500,
        widget=forms.TextInput,
    )
