"""A workshop's test results for its staff: score distributions, item statistics, weak
objectives (assessments/statistics.py) and each officer's pre, post and gain.

Every figure is read from each officer's best sent attempt per test (`Attempt.objects.best`).
Four queries, whatever the number of officers or questions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext

from registrations.models import Registration
from workshops.models import Workshop

from .models import Attempt, AttemptAnswer, WorkshopTest
from .statistics import (
    Distribution,
    ItemStat,
    ObjectiveStat,
    QuestionInfo,
    ScoredAttempt,
    distribution,
    item_statistics,
    objective_statistics,
)


@dataclass
class TestResults:
    test: WorkshopTest
    distribution: Distribution
    items: list[ItemStat]
    objectives: list[ObjectiveStat]

    @property
    def flagged(self) -> int:
        return sum(1 for item in self.items if item.flags)

    @property
    def weak_objectives(self) -> list[ObjectiveStat]:
        return [o for o in self.objectives if o.weak]


@dataclass
class OfficerScore:
    registration: Registration
    pre: float | None = None
    post: float | None = None

    @property
    def gain(self) -> float | None:
        if self.pre is None or self.post is None:
            return None
        return self.post - self.pre


@dataclass
class WorkshopResults:
    workshop: Workshop
    tests: list[TestResults] = field(default_factory=list)
    officers: list[OfficerScore] = field(default_factory=list)

    def distribution_rows(self) -> list[tuple[str, list[int]]]:
        """(band, officers per test) for the chart's table."""
        return [
            (label, [t.distribution.bins[i] for t in self.tests])
            for i, label in enumerate(Distribution.bin_labels())
        ]

    def chart_data(self) -> dict:
        """Plain data for the distribution chart (static/js/results-charts.js)."""
        return {
            "labels": Distribution.bin_labels(),
            "empty": gettext("No sent attempts yet."),
            "axis": gettext("Officers"),
            "datasets": [
                {
                    "label": t.test.get_kind_display(),
                    "kind": t.test.kind,
                    "data": t.distribution.bins,
                }
                for t in self.tests
            ],
        }


def _questions(answers: Sequence[Mapping[str, Any]]) -> list[QuestionInfo]:
    """One QuestionInfo per key, worded as in its latest revision, in the bank's order."""
    latest: dict[str, Mapping[str, Any]] = {}
    for row in answers:
        key = str(row["question__key"])
        if key not in latest or row["question__revision_id"] > latest[key]["question__revision_id"]:
            latest[key] = row
    infos = [
        QuestionInfo(
            key=key,
            text=row["question__text"],
            objective=row["question__objective"],
            position=row["question__position"],
        )
        for key, row in latest.items()
    ]
    return sorted(infos, key=lambda q: (q.position, q.text))


def workshop_results(workshop: Workshop) -> WorkshopResults:
    results = WorkshopResults(workshop=workshop)
    tests = list(WorkshopTest.objects.filter(workshop=workshop).order_by("-kind"))
    best = list(
        Attempt.objects.best()
        .filter(test__workshop=workshop)
        .values_list("pk", "test_id", "registration_id", "percent")
    )
    answers = list(
        AttemptAnswer.objects.filter(attempt_id__in=[pk for pk, *_rest in best]).values(
            "attempt_id",
            "correct",
            "question__key",
            "question__revision_id",
            "question__text",
            "question__objective",
            "question__position",
        )
    )
    by_attempt: dict[int, dict[str, bool]] = {}
    for row in answers:
        by_attempt.setdefault(row["attempt_id"], {})[str(row["question__key"])] = bool(
            row["correct"]
        )
    percent_of: dict[tuple[int, str], float] = {}
    kind_of = {t.pk: t.kind for t in tests}
    bank = _questions(answers)
    for test in tests:
        scored = [
            ScoredAttempt(float(percent or 0), by_attempt.get(pk, {}))
            for pk, test_id, _reg, percent in best
            if test_id == test.pk
        ]
        asked = {k for a in scored for k in a.answers}
        questions = [q for q in bank if q.key in asked]
        items = item_statistics(scored, questions)
        results.tests.append(
            TestResults(
                test=test,
                distribution=distribution(a.percent for a in scored),
                items=items,
                objectives=objective_statistics(items),
            )
        )
    for _pk, test_id, registration_id, percent in best:
        percent_of[(registration_id, kind_of[test_id])] = float(percent or 0)
    registrations = (
        Registration.objects.filter(workshop=workshop)
        .filter(
            Q(state=Registration.State.CONFIRMED)
            | Q(pk__in={registration_id for registration_id, _kind in percent_of})
        )
        .select_related("officer", "officer__agency")
        .order_by("officer__full_name", "officer__email", "pk")
    )
    results.officers = [
        OfficerScore(
            registration=registration,
            pre=percent_of.get((registration.pk, WorkshopTest.Kind.PRE)),
            post=percent_of.get((registration.pk, WorkshopTest.Kind.POST)),
        )
        for registration in registrations
    ]
    return results
