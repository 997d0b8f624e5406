from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from attendees.models import User
from trainingsite.ids import ModelMultipleIdField
from workshops.forms.pickers import PICKER_ATTRS
from workshops.models import Material, Module, Track
from workshops.services.curriculum import (
    ALLOWED_TYPES,
    MaterialRejected,
    material_max_bytes,
    validate_material_file,
)


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


class TrackForm(forms.ModelForm):
    class Meta:
        model = Track
        fields = ["name", "description", "position"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


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
