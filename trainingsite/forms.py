"""Form pieces shared by apps at every layer."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class DateRangeForm(forms.Form):
    """A filter form with `date_from` and `date_to`: an end before the start is refused on
    the end field (either may be left empty)."""

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return data
