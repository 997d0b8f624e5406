"""A workshop whose post-test may be part of the completion rule: banks, a post-test and the
attempts officers sent, written directly (taking a test is the assessments app's business)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from assessments.models import Attempt, WorkshopTest
from attendance import services
from tests.factories import (
    ModuleFactory,
    ModuleRevisionFactory,
    RegistrationFactory,
    WorkshopFactory,
)
from workshops.models import Question, WorkshopModule


def hours_ago(hours: float) -> dt.datetime:
    return timezone.now().replace(microsecond=0) - dt.timedelta(hours=hours)


def workshop_with_post_test(
    *,
    region,
    trainer,
    pass_percent: int | None = 70,
    closes_after_days: int = 0,
    questions: int = 4,
    title: str = "Tracing Bitcoin",
):
    """Two 4-hour sessions that ended a day ago (a day's midnight has passed since), one module
    with `questions` frozen questions, and a post-test open until the end of the last session's
    day plus `closes_after_days` days."""
    workshop = WorkshopFactory(
        title=title,
        region=region,
        trainers=[trainer],
        sessions=[(hours_ago(52), hours_ago(48)), (hours_ago(28), hours_ago(24))],
    )
    revision = ModuleRevisionFactory(
        module=ModuleFactory(title="UTXO tracing", duration_minutes=480),
        duration_minutes=480,
    )
    WorkshopModule.objects.create(workshop=workshop, revision=revision, position=0)
    for position in range(questions):
        Question.objects.create(
            module=revision.module,
            revision=revision,
            position=position,
            kind=Question.Kind.TRUE_FALSE,
            text=f"Statement {position}",
            true_answer=True,
        )
    WorkshopTest.objects.create(
        workshop=workshop,
        kind=WorkshopTest.Kind.POST,
        pass_percent=pass_percent,
        closes_after_days=closes_after_days,
        max_attempts=3,
    )
    return workshop


def attended(workshop, trainer, officer, *, sessions: int = 2):
    """The officer's confirmed registration, marked present at the first `sessions` sessions."""
    registration = RegistrationFactory(workshop=workshop, officer=officer)
    for session in list(workshop.sessions.all())[:sessions]:
        services.record_marks(session_id=session.pk, by=trainer, marks={registration.pk: "present"})
    return registration


def sent(registration, percent: str, *, number: int = 1, submitted: bool = True) -> Attempt:
    """A post-test attempt scored `percent` (of 20 questions), sent unless `submitted` is off."""
    test = WorkshopTest.objects.get(workshop=registration.workshop, kind=WorkshopTest.Kind.POST)
    value = Decimal(percent)
    score = int(value * 20 / 100)
    return Attempt.objects.create(
        test=test,
        registration=registration,
        number=number,
        started_at=hours_ago(20),
        submitted_at=hours_ago(19) if submitted else None,
        score=score if submitted else None,
        max_score=20,
        percent=value if submitted else None,
    )
