"""Forms for scheduling workshops and browsing the catalog. Shape only; rules live in
workshops.services.scheduling."""

from __future__ import annotations

import datetime as dt

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from attendees.models import Agency, Region, User
from trainingsite.ids import ModelMultipleIdField
from trainingsite.timezones import TimeZoneField
from workshops.forms.pickers import PICKER_ATTRS
from workshops.models import Module, ModuleRevision, Track, Workshop
from workshops.services.scheduling import SchedulingError, SessionInput, local_to_utc

# Dates typed into filters and copies stay clear of the calendar's ends (years 1 and 9999), so
# month bounds, zone conversions and shifted sessions always exist.
EARLIEST_DATE, LATEST_DATE = dt.date(1900, 1, 1), dt.date(9998, 12, 1)
IN_CALENDAR = [MinValueValidator(EARLIEST_DATE), MaxValueValidator(LATEST_DATE)]

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class LocalDateTimeField(forms.DateTimeField):
    """A wall-clock date and time; the form makes it aware in the workshop's zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_FORMAT)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value.replace(tzinfo=None)
        try:
            value = dt.datetime.fromisoformat(str(value).strip()).replace(tzinfo=None)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        # Converted to UTC by the form: near years 1 and 9999 that leaves the calendar.
        if not EARLIEST_DATE <= value.date() <= LATEST_DATE:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return value


def schedulable_regions(user):
    if user.is_program_admin:
        return Region.objects.all()
    return Region.objects.filter(pk__in=user.coordinated_region_ids)


def teachable_revisions(keep=()):
    """The latest published revision of each published module, plus revisions already pinned."""
    latest = Module.objects.live().values("published_revision")
    return (
        ModuleRevision.objects.filter(Q(pk__in=latest) | Q(pk__in=[r.pk for r in keep]))
        .select_related("module__track")
        .order_by("module__track__position", "title")
    )


class WorkshopForm(forms.ModelForm):
    registration_opens_at = LocalDateTimeField(label=_("Registration opens"))
    registration_closes_at = LocalDateTimeField(label=_("Registration closes"))
    cancellation_deadline = LocalDateTimeField(label=_("Officers may cancel until"), required=False)
    trainers = ModelMultipleIdField(
        label=_("Trainers"),
        queryset=User.objects.none(),
        required=False,
        # A searchable picker with static/js/pickers.js; a plain multi-select without it.
        widget=forms.SelectMultiple(attrs={"size": 6, **PICKER_ATTRS}),
    )

    online_url = forms.URLField(label=_("Joining link"), required=False, assume_scheme="https")
    time_zone = TimeZoneField(
        label=_("Time zone"),
        browser="none",
        help_text=_(
            "The venue's zone, or the host's for online workshops. All times on "
            "this page are in this zone."
        ),
    )

    class Meta:
        model = Workshop
        fields = [
            "title",
            "description",
            "region",
            "format",
            "language",
            "time_zone",
            "venue_name",
            "venue_address",
            "city",
            "country",
            "online_url",
            "online_details",
            "capacity",
            "requires_approval",
            "requires_nomination",
            "agency_seat_cap",
            "host_agency",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "online_details": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "online_details": _("Shown only to confirmed attendees, trainers and coordinators."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # Scoped choices: a forged id outside them fails as "not one of the available choices".
        self.fields["region"].queryset = schedulable_regions(user)
        self.fields["host_agency"].queryset = Agency.objects.managed_by(user)
        self.fields["trainers"].queryset = User.objects.verified().filter(is_trainer=True)
        self.fields["capacity"].min_value = 1
        self.fields["capacity"].widget.attrs["min"] = 1
        if not self.instance.pk:
            self.initial.setdefault("time_zone", user.time_zone)
            regions = list(self.fields["region"].queryset[:2])
            if len(regions) == 1:
                self.initial.setdefault("region", regions[0].pk)
        if self.instance.pk:
            tz = self.instance.tzinfo
            self.initial["trainers"] = list(self.instance.trainers.all())
            for name in (
                "registration_opens_at",
                "registration_closes_at",
                "cancellation_deadline",
            ):
                value = getattr(self.instance, name)
                if value is not None:
                    self.initial[name] = value.astimezone(tz).replace(tzinfo=None)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean(self):
        data = super().clean()
        fmt, tz = data.get("format"), data.get("time_zone")
        if fmt in (Workshop.Format.IN_PERSON, Workshop.Format.HYBRID) and not data.get("city"):
            self.add_error("city", _("An in-person workshop needs a city."))
        if fmt in (Workshop.Format.ONLINE, Workshop.Format.HYBRID) and not (
            data.get("online_url") or data.get("online_details")
        ):
            self.add_error("online_url", _("An online workshop needs joining details."))
        if tz:
            for name in (
                "registration_opens_at",
                "registration_closes_at",
                "cancellation_deadline",
            ):
                value = data.get(name)
                if value is None:
                    continue
                try:
                    data[name] = local_to_utc(value, tz)
                except SchedulingError as err:
                    self.add_error(name, err.message)
        return data

    def details(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "trainers"}


class SessionForm(forms.Form):
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(
        label=_("Starts"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end = forms.TimeField(
        label=_("Ends"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    title = forms.CharField(label=_("Title (optional)"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", _("The session must end after it starts."))
        return data


class BaseSessionFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        if not self.inputs():
            raise ValidationError(_("Add at least one session."))

    def inputs(self) -> list[SessionInput]:
        return [
            SessionInput(
                day=f.cleaned_data["day"],
                start=f.cleaned_data["start"],
                end=f.cleaned_data["end"],
                title=f.cleaned_data.get("title", ""),
            )
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]


SessionFormSet = forms.formset_factory(
    SessionForm, formset=BaseSessionFormSet, extra=2, can_delete=True, max_num=14, validate_max=True
)


class ModuleRowForm(forms.Form):
    revision = forms.ModelChoiceField(
        label=_("Module"), queryset=ModuleRevision.objects.none(), required=False
    )

    def __init__(self, *args, revisions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["revision"].queryset = (
            revisions if revisions is not None else teachable_revisions()
        )
        self.fields["revision"].label_from_instance = lambda r: (
            f"{r.module.track} · {r.title} (r{r.number})"
        )


class BaseModuleRowFormSet(forms.BaseFormSet):
    def revisions(self) -> list[ModuleRevision]:
        return [
            f.cleaned_data["revision"]
            for f in self.forms
            if f.cleaned_data and f.cleaned_data.get("revision")
        ]

    def clean(self):
        if any(self.errors):
            return
        picked = [r.module_id for r in self.revisions()]
        if len(picked) != len(set(picked)):
            raise ValidationError(_("Each module can be taught only once per workshop."))


ModuleRowFormSet = forms.formset_factory(
    ModuleRowForm, formset=BaseModuleRowFormSet, extra=2, max_num=20, validate_max=True
)


class DuplicateWorkshopForm(forms.Form):
    shift_weeks = forms.IntegerField(
        label=_("Shift by weeks"), required=False, min_value=1, max_value=104, initial=52
    )
    new_start = forms.DateField(
        label=_("Or new first day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=IN_CALENDAR,
    )

    def clean(self):
        data = super().clean()
        if not data.get("shift_weeks") and not data.get("new_start"):
            raise ValidationError(_("Give a number of weeks or a new first day."))
        if data.get("shift_weeks") and data.get("new_start"):
            raise ValidationError(_("Give either a number of weeks or a new first day, not both."))
        return data


class CancelWorkshopForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to everyone registered."),
    )


def _month_choices():
    return forms.DateField(
        input_formats=["%Y-%m"],
        required=False,
        validators=IN_CALENDAR,
        error_messages={"invalid": _("Choose a month from the picker, such as 2026-03.")},
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        label=_("Month"),
    )


class ScheduleFilterForm(forms.Form):
    region = forms.ModelChoiceField(
        queryset=Region.objects.none(),
        required=False,
        empty_label=_("All my regions"),
        label=_("Region"),
    )
    status = forms.ChoiceField(
        choices=[("", _("Any status")), *Workshop.Status.choices], required=False, label=_("Status")
    )
    month = _month_choices()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = schedulable_regions(user)


class CatalogFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    region = forms.ModelChoiceField(
        queryset=Region.objects.all(),
        required=False,
        empty_label=_("All regions"),
        label=_("Region"),
    )
    track = forms.ModelChoiceField(
        queryset=Track.objects.all(),
        required=False,
        empty_label=_("All tracks"),
        label=_("Track"),
        to_field_name="slug",
    )
    month = _month_choices()
    format = forms.ChoiceField(
        choices=[("", _("Any format")), *Workshop.Format.choices], required=False, label=_("Format")
    )
    language = forms.ChoiceField(
        choices=[("", _("Any language")), *settings.LANGUAGES],
        required=False,
        label=_("Language"),
    )
    available = forms.BooleanField(label=_("Seats available"), required=False)
