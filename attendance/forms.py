from crispy_forms.bootstrap import InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

RATING_CHOICES = [(i, str(i)) for i in range(1, 6)]


class WalkInForm(forms.Form):
    email = forms.EmailField(label=_("Officer's agency e-mail"))
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the registration history, e.g. who authorised the walk-in."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Add to roster")))


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why re-open?"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class AttendanceSettingsForm(forms.Form):
    completion_threshold = forms.IntegerField(
        label=_("Completion threshold (percentage of session time)"), min_value=1, max_value=100
    )
    checkin_opens_minutes = forms.IntegerField(
        label=_("Self check-in opens (minutes before each session)"), min_value=0, max_value=240
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save settings"), css_class="btn-outline-primary"))


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("Check-in code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "class": "form-control-lg text-center font-monospace",
                "placeholder": "ABCD-EFGH",
            }
        ),
    )


class FeedbackForm(forms.Form):
    overall = forms.TypedChoiceField(
        label=_("Overall, how would you rate this workshop?"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("1 = poor, 5 = excellent"),
    )
    trainer_rating = forms.TypedChoiceField(
        label=_("How would you rate the trainers?"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comments = forms.CharField(
        label=_("Comments (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, workshop_modules=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.module_fields = []
        for wm in workshop_modules:
            name = f"module_{wm.pk}"
            self.fields[name] = forms.TypedChoiceField(
                label=_("Usefulness of “%(title)s”") % {"title": wm.revision.title},
                choices=RATING_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
            )
            self.module_fields.append((wm.pk, name))
        order = ["overall", *[n for _pk, n in self.module_fields], "trainer_rating"]
        self.order_fields(order)
        self.helper = FormHelper()
        self.helper.layout = Layout(*[InlineRadios(name) for name in order], "comments")
        self.helper.add_input(Submit("submit", _("Send feedback")))

    def module_ratings(self) -> dict[int, int]:
        return {pk: self.cleaned_data[name] for pk, name in self.module_fields}
