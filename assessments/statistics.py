"""Item statistics of a test: pure functions on plain data, no database.

Input: one `ScoredAttempt` per officer (their best sent attempt), with the attempt's total
percent and, per question drawn, whether it was answered right (an unanswered question counts
as wrong). Questions are identified by `Question.key`, so a question whose wording was
corrected in a later revision keeps one line.

Definitions:
- score distribution: the attempts' percents in ten 10-point bins (0–9.99, …, 80–89.99 and
  90–100, where 100 falls in the last), their mean and median;
- difficulty of a question: the share of the attempts that drew it which answered it right;
- discrimination: the point-biserial correlation between the item (1 right, 0 wrong) and the
  attempt's total percent, over the attempts that drew it, with population standard deviations:
  r = (M1 − M0) / s · √(p·q), where M1 and M0 are the mean totals of those who got it right and
  wrong, s the SD of the totals and p, q the shares right and wrong. None with fewer than two
  attempts, or when either SD is 0 (everyone scored alike, or everyone got the item right, or
  everyone wrong): a correlation is then undefined;
- flags: too hard (under 30 % right), too easy (over 95 % right), weak discrimination (under
  0.2, where defined);
- a learning objective's share right: right answers to its questions / answers to its
  questions; weak under 50 %. Questions without an objective are left out of this table.
"""

from __future__ import annotations

import math
import statistics as pystats
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

BIN_COUNT = 10
TOO_HARD_BELOW = 0.30
TOO_EASY_ABOVE = 0.95
WEAK_DISCRIMINATION_BELOW = 0.2
WEAK_OBJECTIVE_BELOW = 0.5

FLAG_TOO_HARD = "too_hard"
FLAG_TOO_EASY = "too_easy"
FLAG_WEAK_DISCRIMINATION = "weak_discrimination"


@dataclass(frozen=True)
class ScoredAttempt:
    percent: float
    # Question key → answered right.
    answers: dict[str, bool] = field(default_factory=dict)


@dataclass(frozen=True)
class QuestionInfo:
    key: str
    text: str
    objective: str = ""
    position: int = 0


@dataclass(frozen=True)
class Distribution:
    n: int
    bins: list[int]
    mean: float | None
    median: float | None

    @staticmethod
    def bin_labels() -> list[str]:
        return [f"{10 * i}–{10 * i + 9}" if i < BIN_COUNT - 1 else "90–100" for i in range(10)]


@dataclass(frozen=True)
class ItemStat:
    key: str
    text: str
    objective: str
    n: int
    right: int
    discrimination: float | None

    @property
    def difficulty(self) -> float | None:
        """Share answered right (a high value is an easy question)."""
        return self.right / self.n if self.n else None

    @property
    def flags(self) -> list[str]:
        found = []
        p = self.difficulty
        if p is not None and p < TOO_HARD_BELOW:
            found.append(FLAG_TOO_HARD)
        if p is not None and p > TOO_EASY_ABOVE:
            found.append(FLAG_TOO_EASY)
        d = self.discrimination
        if d is not None and d < WEAK_DISCRIMINATION_BELOW:
            found.append(FLAG_WEAK_DISCRIMINATION)
        return found


@dataclass(frozen=True)
class ObjectiveStat:
    objective: str
    answers: int
    right: int

    @property
    def share(self) -> float | None:
        return self.right / self.answers if self.answers else None

    @property
    def weak(self) -> bool:
        share = self.share
        return share is not None and share < WEAK_OBJECTIVE_BELOW


def bin_of(percent: float) -> int:
    return min(int(percent // 10), BIN_COUNT - 1) if percent > 0 else 0


def distribution(percents: Iterable[float]) -> Distribution:
    values = [float(p) for p in percents]
    bins = [0] * BIN_COUNT
    for value in values:
        bins[bin_of(value)] += 1
    if not values:
        return Distribution(0, bins, None, None)
    return Distribution(len(values), bins, pystats.fmean(values), pystats.median(values))


def point_biserial(items: Sequence[int], totals: Sequence[float]) -> float | None:
    """Pearson's r between a 0/1 item and the totals, with population SDs (see the module's
    docstring); None where undefined."""
    n = len(items)
    if n < 2 or n != len(totals):
        return None
    s = pystats.pstdev(totals)
    right = [t for i, t in zip(items, totals, strict=True) if i]
    wrong = [t for i, t in zip(items, totals, strict=True) if not i]
    if s == 0 or not right or not wrong:
        return None
    p = len(right) / n
    return (pystats.fmean(right) - pystats.fmean(wrong)) / s * math.sqrt(p * (1 - p))


def item_statistics(
    attempts: Sequence[ScoredAttempt], questions: Iterable[QuestionInfo]
) -> list[ItemStat]:
    """One line per question asked at least once, in the order of `questions`."""
    lines = []
    for question in questions:
        drawn = [a for a in attempts if question.key in a.answers]
        if not drawn:
            continue
        items = [1 if a.answers[question.key] else 0 for a in drawn]
        lines.append(
            ItemStat(
                key=question.key,
                text=question.text,
                objective=question.objective,
                n=len(drawn),
                right=sum(items),
                discrimination=point_biserial(items, [a.percent for a in drawn]),
            )
        )
    return lines


def objective_statistics(items: Iterable[ItemStat]) -> list[ObjectiveStat]:
    """Per learning objective, in the order first met; weakest first is left to the page."""
    answers: dict[str, int] = {}
    right: dict[str, int] = {}
    for item in items:
        if not item.objective:
            continue
        answers[item.objective] = answers.get(item.objective, 0) + item.n
        right[item.objective] = right.get(item.objective, 0) + item.right
    return [ObjectiveStat(o, answers[o], right[o]) for o in answers]
