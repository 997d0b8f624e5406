from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from credentials.shares import DEFAULT_EXPIRY_DAYS, LABEL_MAX_LENGTH

NO_EXPIRY = "never"


class VerifyForm(forms.Form):
    number = forms.CharField(
        label=_("Certificate number"),
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "placeholder": "CERT-XXXX-XXXX-XXXX-XXXX",
                "class": "form-control font-monospace flex-grow-1 w-auto",
            }
        ),
    )


class ShareForm(forms.Form):
    """A new share link: whom it is for, and how long it works."""

    label = forms.CharField(
        label=_("Shared with"),
        max_length=LABEL_MAX_LENGTH,
        help_text=_("Who asked, e.g. an employer or a course. Only you see this."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    expires = forms.ChoiceField(
        label=_("The link works for"),
        choices=[
            ("7", _("7 days")),
            ("30", _("30 days")),
            ("90", _("90 days")),
            (NO_EXPIRY, _("until I revoke it")),
        ],
        initial=str(DEFAULT_EXPIRY_DAYS),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Create the link")))

    @property
    def days(self) -> int | None:
        value = self.cleaned_data["expires"]
        return None if value == NO_EXPIRY else int(value)
