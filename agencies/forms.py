from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from reports.exports import ExportFilter
from trainingsite.forms import DateRangeForm
from workshops.forms.scheduling import IN_CALENDAR
from workshops.models import Track


class RecordFilterForm(DateRangeForm):
    """The agency record's filters: a period (workshop start), a track, an officer."""

    date_from = forms.DateField(
        label=_("Workshops from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=IN_CALENDAR,
    )
    date_to = forms.DateField(
        label=_("until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=IN_CALENDAR,
    )
    track = forms.ModelChoiceField(
        label=_("Track"),
        queryset=Track.objects.order_by("position", "name"),
        required=False,
        empty_label=_("All tracks"),
    )
    q = forms.CharField(label=_("Officer"), required=False, max_length=100)
    # The section shown stays the same when the filters change.
    section = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("Name or e-mail")
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_class = "mb-3"
        self.helper.layout = Layout(
            Row(
                Column("date_from", css_class="col-6 col-md-3 col-xl-2"),
                Column("date_to", css_class="col-6 col-md-3 col-xl-2"),
                Column("track", css_class="col-12 col-md-6 col-xl-4"),
                Column("q", css_class="col-12 col-md-6 col-xl-4"),
            ),
            "section",
        )
        self.helper.add_input(Submit("submit", _("Filter")))

    def export_filter(self, *, agency_id: int) -> ExportFilter:
        """The filter the page and its exports share; an invalid form filters nothing."""
        data = self.cleaned_data if self.is_valid() else {}
        return ExportFilter(
            agency_id=agency_id,
            date_from=data["date_from"].isoformat() if data.get("date_from") else None,
            date_to=data["date_to"].isoformat() if data.get("date_to") else None,
            track_id=data["track"].pk if data.get("track") else None,
            officer_search=(data.get("q") or "").strip() or None,
        )
