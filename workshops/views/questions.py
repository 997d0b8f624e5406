"""A module's question bank: the authors' pages, and what the curriculum pages show of it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trainingsite.errors import ServiceError
from trainingsite.roles import has_role, role_required
from workshops import services
from workshops.forms.questions import QuestionForm
from workshops.models import Module, ModuleRevision, Question
from workshops.models.curriculum import can_publish_modules

STAFF = ("trainer", "coordinator")
# What a change to a question is compared on (the revision diff).
COMPARED = (
    "kind",
    "text",
    "objective",
    "choices",
    "true_answer",
    "numeric_answer",
    "numeric_tolerance",
    "explanation",
)


# --- reading ---------------------------------------------------------------------------------


def _number(value: Decimal) -> str:
    # 15000.000000 → "15,000" / "15 000": no trailing zeros, separators of the language.
    value = Decimal(format(value.normalize(), "f"))
    return formats.number_format(value, use_l10n=True, force_grouping=True)


def answer_summary(question: Question) -> str:
    """The right answer in a few words, for the lists of a bank."""
    if question.has_options:
        return "; ".join(c.get("text", "") for c in question.choices or () if c.get("correct"))
    if question.kind == Question.Kind.TRUE_FALSE:
        return _("True") if question.true_answer else _("False")
    if question.numeric_answer is None:
        return ""
    if question.numeric_tolerance:
        return f"{_number(question.numeric_answer)} ± {_number(question.numeric_tolerance)}"
    return _number(question.numeric_answer)


@dataclass(frozen=True)
class BankRow:
    question: Question
    answer: str


def bank_rows(questions: Iterable[Question]) -> list[BankRow]:
    return [BankRow(q, answer_summary(q)) for q in questions]


def may_read_banks(user) -> bool:
    """Questions and their answers are staff material: officers never see a bank."""
    return has_role(user, *STAFF)


def can_edit_bank(user, module: Module, *, may_edit: bool) -> bool:
    """Whether to offer the bank's buttons to a user who `may_edit` the module; the services
    decide (`questions._locked_module`)."""
    if module.status == Module.Status.ARCHIVED or not may_edit:
        return False
    return module.status != Module.Status.IN_REVIEW or can_publish_modules(user)


def working_bank(module: Module) -> list[BankRow]:
    return bank_rows(module.questions.working().order_by("position", "pk"))


def frozen_bank(user, revision: ModuleRevision) -> list[BankRow]:
    return bank_rows(
        Question.objects.visible_to(user).filter(revision=revision).order_by("position", "pk")
    )


@dataclass(frozen=True)
class BankChanges:
    added: list[BankRow]
    removed: list[BankRow]
    changed: list[tuple[BankRow, BankRow]]

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


def bank_changes(user, old: ModuleRevision, new: ModuleRevision) -> BankChanges:
    """Questions added, removed and changed from `old` to `new`, matched by key."""
    rows = Question.objects.visible_to(user).filter(revision__in=[old.pk, new.pk])
    before = {q.key: q for q in rows if q.revision_id == old.pk}
    after = {q.key: q for q in rows if q.revision_id == new.pk}
    by_position = sorted(after.values(), key=lambda q: (q.position, q.pk))
    return BankChanges(
        added=bank_rows(q for q in by_position if q.key not in before),
        removed=bank_rows(
            sorted(
                (q for k, q in before.items() if k not in after), key=lambda q: (q.position, q.pk)
            )
        ),
        changed=[
            (BankRow(before[q.key], answer_summary(before[q.key])), BankRow(q, answer_summary(q)))
            for q in by_position
            if q.key in before and any(getattr(before[q.key], f) != getattr(q, f) for f in COMPARED)
        ],
    )


# --- authoring -------------------------------------------------------------------------------


def _bank_url(module_id: int) -> str:
    return reverse("workshops:module_detail", args=[module_id]) + "#question-bank"


def _editable_questions(user):
    """Working-copy questions of modules the user may edit; anything else is a 404."""
    return Question.objects.working().filter(
        module__in=Module.objects.editable_by(user).values("pk")
    )


def _question_form_page(request, form, module, question=None):
    return render(
        request,
        "workshops/curriculum/question_form.html",
        {"form": form, "module": module, "question": question},
        status=400 if form.errors else 200,
    )


@role_required(*STAFF)
def question_create(request, pk: int):
    module = get_object_or_404(Module.objects.editable_by(request.user), pk=pk)
    form = QuestionForm(request.POST if request.method == "POST" else None, module=module)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_question(module_id=module.pk, by=request.user, **form.service_kwargs())
        except ServiceError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("Question added to the bank."))
            return redirect(_bank_url(module.pk))
    return _question_form_page(request, form, module)


@role_required(*STAFF)
def question_edit(request, pk: int):
    question = get_object_or_404(_editable_questions(request.user).select_related("module"), pk=pk)
    module = question.module
    form = QuestionForm(
        request.POST if request.method == "POST" else None, module=module, question=question
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_question(
                question_id=question.pk, by=request.user, **form.service_kwargs()
            )
        except ServiceError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("Question saved."))
            return redirect(_bank_url(module.pk))
    return _question_form_page(request, form, module, question)


@require_POST
@role_required(*STAFF)
def question_delete(request, pk: int):
    question = get_object_or_404(_editable_questions(request.user), pk=pk)
    try:
        services.delete_question(question_id=question.pk, by=request.user)
    except ServiceError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, _("Question deleted."))
    return redirect(_bank_url(question.module_id))


@require_POST
@role_required(*STAFF)
def question_move(request, pk: int):
    question = get_object_or_404(_editable_questions(request.user), pk=pk)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        return HttpResponseBadRequest(_("Say whether to move the question up or down."))
    try:
        services.move_question(question_id=question.pk, by=request.user, up=direction == "up")
    except ServiceError as err:
        messages.error(request, err.message)
    return redirect(_bank_url(question.module_id))
