"""Tests, frozen questions and sent attempts, made directly (the taking flow is not needed to
read results)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone

from assessments.models import Attempt, AttemptAnswer, WorkshopTest
from workshops.models import Question, WorkshopModule


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
