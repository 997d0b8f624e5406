"""The scores the layers above read: each registration's best sent post-test, the score the
completion rule requires, and an officer's own results.

Read only; a score is the best sent attempt (`Attempt.objects.best`), so an attempt still in
progress never counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from workshops.models import Question, Workshop

from .models import Attempt, WorkshopTest
from .windows import Window, test_window


def post_test(workshop: Workshop) -> WorkshopTest | None:
    return WorkshopTest.objects.filter(workshop=workshop, kind=WorkshopTest.Kind.POST).first()


def required_percent(workshop: Workshop) -> int | None:
    """The post-test score the completion rule requires (None: attendance alone)."""
    return (
        WorkshopTest.objects.filter(workshop=workshop, kind=WorkshopTest.Kind.POST)
        .values_list("pass_percent", flat=True)
        .first()
    )


def post_test_window(workshop: Workshop) -> Window | None:
    test = post_test(workshop)
    return test_window(test) if test is not None else None


def bank_size(workshop: Workshop) -> int:
    """How many questions the workshop's tests can draw: the frozen banks of the revisions it
    teaches."""
    revisions = workshop.workshop_modules.values("revision_id")
    return Question.objects.of_revisions(revisions).count()


def best_post_test_percents(workshop: Workshop) -> dict[int, Decimal]:
    """registration id → its best sent post-test percent, for registrations that sent one."""
    return dict(
        Attempt.objects.best()
        .filter(test__workshop=workshop, test__kind=WorkshopTest.Kind.POST)
        .values_list("registration_id", "percent")
    )


@dataclass(frozen=True)
class OwnResult:
    """One of an officer's tests with their best sent score."""

    workshop_id: int
    workshop_title: str
    kind: str
    percent: Decimal | None
    score: int | None
    max_score: int
    attempts_sent: int


def results_of_officer(user) -> list[OwnResult]:
    """The officer's own best score in each test they sent an attempt at."""
    best = (
        Attempt.objects.of_officer(user)
        .best()
        .select_related("test__workshop")
        .order_by("test__workshop__starts_at", "test__workshop_id", "test__kind")
    )
    sent: dict[int, int] = {}
    for test_id in Attempt.objects.of_officer(user).submitted().values_list("test_id", flat=True):
        sent[test_id] = sent.get(test_id, 0) + 1
    return [
        OwnResult(
            workshop_id=a.test.workshop_id,
            workshop_title=a.test.workshop.title,
            kind=a.test.kind,
            percent=a.percent,
            score=a.score,
            max_score=a.max_score,
            attempts_sent=sent.get(a.test_id, 0),
        )
        for a in best
    ]
