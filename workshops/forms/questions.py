from __future__ import annotations

from crispy_forms.bootstrap import InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Fieldset, Layout
from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from workshops.models import Module, Question
from workshops.models.questions import MAX_CHOICES

CHOICE_KINDS = f"{Question.Kind.SINGLE} {Question.Kind.MULTIPLE}"
TRUE_FALSE = [("true", _("True")), ("false", _("False"))]


def option_fields(index: int) -> tuple[str, str]:
    return f"option_{index}", f"option_{index}_right"


class QuestionForm(forms.Form):
    """Shape only: the rules of each kind are the service's. Every option row is rendered, so
    the form works without script (questions.js shows what the chosen kind needs); fields of
    other kinds are ignored, whatever they hold."""

    kind = forms.ChoiceField(
        label=_("Type"), choices=Question.Kind.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("Question"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    objective = forms.ChoiceField(label=_("Learning objective"), required=False)
    true_answer = forms.ChoiceField(
        label=_("The statement is"), choices=TRUE_FALSE, required=False, widget=forms.RadioSelect
    )
    numeric_answer = forms.DecimalField(
        label=_("Right answer"), max_digits=18, decimal_places=6, required=False
    )
    numeric_tolerance = forms.DecimalField(
        label=_("Accepted difference"),
        max_digits=18,
        decimal_places=6,
        min_value=0,
        required=False,
        initial=0,
        help_text=_("An answer this far from the right one, or closer, still counts."),
    )
    explanation = forms.CharField(
        label=_("Explanation"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to the officer with the right answer once their attempt is sent."),
    )

    def __init__(self, *args, module: Module, question: Question | None = None, **kwargs):
        if question is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(question)
        super().__init__(*args, **kwargs)
        self.fields["kind"].initial = Question.Kind.SINGLE
        objectives = module.objective_list
        choices = [("", _("— none —"))] + [(o, o) for o in objectives]
        current = question.objective if question else ""
        if current and current not in objectives:
            # Kept so the author sees it; saving asks for one the module still has.
            choices.append(
                (current, _("%(objective)s (no longer an objective)") % {"objective": current})
            )
        objective_field = self.fields["objective"]
        assert isinstance(objective_field, forms.ChoiceField)
        objective_field.choices = choices
        rows = []
        for index in range(MAX_CHOICES):
            text_name, right_name = option_fields(index)
            self.fields[text_name] = forms.CharField(
                label=_("Option %(n)d") % {"n": index + 1}, max_length=300, required=False
            )
            self.fields[right_name] = forms.BooleanField(label=_("Right answer"), required=False)
            self.fields[right_name].widget.attrs["aria-label"] = _(
                "Option %(n)d is a right answer"
            ) % {"n": index + 1}
            rows.append(
                Div(
                    Div(Field(text_name), css_class="col-12 col-md"),
                    Div(Field(right_name), css_class="col col-md-auto pt-md-4"),
                    css_class="row g-2 align-items-start option-row",
                    data_option_row=str(index),
                )
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            InlineRadios("kind"),
            "text",
            "objective",
            Fieldset(
                _("Options"),
                HTML(
                    format_html(
                        '<p class="small text-body-secondary">{}</p>',
                        gettext(
                            "Tick the right answer: one for a single choice, one or more for a "
                            "multiple choice. Empty rows are left out."
                        ),
                    )
                ),
                *rows,
                HTML(
                    format_html(
                        '<button type="button" class="btn btn-sm btn-outline-secondary mb-3" '
                        'data-option-add hidden><i class="bi bi-plus-lg" aria-hidden="true"></i> '
                        "{}</button>",
                        gettext("Add an option"),
                    )
                ),
                data_kinds=CHOICE_KINDS,
            ),
            Div(InlineRadios("true_answer"), data_kinds=Question.Kind.TRUE_FALSE),
            Div(
                Div(Field("numeric_answer", inputmode="decimal"), css_class="col-sm-6"),
                Div(Field("numeric_tolerance", inputmode="decimal"), css_class="col-sm-6"),
                css_class="row",
                data_kinds=Question.Kind.NUMERIC,
            ),
            "explanation",
        )

    @staticmethod
    def initial_from(question: Question) -> dict:
        initial: dict[str, object] = {
            "kind": question.kind,
            "text": question.text,
            "objective": question.objective,
            "explanation": question.explanation,
            "numeric_answer": question.numeric_answer,
            "numeric_tolerance": question.numeric_tolerance,
        }
        if question.true_answer is not None:
            initial["true_answer"] = "true" if question.true_answer else "false"
        for index, choice in enumerate((question.choices or [])[:MAX_CHOICES]):
            text_name, right_name = option_fields(index)
            initial[text_name] = choice.get("text", "")
            initial[right_name] = bool(choice.get("correct"))
        return initial

    def relevant(self, kind: str) -> set[str]:
        if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
            return {name for i in range(MAX_CHOICES) for name in option_fields(i)}
        if kind == Question.Kind.TRUE_FALSE:
            return {"true_answer"}
        return {"numeric_answer", "numeric_tolerance"}

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind:
            other_kinds = {
                "true_answer",
                "numeric_answer",
                "numeric_tolerance",
                *(name for i in range(MAX_CHOICES) for name in option_fields(i)),
            } - self.relevant(kind)
            for name in other_kinds:
                # A stray value in a hidden field of another kind must not block saving.
                self.errors.pop(name, None)
                cleaned.pop(name, None)
        return cleaned

    def service_kwargs(self) -> dict:
        """The cleaned values as the question services take them."""
        data = self.cleaned_data
        true_answer = data.get("true_answer")
        return {
            "kind": data["kind"],
            "text": data["text"],
            "objective": data.get("objective") or "",
            "choices": [
                {"text": data.get(text_name) or "", "correct": bool(data.get(right_name))}
                for text_name, right_name in map(option_fields, range(MAX_CHOICES))
            ],
            "true_answer": None if not true_answer else true_answer == "true",
            "numeric_answer": data.get("numeric_answer"),
            "numeric_tolerance": data.get("numeric_tolerance"),
            "explanation": data.get("explanation") or "",
        }
