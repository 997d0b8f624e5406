"""Forms: the answers to a questionnaire version, and the editor's settings."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Questionnaire, QuestionnaireVersion
from .questions import RATING_SCALE
from .services.answering import MAX_ANSWER_TEXT

RATING_CHOICES = [(n, str(n)) for n in RATING_SCALE]


class AnswerForm(forms.Form):
    """One field per question of `version` (`a-<key>`), rendered by surveys/_answers.html."""

    def __init__(self, *args, version: QuestionnaireVersion, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
        for question in version.questions:
            self.fields[f"a-{question['key']}"] = self._field(question)

    @staticmethod
    def _field(question: dict) -> forms.Field:
        common: dict[str, Any] = {"label": question["text"], "required": question.get("required")}
        kind = question["kind"]
        if kind == "rating":
            return forms.TypedChoiceField(
                choices=RATING_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
                help_text=_("1 = poor, 5 = excellent"),
                **common,
            )
        choices = [(c, c) for c in question.get("choices", [])]
        if kind == "choice":
            return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
        if kind == "multiple":
            return forms.MultipleChoiceField(
                choices=choices,
                widget=forms.CheckboxSelectMultiple,
                help_text=_("Choose all that apply."),
                **common,
            )
        return forms.CharField(
            max_length=MAX_ANSWER_TEXT, widget=forms.Textarea(attrs={"rows": 3}), **common
        )

    def answers(self) -> dict[str, Any]:
        return {
            question["key"]: self.cleaned_data.get(f"a-{question['key']}")
            for question in self.version.questions
        }

    def rows(self):
        """(question, bound field) pairs, in the version's order."""
        return [(q, self[f"a-{q['key']}"]) for q in self.version.questions]


class SettingsForm(forms.Form):
    """What a questionnaire is for: chosen once, when it is created."""

    kind = forms.ChoiceField(label=_("Questionnaire"), choices=Questionnaire.Kind.choices)
    track: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Track"),
        queryset=None,
        required=False,
        empty_label=_("Program-wide (every track without its own)"),
    )

    def __init__(self, *args, tracks, program_wide: bool, **kwargs):
        super().__init__(*args, **kwargs)
        track = cast(forms.ModelChoiceField, self.fields["track"])
        track.queryset = tracks
        if not program_wide:
            track.required = True
            track.empty_label = None


class FollowUpDaysForm(forms.Form):
    follow_up_days = forms.IntegerField(
        label=_("Sent (days after the workshop)"), min_value=1, max_value=730, initial=90
    )
