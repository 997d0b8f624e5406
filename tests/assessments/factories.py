"""Test data for assessments: workshops teaching a frozen question bank, tests, and attempts
(sent attempts made directly where the taking flow is not what is tested)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.utils import timezone

from assessments.models import Attempt, AttemptAnswer, WorkshopTest
from tests.factories import ModuleFactory, RegistrationFactory, WorkshopFactory, publish_directly
from workshops.models import Question, WorkshopModule

RIGHT_WRONG = [{"text": "Right", "correct": True}, {"text": "Wrong", "correct": False}]


def frozen_bank(revision) -> list[Question]:
    """One question of each kind, frozen in `revision`: the right answers are option 0 (single),
    options 0 and 2 (multiple), True, and 6 ± 0.5."""
    module = revision.module
    specs = [
        {"kind": Question.Kind.SINGLE, "text": "Pick the right one.", "choices": RIGHT_WRONG},
        {
            "kind": Question.Kind.MULTIPLE,
            "text": "Pick both right ones.",
            "choices": [
                {"text": "Right A", "correct": True},
                {"text": "Wrong", "correct": False},
                {"text": "Right B", "correct": True},
            ],
        },
        {"kind": Question.Kind.TRUE_FALSE, "text": "This is true.", "true_answer": True},
        {
            "kind": Question.Kind.NUMERIC,
            "text": "How many confirmations?",
            "numeric_answer": Decimal(6),
            "numeric_tolerance": Decimal("0.5"),
            "explanation": "Six is the usual rule.",
        },
    ]
    return [
        Question.objects.create(module=module, revision=revision, position=i, **spec)
        for i, spec in enumerate(specs)
    ]


def teach_bank(workshop, *, position: int = 0) -> list[Question]:
    module = ModuleFactory()
    revision = publish_directly(module)
    WorkshopModule.objects.create(workshop=workshop, revision=revision, position=position)
    return frozen_bank(revision)


def hours_from_now(hours: float) -> dt.datetime:
    return timezone.now().replace(microsecond=0) + dt.timedelta(hours=hours)


def upcoming_workshop(**kwargs):
    """In 30 days, teaching a four-question bank."""
    workshop = WorkshopFactory(**kwargs)
    teach_bank(workshop)
    return workshop


def running_workshop(**kwargs):
    """Its last session started an hour ago: the post-test is open."""
    workshop = WorkshopFactory(
        sessions=[
            (hours_from_now(-25), hours_from_now(-20)),
            (hours_from_now(-1), hours_from_now(3)),
        ],
        **kwargs,
    )
    teach_bank(workshop)
    return workshop


def make_test(workshop, kind=WorkshopTest.Kind.PRE, **settings) -> WorkshopTest:
    return WorkshopTest.objects.create(workshop=workshop, kind=kind, **settings)


def confirmed(workshop, officer, **kwargs):
    return RegistrationFactory(workshop=workshop, officer=officer, **kwargs)


def workshop_test(workshop, kind: str, **fields) -> WorkshopTest:
    test, _created = WorkshopTest.objects.get_or_create(
        workshop=workshop, kind=kind, defaults=fields
    )
    return test


def frozen_question(workshop, *, text: str, objective: str = "", key=None, position=0) -> Question:
    """A question frozen in the workshop's first module's revision."""
    revision = WorkshopModule.objects.filter(workshop=workshop).order_by("position")[0].revision
    return Question.objects.create(
        module=revision.module,
        revision=revision,
        key=key or uuid.uuid4(),
        position=position,
        text=text,
        objective=objective,
        kind=Question.Kind.TRUE_FALSE,
        true_answer=True,
    )


def sent_attempt(test, registration, answers, *, number: int = 1, percent=None) -> Attempt:
    """A sent attempt: `answers` is [(question, right?)]; its percent is the share right
    unless given."""
    right = sum(1 for _q, ok in answers if ok)
    score_percent = percent if percent is not None else Attempt.percent_of(right, len(answers))
    sent = timezone.now() - dt.timedelta(hours=1)
    attempt = Attempt.objects.create(
        test=test,
        registration=registration,
        number=number,
        started_at=sent - dt.timedelta(minutes=10),
        submitted_at=sent,
        score=right,
        max_score=len(answers),
        percent=score_percent,
    )
    AttemptAnswer.objects.bulk_create(
        AttemptAnswer(
            attempt=attempt,
            question=question,
            position=i,
            response=[0] if ok else [1],
            answered_at=sent,
            correct=ok,
        )
        for i, (question, ok) in enumerate(answers)
    )
    return attempt


def scored(test, registration, percent, *, number: int = 1) -> Attempt:
    """A sent attempt with a percent and no answers (enough for gain figures)."""
    return Attempt.objects.create(
        test=test,
        registration=registration,
        number=number,
        submitted_at=timezone.now(),
        score=0,
        max_score=0,
        percent=percent,
    )
