"""Demo tests: a pre- and a post-test on every scheduled demo workshop whose modules have
published questions; the demo officer has an open pre-test to take on an upcoming workshop and
a sent post-test, with its result shown, on a past one. Idempotent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from attendees.models import User
from registrations.models import Registration
from workshops.models import Question, Workshop

from . import services
from .models import Attempt, AttemptAnswer, WorkshopTest
from .services.setup import bank_questions
from .windows import session_bounds

DEMO_OFFICER = "officer@spf.example.sg"
ADMIN = "admin@training.example.org"
# A few minutes on a phone: a random subset of the banks.
QUESTIONS = 8


def _right(question: Question):
    if question.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        indices = question.correct_indices
        return [str(i) for i in (indices[:1] if question.kind == Question.Kind.SINGLE else indices)]
    if question.kind == Question.Kind.TRUE_FALSE:
        return ["true" if question.true_answer else "false"]
    answer = question.numeric_answer if question.numeric_answer is not None else Decimal(0)
    return [f"{answer.normalize():f}".replace(".", ",")]


def _days_closed(workshop: Workshop, last_end: dt.datetime) -> int:
    """A post-test length (days) that has already ended for a past workshop: its result shows."""
    today = timezone.localtime(timezone.now(), workshop.tzinfo).date()
    last_day = timezone.localtime(last_end, workshop.tzinfo).date()
    return max(0, min(7, (today - last_day).days - 1))


def _send_post_test(test: WorkshopTest, officer: User) -> None:
    """The officer's post-test, started in the hour after the last session began, right but
    for the last question, sent."""
    if Attempt.objects.filter(test=test, registration__officer=officer).exists():
        return
    _first, last_start, _last_end = session_bounds(test.workshop)
    if last_start is None:
        return
    at = last_start + dt.timedelta(hours=1)
    attempt = services.start_attempt(test_id=test.pk, officer=officer, at=at)
    answers = list(AttemptAnswer.objects.filter(attempt=attempt).select_related("question"))
    responses = {a.pk: _right(a.question) for a in answers[:-1]}
    services.save_answers(
        attempt_id=attempt.pk, officer=officer, responses=responses, at=at + dt.timedelta(minutes=5)
    )
    services.submit_attempt(attempt_id=attempt.pk, officer=officer, at=at + dt.timedelta(minutes=9))


@transaction.atomic
def seed() -> list:
    admin = User.objects.filter(email=ADMIN).first()
    if admin is None:
        return []
    now = timezone.now()
    available = {
        w: bank_questions(w).count()
        for w in Workshop.objects.filter(
            status__in=[Workshop.Status.PUBLISHED, Workshop.Status.COMPLETED]
        ).order_by("starts_at", "pk")
    }
    workshops = [w for w, n in available.items() if n]
    officer = User.objects.filter(email=DEMO_OFFICER).first()
    past = None
    if officer is not None:
        past = (
            Registration.objects.filter(
                officer=officer,
                state=Registration.State.CONFIRMED,
                workshop__in=[w.pk for w in workshops],
                workshop__ends_at__lt=now - dt.timedelta(days=2),
            )
            .select_related("workshop")
            .order_by("-workshop__ends_at")
            .first()
        )
    set_up = set(WorkshopTest.objects.values_list("workshop_id", flat=True))
    for workshop in workshops:
        # A later demo (the completion rule's) may change a test: set each up once only.
        if workshop.pk in set_up:
            continue
        services.configure_test(
            workshop_id=workshop.pk,
            kind=WorkshopTest.Kind.PRE,
            by=admin,
            question_count=min(QUESTIONS, available[workshop]),
            time_limit_minutes=15,
        )
        closes_after_days = 7
        if past is not None and past.workshop_id == workshop.pk:
            _first, _last_start, last_end = session_bounds(workshop)
            if last_end is not None:
                closes_after_days = _days_closed(workshop, last_end)
        services.configure_test(
            workshop_id=workshop.pk,
            kind=WorkshopTest.Kind.POST,
            by=admin,
            question_count=min(QUESTIONS, available[workshop]),
            max_attempts=2,
            closes_after_days=closes_after_days,
        )
    if past is not None and officer is not None:
        test = WorkshopTest.objects.get(workshop=past.workshop, kind=WorkshopTest.Kind.POST)
        _send_post_test(test, officer)
    return []
