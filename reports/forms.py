from __future__ import annotations

import datetime as dt

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column as LayoutColumn
from crispy_forms.layout import Layout, Row, Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from attendees.models import Agency, Region
from trainingsite.forms import DateRangeForm
from workshops.forms.scheduling import IN_CALENDAR
from workshops.models import Track, Workshop

from .exports import ExportFilter
from .models import ExportJob


def regions_for(user):
    """The regions a user may report on: all for program admins, else their own."""
    if user.is_program_admin:
        return Region.objects.order_by("name")
    return Region.objects.filter(pk__in=user.coordinated_region_ids).order_by("name")


class ExportForm(DateRangeForm):
    kind = forms.ChoiceField(label=_("Export"), choices=ExportJob.Kind.choices)
    format = forms.ChoiceField(label=_("Format"), choices=ExportJob.Format.choices)
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.none(),
        required=False,
        empty_label=_("All my regions"),
    )
    # Inside the calendar's ends: the filter adds a day to the end date (9999-12-31 + 1 day).
    date_from = forms.DateField(
        label=_("Workshops starting from"),
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
    agency = forms.ModelChoiceField(
        label=_("Officers' agency"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=_("All agencies"),
    )
    country = forms.ChoiceField(label=_("Workshop country"), required=False)
    track = forms.ModelChoiceField(
        label=_("Track"),
        queryset=Track.objects.none(),
        required=False,
        empty_label=_("All tracks"),
    )
    status = forms.ChoiceField(label=_("Workshop status"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # A forged region id fails validation: the choices are only the user's regions.
        self.fields["region"].queryset = regions_for(user)
        self.fields["agency"].queryset = Agency.objects.order_by("name")
        self.fields["track"].queryset = Track.objects.order_by("position", "name")
        self.fields["country"].choices = [("", _("All countries")), *countries]
        self.fields["status"].choices = [("", _("Any status")), *Workshop.Status.choices]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(
                LayoutColumn("kind", css_class="col-6 col-md-3"),
                LayoutColumn("format", css_class="col-6 col-md-3"),
                LayoutColumn("region", css_class="col-12 col-md-6"),
            ),
            Row(
                LayoutColumn("date_from", css_class="col-6 col-md-3"),
                LayoutColumn("date_to", css_class="col-6 col-md-3"),
                LayoutColumn("status", css_class="col-12 col-md-6"),
            ),
            Row(
                LayoutColumn("agency", css_class="col-12 col-md-4"),
                LayoutColumn("country", css_class="col-12 col-md-4"),
                LayoutColumn("track", css_class="col-12 col-md-4"),
            ),
        )
        self.helper.add_input(Submit("submit", _("Download export")))

    def export_filter(self) -> ExportFilter:
        data = self.cleaned_data
        region = data.get("region")
        return ExportFilter(
            region_ids=[region.pk] if region else [],
            date_from=data["date_from"].isoformat() if data.get("date_from") else None,
            date_to=data["date_to"].isoformat() if data.get("date_to") else None,
            agency_id=data["agency"].pk if data.get("agency") else None,
            country=data.get("country") or None,
            track_id=data["track"].pk if data.get("track") else None,
            status=data.get("status") or None,
        )


class ReportForm(DateRangeForm):
    """A period (year, a quarter of it, or an explicit range), an optional region and track."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Whole year")), (1, "Q1"), (2, "Q2"), (3, "Q3"), (4, "Q4")],
    )
    date_from = forms.DateField(
        label=_("Or from"),
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
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.none(),
        required=False,
        empty_label=_("All my regions"),
    )
    track = forms.ModelChoiceField(
        label=_("Track"),
        queryset=Track.objects.none(),
        required=False,
        empty_label=_("All tracks"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions_for(user)
        self.fields["track"].queryset = Track.objects.order_by("position", "name")
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(
            Row(
                LayoutColumn("year", css_class="col-6 col-md-2"),
                LayoutColumn("quarter", css_class="col-6 col-md-2"),
                LayoutColumn("date_from", css_class="col-6 col-md-2"),
                LayoutColumn("date_to", css_class="col-6 col-md-2"),
                LayoutColumn("region", css_class="col-6 col-md-2"),
                LayoutColumn("track", css_class="col-6 col-md-2"),
            ),
        )
        self.helper.add_input(Submit("submit", _("Show")))

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if bool(start) != bool(end):
            raise forms.ValidationError(_("Give both ends of the date range, or a year."))
        if data.get("quarter") and not data.get("year"):
            self.add_error("year", _("Choose the year of the quarter."))
        return data

    def period(self) -> tuple[dt.date, dt.date]:
        data = self.cleaned_data
        if data.get("date_from"):
            return data["date_from"], data["date_to"]
        year = data.get("year") or timezone.now().year
        quarter = data.get("quarter")
        if quarter:
            start = dt.date(year, 3 * quarter - 2, 1)
            end_month = 3 * quarter
            end = (dt.date(year + (end_month == 12), end_month % 12 + 1, 1)) - dt.timedelta(1)
            return start, end
        return dt.date(year, 1, 1), dt.date(year, 12, 31)

    def scope(self) -> dict:
        """The figures' arguments: `start`, `end`, `region_id`, `track_id`."""
        start, end = self.period()
        region, track = self.cleaned_data.get("region"), self.cleaned_data.get("track")
        return {
            "start": start,
            "end": end,
            "region_id": region.pk if region else None,
            "track_id": track.pk if track else None,
        }
