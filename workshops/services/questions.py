"""A module's question bank: authoring the working copy, freezing it with each revision."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from audit.services import record_audit
from trainingsite.errors import ServiceError
from workshops.models import Module, ModuleRevision
from workshops.models.curriculum import can_publish_modules
from workshops.models.questions import MAX_CHOICES, Question

MIN_CHOICES = 2


class QuestionError(ServiceError):
    """A question bank rule refused the action."""


# --- who may do what -------------------------------------------------------------------------


def _locked_module(*, module_id: int, by) -> Module:
    """The module, locked, if `by` may change its working copy (the module editor's gate)."""
    module = Module.objects.editable_by(by).select_for_update().filter(pk=module_id).first()
    if module is None:
        raise QuestionError(_("You may not change this module."))
    if module.status == Module.Status.ARCHIVED:
        raise QuestionError(_("An archived module cannot be edited; unarchive it first."))
    if module.status == Module.Status.IN_REVIEW and not can_publish_modules(by):
        raise QuestionError(
            _("This module is in review; it can be edited again once it is sent back.")
        )
    return module


def _working_question(*, question_id: int, by) -> tuple[Module, Question]:
    question = Question.objects.filter(pk=question_id).only("module_id", "revision_id").first()
    if question is None:
        raise QuestionError(_("This question no longer exists."))
    if question.revision_id is not None:
        raise QuestionError(_("A question of a published revision cannot be changed."))
    module = _locked_module(module_id=question.module_id, by=by)
    return module, Question.objects.select_for_update().get(pk=question_id)


def _mark_changed(module: Module) -> None:
    # A bank edit is a change to the module like any other: released with the next publish.
    if module.status == Module.Status.PUBLISHED:
        module.status = Module.Status.DRAFT
        module.save(update_fields=["status", "updated_at"])


# --- validation ------------------------------------------------------------------------------


def clean_question(
    *,
    module: Module,
    kind: str,
    text: str,
    objective: str = "",
    choices: Sequence[Mapping] = (),
    true_answer: bool | None = None,
    numeric_answer: Decimal | None = None,
    numeric_tolerance: Decimal | None = None,
    explanation: str = "",
) -> dict:
    """The question's fields as stored, after the rules of its kind; fields another kind uses
    are dropped. Raises QuestionError with the first rule broken."""
    if kind not in Question.Kind.values:
        raise QuestionError(_("Choose a type of question."))
    text = text.strip()
    if not text:
        raise QuestionError(_("Write the question."))
    objective = objective.strip()
    if objective and objective not in module.objective_list:
        raise QuestionError(_("Choose one of the module's learning objectives, or none."))
    values: dict = {
        "kind": kind,
        "text": text,
        "objective": objective,
        "explanation": explanation.strip(),
        "choices": [],
        "true_answer": None,
        "numeric_answer": None,
        "numeric_tolerance": Decimal(0),
    }
    if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        pairs = [(str(c.get("text", "")).strip(), bool(c.get("correct"))) for c in choices]
        pairs = [(option, right) for option, right in pairs if option]
        if not MIN_CHOICES <= len(pairs) <= MAX_CHOICES:
            raise QuestionError(
                _("Give between %(min)d and %(max)d options.")
                % {"min": MIN_CHOICES, "max": MAX_CHOICES}
            )
        if len({option.casefold() for option, _right in pairs}) != len(pairs):
            raise QuestionError(_("Two options have the same text."))
        right = sum(right for _option, right in pairs)
        if kind == Question.Kind.SINGLE and right != 1:
            raise QuestionError(_("Mark exactly one option as right."))
        if kind == Question.Kind.MULTIPLE and right < 1:
            raise QuestionError(_("Mark at least one option as right."))
        values["choices"] = [{"text": option, "correct": right} for option, right in pairs]
    elif kind == Question.Kind.TRUE_FALSE:
        if true_answer is None:
            raise QuestionError(_("Say whether the statement is true or false."))
        values["true_answer"] = bool(true_answer)
    else:
        if numeric_answer is None:
            raise QuestionError(_("Give the right number."))
        tolerance = numeric_tolerance if numeric_tolerance is not None else Decimal(0)
        if tolerance < 0:
            raise QuestionError(_("The accepted difference cannot be negative."))
        values["numeric_answer"] = numeric_answer
        values["numeric_tolerance"] = tolerance
    return values


# --- the working copy ------------------------------------------------------------------------


@transaction.atomic
def create_question(
    *,
    module_id: int,
    by,
    kind: str,
    text: str,
    objective: str = "",
    choices: Sequence[Mapping] = (),
    true_answer: bool | None = None,
    numeric_answer: Decimal | None = None,
    numeric_tolerance: Decimal | None = None,
    explanation: str = "",
) -> Question:
    """Add a question at the end of the module's working bank."""
    module = _locked_module(module_id=module_id, by=by)
    values = clean_question(
        module=module,
        kind=kind,
        text=text,
        objective=objective,
        choices=choices,
        true_answer=true_answer,
        numeric_answer=numeric_answer,
        numeric_tolerance=numeric_tolerance,
        explanation=explanation,
    )
    last = module.questions.working().aggregate(last=Max("position"))["last"]
    question = Question.objects.create(
        module=module,
        position=0 if last is None else last + 1,
        created_by=by if getattr(by, "pk", None) else None,
        **values,
    )
    _mark_changed(module)
    record_audit(
        actor=by,
        action="question.created",
        summary=f"Question #{question.pk} added to module #{module.pk}",
        target=module,
        question=str(question.key),
    )
    return question


@transaction.atomic
def update_question(
    *,
    question_id: int,
    by,
    kind: str,
    text: str,
    objective: str = "",
    choices: Sequence[Mapping] = (),
    true_answer: bool | None = None,
    numeric_answer: Decimal | None = None,
    numeric_tolerance: Decimal | None = None,
    explanation: str = "",
) -> Question:
    """Edit a working-copy question; published copies keep what officers read."""
    module, question = _working_question(question_id=question_id, by=by)
    values = clean_question(
        module=module,
        kind=kind,
        text=text,
        objective=objective,
        choices=choices,
        true_answer=true_answer,
        numeric_answer=numeric_answer,
        numeric_tolerance=numeric_tolerance,
        explanation=explanation,
    )
    changed = [f for f, v in values.items() if getattr(question, f) != v]
    if not changed:
        return question
    for field, value in values.items():
        setattr(question, field, value)
    question.save()
    _mark_changed(module)
    record_audit(
        actor=by,
        action="question.updated",
        summary=f"Question #{question.pk} of module #{module.pk} edited",
        target=module,
        question=str(question.key),
        fields=changed,
    )
    return question


@transaction.atomic
def delete_question(*, question_id: int, by) -> None:
    module, question = _working_question(question_id=question_id, by=by)
    record_audit(
        actor=by,
        action="question.deleted",
        summary=f"Question #{question.pk} deleted from module #{module.pk}",
        target=module,
        question=str(question.key),
        text=question.text[:200],
    )
    question.delete()
    _mark_changed(module)


@transaction.atomic
def move_question(*, question_id: int, by, up: bool) -> Question:
    """Swap the question with its neighbour above (`up`) or below; at an end, nothing moves."""
    module, question = _working_question(question_id=question_id, by=by)
    bank = list(module.questions.working().order_by("position", "pk"))
    index = next(i for i, q in enumerate(bank) if q.pk == question.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(bank):
        return question
    bank[index], bank[other] = bank[other], bank[index]
    # Renumber the whole bank: positions stay dense even after deletions or equal values.
    for position, row in enumerate(bank):
        if row.position != position:
            Question.objects.filter(pk=row.pk).update(position=position)
    _mark_changed(module)
    record_audit(
        actor=by,
        action="question.moved",
        summary=f"Question #{question.pk} of module #{module.pk} moved {'up' if up else 'down'}",
        target=module,
        question=str(question.key),
    )
    question.refresh_from_db()
    return question


# --- freezing --------------------------------------------------------------------------------


def freeze_question_bank(*, module: Module, revision: ModuleRevision) -> list[Question]:
    """Copy the module's working bank into `revision` (same keys and order). Called by
    `publish_module` in its transaction; a revision that already has a bank keeps it."""
    if revision.module_id != module.pk:
        raise ValueError("The revision belongs to another module.")
    if Question.objects.filter(revision=revision).exists():
        return []
    frozen = [
        Question(
            module=module,
            revision=revision,
            key=q.key,
            position=position,
            kind=q.kind,
            text=q.text,
            objective=q.objective,
            choices=q.choices,
            true_answer=q.true_answer,
            numeric_answer=q.numeric_answer,
            numeric_tolerance=q.numeric_tolerance,
            explanation=q.explanation,
            created_by_id=q.created_by_id,
            created_at=q.created_at,
        )
        for position, q in enumerate(module.questions.working().order_by("position", "pk"))
    ]
    return Question.objects.bulk_create(frozen)
