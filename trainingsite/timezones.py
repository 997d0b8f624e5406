"""The time-zone picker of sign-up, the profile and the workshop form: canonical Area/City
zones grouped by region with their current offsets, a filter box, and (for people, not venues)
the browser's own zone as the default (static/js/timezone-picker.js; works without it)."""

from __future__ import annotations

from django import forms
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from trainingsite import when


class TimeZoneSelect(forms.Select):
    """A <select> with <optgroup>s. `browser` says what the script does with the browser's zone:
    "replace" selects it (nothing chosen yet), "suggest" offers it beside the saved one, "none"
    leaves it out (a workshop's zone is its venue's, not the device's)."""

    template_name = "when/timezone_select.html"

    def __init__(self, attrs=None, browser: str = "suggest"):
        super().__init__(attrs)
        self.browser = browser

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["browser"] = self.browser
        return context

    def render(self, name, value, attrs=None, renderer=None):
        # The site's template engine: this template lives in trainingsite/templates.
        return mark_safe(render_to_string(self.template_name, self.get_context(name, value, attrs)))


class TimeZoneField(forms.ChoiceField):
    """Accepts a canonical zone; a legacy alias a browser or an old profile still sends
    (US/Pacific, Asia/Calcutta) is read as the zone it stands for."""

    def __init__(self, *, browser: str = "suggest", **kwargs):
        kwargs.setdefault("choices", when.zone_choices)
        kwargs.setdefault("widget", TimeZoneSelect(browser=browser))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return when.canonical_zone(value, default=value) if value else value

    def prepare_value(self, value):
        return when.canonical_zone(value, default=value) if value else value
