from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from credentials.filecheck import MAX_BYTES, too_large_message
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


class CredentialFileForm(forms.Form):
    """A credential file a verifier was given (.jwt or .json), or its JWT pasted."""

    credential = forms.FileField(
        label=_("Credential file"),
        required=False,
        allow_empty_file=True,
    )
    jwt = forms.CharField(
        label=_("Or paste the credential"),
        required=False,
        strip=False,
        widget=forms.Textarea(
            attrs={
                "rows": 3,
                "class": "form-control font-monospace small",
                "placeholder": "eyJhbGciOiJFZERTQSIs…",
                "spellcheck": "false",
                "autocomplete": "off",
            }
        ),
    )

    def clean(self):
        cleaned = super().clean()
        upload, pasted = cleaned.get("credential"), cleaned.get("jwt") or ""
        if upload:
            if upload.size > MAX_BYTES:
                raise forms.ValidationError(too_large_message(), code="too_large")
            cleaned["data"] = upload.read(MAX_BYTES + 1)
        elif pasted.strip():
            cleaned["data"] = pasted.encode("utf-8", "surrogatepass")
        elif upload is not None:
            raise forms.ValidationError(_("The file is empty."), code="empty")
        else:
            raise forms.ValidationError(
                _("Choose a credential file (.jwt or .json), or paste the credential."),
                code="required",
            )
        return cleaned


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
