from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MAX_ATTEMPTS, WorkshopTest


class TestSettingsForm(forms.ModelForm):
    """A test's settings; the rules (questions available, attempts made) are the service's."""

    class Meta:
        model = WorkshopTest
        fields = [
            "question_count",
            "shuffle_options",
            "max_attempts",
            "time_limit_minutes",
            "closes_after_days",
            "pass_percent",
        ]
        widgets = {
            "max_attempts": forms.Select(choices=[(n, str(n)) for n in range(1, MAX_ATTEMPTS + 1)]),
        }

    def __init__(self, *args, kind: str, action: str, exists: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if kind != WorkshopTest.Kind.POST:
            del self.fields["closes_after_days"]
            del self.fields["pass_percent"]
        for name in ("question_count", "max_attempts", "time_limit_minutes"):
            self.fields[name].widget.attrs["inputmode"] = "numeric"
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.attrs = {"novalidate": ""}
        label = _("Save the test") if exists else _("Set up the test")
        self.helper.add_input(Submit("submit", label))
