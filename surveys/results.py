"""Aggregates of answers, per questionnaire version and question; nothing at all under
FEEDBACK_MIN_ANSWERS answers, so no answer can be traced back to a person."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import QuerySet

from .models import QuestionnaireVersion, SurveyResponse
from .questions import RATING_SCALE


@dataclass
class QuestionResult:
    question: dict
    answers: int = 0
    average: float | None = None
    # (option, how many chose it), in the question's order (ratings: 5 down to 1).
    counts: list[tuple[str, int]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.question["kind"]


@dataclass
class VersionResult:
    version: QuestionnaireVersion
    answers: int
    shown: bool
    questions: list[QuestionResult] = field(default_factory=list)


def _question_result(question: dict, answers: list[dict], *, with_text: bool) -> QuestionResult:
    key, kind = question["key"], question["kind"]
    given = [a[key] for a in answers if a.get(key) not in (None, "", [])]
    result = QuestionResult(question=question, answers=len(given))
    if kind == "rating":
        ratings = [v for v in given if isinstance(v, int)]
        result.average = sum(ratings) / len(ratings) if ratings else None
        counts = Counter(ratings)
        result.counts = [(str(n), counts.get(n, 0)) for n in reversed(RATING_SCALE)]
    elif kind in ("choice", "multiple"):
        counts = Counter()
        for value in given:
            counts.update(value if isinstance(value, list) else [value])
        result.counts = [(c, counts.get(c, 0)) for c in question.get("choices", [])]
    elif with_text:
        # Sorted by text, not by submission: the order reveals nothing about who wrote what.
        result.texts = sorted(str(v) for v in given)
    return result


def results_by_version(
    responses: QuerySet[SurveyResponse], *, with_text: bool, min_answers: int | None = None
) -> list[VersionResult]:
    """Each version answered in `responses` (newest first) with its questions' aggregates,
    shown only from `min_answers` (FEEDBACK_MIN_ANSWERS) answers. Two queries."""
    minimum = settings.FEEDBACK_MIN_ANSWERS if min_answers is None else min_answers
    grouped: dict[int, list[dict]] = defaultdict(list)
    for version_id, answers in responses.values_list("version_id", "answers"):
        grouped[version_id].append(answers or {})
    versions = QuestionnaireVersion.objects.filter(pk__in=grouped).select_related(
        "questionnaire__track"
    )
    results = []
    for version in sorted(versions, key=lambda v: (v.questionnaire_id, -v.number)):
        answers = grouped[version.pk]
        result = VersionResult(version=version, answers=len(answers), shown=len(answers) >= minimum)
        if result.shown:
            result.questions = [
                _question_result(q, answers, with_text=with_text) for q in version.questions
            ]
        results.append(result)
    return results
