from __future__ import annotations

import datetime as dt

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trainingsite.forms import DateRangeForm

from .labels import action_label
from .models import AuditEntry


class AuditFilterForm(DateRangeForm):
    """The log's filters, read from the query string by the page and the export alike."""

    actor = forms.CharField(
        label=_("Who"),
        required=False,
        max_length=200,
        help_text=_("Part of a name or e-mail address."),
    )
    action = forms.ChoiceField(label=_("Action"), required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        codes = AuditEntry.objects.order_by().values_list("action", flat=True).distinct()
        choices = sorted((code, action_label(code)) for code in codes)
        self.fields["action"].choices = [
            ("", _("All actions")),
            *sorted(choices, key=lambda choice: choice[1].lower()),
        ]

    def filter(self, entries: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
        """`entries` narrowed by every filter that is valid; a wrong one is reported on the
        form and left out."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if actor := data.get("actor", "").strip():
            entries = entries.filter(
                Q(actor__full_name__icontains=actor)
                | Q(actor__email__icontains=actor)
                | Q(actor__isnull=True, actor_label__icontains=actor)
            )
        if action := data.get("action"):
            entries = entries.filter(action=action)
        zone = timezone.get_current_timezone()
        if start := data.get("date_from"):
            entries = entries.filter(
                created_at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=zone)
            )
        if end := data.get("date_to"):
            entries = entries.filter(
                created_at__lte=dt.datetime.combine(end, dt.time.max, tzinfo=zone)
            )
        return entries
