from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from attendees.models import User
from trainingsite.ids import ModelMultipleIdField
from workshops.forms.pickers import PICKER_ATTRS
from workshops.models import Material, Module, Track
from workshops.services.curriculum import (
    ALLOWED_TYPES,
    MAX_VALIDITY_MONTHS,
    MaterialRejected,
    material_max_bytes,
    validate_material_file,
)
from workshops.wording import MAX_LENGTH, placeholder_list, validate_wording, wording_languages


class ModuleForm(forms.ModelForm):
    """Shape only; workflow and prerequisite rules are checked by the services."""

    class Meta:
        model = Module
        fields = [
            "title",
            "slug",
            "track",
            "level",
            "language",
            "duration_minutes",
            "objectives",
            "prerequisites",
            "authors",
            "body",
        ]
        field_classes = {"prerequisites": ModelMultipleIdField, "authors": ModelMultipleIdField}
        widgets = {
            "objectives": forms.Textarea(attrs={"rows": 5}),
            "body": forms.Textarea(attrs={"rows": 16, "class": "font-monospace"}),
            # Searchable pickers with static/js/pickers.js; plain multi-selects without it.
            "prerequisites": forms.SelectMultiple(attrs={"size": 6, **PICKER_ATTRS}),
            "authors": forms.SelectMultiple(attrs={"size": 5, **PICKER_ATTRS}),
        }
        help_texts = {
            "slug": _("Used in addresses. Leave empty to derive it from the title."),
            "objectives": _("One objective per line."),
            "body": _("Markdown. Scripts, embedded frames and images are removed when shown."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["duration_minutes"].min_value = 15
        self.fields["duration_minutes"].widget.attrs["min"] = 15
        prereqs = Module.objects.visible_to(user).exclude(status=Module.Status.ARCHIVED)
        if self.instance.pk:
            prereqs = prereqs.exclude(pk=self.instance.pk)
        self.fields["prerequisites"].queryset = prereqs.select_related("track")
        self.fields["authors"].queryset = User.objects.filter(
            is_trainer=True, is_active=True
        ).order_by("full_name")
        self.fields["authors"].required = not user.is_trainer
        if user.is_trainer and not user.is_coordinator:
            self.fields["authors"].help_text = _("You are always an author of your modules.")

    def clean_objectives(self):
        value = self.cleaned_data["objectives"]
        if not [line for line in value.splitlines() if line.strip()]:
            raise ValidationError(_("Give at least one learning objective."))
        return value


class ReviewCommentForm(forms.Form):
    comment = forms.CharField(
        label=_("What needs changing"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class WordingField(forms.CharField):
    """One language's certificate sentence: whitespace collapsed to single spaces (it prints
    on one or two lines), placeholders checked."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("validators", [validate_wording])
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 2}))
        super().__init__(**kwargs)

    def to_python(self, value):
        return " ".join(super().to_python(value).split())


def wording_field_name(code: str) -> str:
    """The form field of one language's wording: "wording_pt_br" for "pt-br"."""
    return "wording_" + code.replace("-", "_")


class TrackForm(forms.ModelForm):
    """A track, its certificates' validity, and the certificate sentence per site language
    (`cleaned_data["certificate_wording"]`: {code: text}, empty ones left out)."""

    class Meta:
        model = Track
        fields = ["name", "description", "position", "validity_months"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        validity = self.fields["validity_months"]
        validity.widget.attrs.update({"min": 1, "max": MAX_VALIDITY_MONTHS})
        validity.validators += [MinValueValidator(1), MaxValueValidator(MAX_VALIDITY_MONTHS)]
        validity.help_text = _(
            "Applies to the certificates of workshops that teach this track's modules and to the "
            "track credential, from the day each is issued: the certificate says until when, and "
            "the officer and their focal points are reminded before. Leave empty if they never "
            "expire."
        )
        saved = self.instance.certificate_wording or {}
        for code, language in wording_languages():
            field = WordingField(label=language, initial=saved.get(code, ""))
            field.widget.attrs["maxlength"] = MAX_LENGTH
            self.fields[wording_field_name(code)] = field

    @property
    def wording_help(self) -> str:
        return _(
            "Replaces the line “has completed the workshop” between the officer's name and the "
            "workshop's title, on certificates of workshops whose first module is in this track "
            "(the track credential keeps the standard sentence). The title, dates and place are "
            "printed below it, so a short sentence reads best. You may use %(placeholders)s. Leave "
            "a language empty to print the site's own sentence; at most %(max)d characters. A "
            "certificate keeps the sentence it was issued with."
        ) % {"placeholders": placeholder_list(), "max": MAX_LENGTH}

    def wording_fields(self) -> list[tuple[str, forms.BoundField]]:
        """(language code, bound field) for each site language, in the settings' order."""
        return [(code, self[wording_field_name(code)]) for code, _name in wording_languages()]

    def clean(self):
        cleaned = super().clean()
        wording = {}
        for code, _name in wording_languages():
            text = cleaned.pop(wording_field_name(code), "")
            if text:
                wording[code] = text
        cleaned["certificate_wording"] = wording
        return cleaned


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=Material.Kind.choices)
    file = forms.FileField(label=_("File"))
    attendees_only = forms.BooleanField(
        label=_("Attendees only"),
        required=False,
        help_text=Material._meta.get_field("attendees_only").help_text,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        exts = sorted({f".{ext}" for ext in ALLOWED_TYPES})
        self.fields["file"].widget.attrs["accept"] = ",".join(exts)
        self.fields["file"].help_text = _("%(types)s; at most %(mb)d MB.") % {
            "types": ", ".join(e.upper().lstrip(".") for e in exts),
            "mb": material_max_bytes() // (1024 * 1024),
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            validate_material_file(upload)
        except MaterialRejected as err:
            raise ValidationError(err.message) from None
        return upload


class CertificatePreviewForm(forms.Form):
    """What the track form posts to preview its certificate: the language chosen, that
    language's wording as typed (unsaved), the validity, the name and the track if saved."""

    track = forms.ModelChoiceField(queryset=Track.objects.all(), required=False)
    name = forms.CharField(required=False, max_length=100)
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    validity_months = forms.IntegerField(required=False, min_value=1, max_value=MAX_VALIDITY_MONTHS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["track"].label = _("Track")
        self.fields["language"].label = _("Language")
        self.fields["validity_months"].label = Track._meta.get_field("validity_months").verbose_name
        # Only the language previewed is checked: a slip in another one is the form's to show.
        code = self.data.get("language")
        if code in dict(settings.LANGUAGES):
            label = dict(settings.LANGUAGES)[code]
            self.fields[wording_field_name(code)] = WordingField(label=label)

    @property
    def wording(self) -> str:
        code = self.cleaned_data["language"]
        return self.cleaned_data.get(wording_field_name(code), "")

    @property
    def track_name(self) -> str:
        track = self.cleaned_data.get("track")
        return self.cleaned_data.get("name", "").strip() or (track.name if track else "")
