"""The shape of a questionnaire's questions: parsed from the editor's form, checked, and read
back for answering. A version's list is the one format (see QuestionnaireVersion)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import MAX_QUESTIONS, QUESTION_KINDS

MAX_TEXT = 500
MAX_CHOICES = 20
MAX_CHOICE_TEXT = 200
# Rows the editor may post beyond MAX_QUESTIONS: blank slots and rows marked for removal.
MAX_ROWS = MAX_QUESTIONS + 10
RATING_SCALE = range(1, 6)

KIND_LABELS = {
    "rating": gettext_lazy("Rating (1 to 5)"),
    "choice": gettext_lazy("One choice"),
    "multiple": gettext_lazy("Multiple choice"),
    "text": gettext_lazy("Free text"),
}


@dataclass
class Row:
    """One question as typed in the editor (kept as typed, to show again with its errors)."""

    key: str = ""
    kind: str = "rating"
    text: str = ""
    choices: list[str] = field(default_factory=list)
    required: bool = False
    position: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def choices_text(self) -> str:
        return "\n".join(self.choices)

    def as_question(self) -> dict:
        question: dict = {
            "key": self.key,
            "kind": self.kind,
            "text": self.text,
            "required": self.required,
        }
        if self.kind in ("choice", "multiple"):
            question["choices"] = list(self.choices)
        return question


def rows_from_questions(questions: list[dict]) -> list[Row]:
    return [
        Row(
            key=q.get("key", ""),
            kind=q.get("kind", "rating"),
            text=q.get("text", ""),
            choices=list(q.get("choices", [])),
            required=bool(q.get("required")),
            position=i + 1,
        )
        for i, q in enumerate(questions)
    ]


def _int(value: str, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def rows_from_post(data) -> list[Row]:
    """The editor's rows (`q-<i>-<field>`), without those removed or left blank, in the order
    of their positions (ties keep the form's order)."""
    count = min(max(_int(data.get("rows"), 0), 0), MAX_ROWS)
    rows = []
    for i in range(count):
        prefix = f"q-{i}-"
        if data.get(prefix + "delete"):
            continue
        text = (data.get(prefix + "text") or "").strip()
        choices = [
            line.strip()
            for line in (data.get(prefix + "choices") or "").splitlines()
            if line.strip()
        ]
        if not text and not choices:
            continue
        rows.append(
            Row(
                key=(data.get(prefix + "key") or "").strip()[:20],
                kind=data.get(prefix + "kind") or "",
                text=text,
                choices=choices,
                required=bool(data.get(prefix + "required")),
                position=_int(data.get(prefix + "position"), i + 1),
            )
        )
    rows.sort(key=lambda row: row.position)
    for number, row in enumerate(rows, start=1):
        row.position = number
    return rows


def check_rows(rows: list[Row]) -> list[str]:
    """Errors of the whole list; each row's own go to `row.errors`."""
    problems = []
    if not rows:
        problems.append(_("Add at least one question."))
    if len(rows) > MAX_QUESTIONS:
        problems.append(
            _("A questionnaire has at most %(max)d questions.") % {"max": MAX_QUESTIONS}
        )
    for row in rows:
        row.errors = []
        if row.kind not in QUESTION_KINDS:
            row.errors.append(_("Choose the kind of question."))
        if not row.text:
            row.errors.append(_("Write the question."))
        elif len(row.text) > MAX_TEXT:
            row.errors.append(_("A question has at most %(max)d characters.") % {"max": MAX_TEXT})
        if row.kind in ("choice", "multiple"):
            if len(set(row.choices)) < 2:
                row.errors.append(_("Give at least two different options."))
            if len(set(row.choices)) != len(row.choices):
                row.errors.append(_("Each option may appear once."))
            if len(row.choices) > MAX_CHOICES:
                row.errors.append(
                    _("A question has at most %(max)d options.") % {"max": MAX_CHOICES}
                )
            if any(len(c) > MAX_CHOICE_TEXT for c in row.choices):
                row.errors.append(
                    _("An option has at most %(max)d characters.") % {"max": MAX_CHOICE_TEXT}
                )
    return problems


def assign_keys(rows: list[Row], taken: set[str]) -> None:
    """Keep the keys of questions carried over; give fresh ones to the rest (never reused
    within a questionnaire, so a key means one question across its versions)."""
    seen: set[str] = set()
    used = set(taken)
    numbers = [int(k[1:]) for k in used if k.startswith("q") and k[1:].isdigit()]
    counter = max(numbers, default=0)
    for row in rows:
        if row.key and row.key in taken and row.key not in seen:
            seen.add(row.key)
            continue
        counter += 1
        row.key = f"q{counter}"
        seen.add(row.key)


def validate_questions(questions: list[dict]) -> list[str]:
    """Every error in a list of questions (as stored), for services to refuse bad input."""
    rows = rows_from_questions(questions)
    problems = check_rows(rows)
    keys = [row.key for row in rows]
    if any(not k for k in keys) or len(set(keys)) != len(keys):
        problems.append(_("Each question needs its own key."))
    for row in rows:
        problems.extend(row.errors)
    return problems
