"""Workshops teaching a module whose published revision has a frozen question bank."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from assessments.models import WorkshopTest
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
