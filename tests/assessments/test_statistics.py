"""Item statistics on a known fixture, against values computed by hand."""

from __future__ import annotations

import math

import pytest

from assessments.statistics import (
    FLAG_TOO_EASY,
    FLAG_TOO_HARD,
    FLAG_WEAK_DISCRIMINATION,
    QuestionInfo,
    ScoredAttempt,
    distribution,
    item_statistics,
    objective_statistics,
    point_biserial,
)

R, W = True, False
# Five officers' best attempts (total percent) and their answers to five questions.
ATTEMPTS = [
    ScoredAttempt(100, {"q1": R, "q2": R, "q3": R, "q4": R, "q5": W}),
    ScoredAttempt(80, {"q1": R, "q2": W, "q3": R, "q4": R, "q5": W}),
    ScoredAttempt(60, {"q1": R, "q2": W, "q3": W, "q4": R, "q5": R}),
    ScoredAttempt(40, {"q1": W, "q2": W, "q3": W, "q4": R, "q5": R}),
    ScoredAttempt(20, {"q1": R, "q2": W, "q3": W, "q4": R, "q5": R}),
]
QUESTIONS = [
    QuestionInfo("q1", "One", ""),
    QuestionInfo("q2", "Two", "Trace a transaction"),
    QuestionInfo("q3", "Three", "Explain a UTXO"),
    QuestionInfo("q4", "Four", "Explain a UTXO"),
    QuestionInfo("q5", "Five", "Explain a UTXO"),
    QuestionInfo("q6", "Never drawn", "Explain a UTXO"),
]


def test_item_statistics_match_the_hand_computation():
    """Totals 100, 80, 60, 40, 20: mean 60, deviations ±40, ±20, 0; population variance
    (1600+400+0+400+1600)/5 = 800, s = √800 = 28.2843.

    r = (M1 − M0) / s · √(p·q):
    - q1: right 100, 80, 60, 20 (M1 = 65), wrong 40 (M0 = 40); p = 0.8, √(0.8·0.2) = 0.4;
      r = 25 / 28.2843 · 0.4 = 0.35355. No flag.
    - q2: right 100 (M1 = 100), wrong 80, 60, 40, 20 (M0 = 50); p = 0.2 (< 0.3: too hard);
      r = 50 / 28.2843 · 0.4 = 0.70711.
    - q3: right 100, 80 (M1 = 90), wrong 60, 40, 20 (M0 = 40); p = 0.4, √0.24 = 0.489898;
      r = 50 / 28.2843 · 0.489898 = 0.86603.
    - q4: everyone right: p = 1 (> 0.95: too easy); no one wrong, r undefined (None).
    - q5: right 60, 40, 20 (M1 = 40), wrong 100, 80 (M0 = 90); p = 0.6;
      r = −50 / 28.2843 · 0.489898 = −0.86603 (< 0.2: weak discrimination).
    - q6 was never drawn: no line.
    """
    items = {item.key: item for item in item_statistics(ATTEMPTS, QUESTIONS)}
    assert list(items) == ["q1", "q2", "q3", "q4", "q5"]
    expected = {
        "q1": (0.8, 0.35355, []),
        "q2": (0.2, 0.70711, [FLAG_TOO_HARD]),
        "q3": (0.4, 0.86603, []),
        "q4": (1.0, None, [FLAG_TOO_EASY]),
        "q5": (0.6, -0.86603, [FLAG_WEAK_DISCRIMINATION]),
    }
    for key, (difficulty, discrimination, flags) in expected.items():
        item = items[key]
        assert item.n == 5
        assert item.difficulty == pytest.approx(difficulty)
        if discrimination is None:
            assert item.discrimination is None
        else:
            assert item.discrimination == pytest.approx(discrimination, abs=1e-5)
        assert item.flags == flags, key


def test_objectives_share_right_and_weak_below_half():
    """Trace a transaction: q2 only, 1 right of 5 answers = 0.2 (weak). Explain a UTXO: q3,
    q4, q5: 2 + 5 + 3 = 10 right of 15 answers = 0.667 (not weak). q1 has no objective."""
    objectives = {
        o.objective: o for o in objective_statistics(item_statistics(ATTEMPTS, QUESTIONS))
    }
    assert set(objectives) == {"Trace a transaction", "Explain a UTXO"}
    trace, explain = objectives["Trace a transaction"], objectives["Explain a UTXO"]
    assert (trace.right, trace.answers, trace.weak) == (1, 5, True)
    assert (explain.right, explain.answers, explain.weak) == (10, 15, False)
    assert explain.share == pytest.approx(2 / 3)


def test_exactly_half_right_is_not_weak():
    attempts = [ScoredAttempt(50, {"q": R}), ScoredAttempt(40, {"q": W})]
    [objective] = objective_statistics(item_statistics(attempts, [QuestionInfo("q", "Q", "O")]))
    assert objective.share == 0.5 and not objective.weak


def test_only_attempts_that_drew_a_question_count_for_it():
    """q drawn by two of three attempts: totals 90 (right) and 30 (wrong): p = 0.5, s = 30,
    r = (90 − 30) / 30 · 0.5 = 1.0."""
    attempts = [
        ScoredAttempt(90, {"q": R}),
        ScoredAttempt(30, {"q": W}),
        ScoredAttempt(10, {"other": R}),
    ]
    [item] = item_statistics(attempts, [QuestionInfo("q", "Q")])
    assert (item.n, item.right) == (2, 1)
    assert item.discrimination == pytest.approx(1.0)


def test_discrimination_is_none_when_undefined():
    assert point_biserial([1], [50.0]) is None  # n < 2
    assert point_biserial([1, 0], [50.0, 50.0]) is None  # SD of the totals is 0
    assert point_biserial([0, 0], [10.0, 50.0]) is None  # everyone wrong


def test_point_biserial_equals_pearson_correlation():
    items, totals = [1, 0, 1, 1, 0, 0], [90.0, 35.0, 70.0, 55.0, 60.0, 20.0]
    n = len(items)
    mi, mt = sum(items) / n, sum(totals) / n
    cov = sum((i - mi) * (t - mt) for i, t in zip(items, totals, strict=True)) / n
    si = math.sqrt(sum((i - mi) ** 2 for i in items) / n)
    st = math.sqrt(sum((t - mt) ** 2 for t in totals) / n)
    assert point_biserial(items, totals) == pytest.approx(cov / (si * st))


def test_distribution_bins_mean_and_median():
    """100 falls in the last bin (90–100); 9.99 in the first; 89.99 in 80–89."""
    d = distribution([100, 80, 60, 40, 20])
    assert d.bins == [0, 0, 1, 0, 1, 0, 1, 0, 1, 1]
    assert (d.n, d.mean, d.median) == (5, 60, 60)
    edges = distribution([0, 9.99, 10, 89.99, 90, 100])
    assert edges.bins == [2, 1, 0, 0, 0, 0, 0, 0, 1, 2]
    assert distribution([50, 70]).median == 60
    empty = distribution([])
    assert (empty.n, empty.mean, empty.median, sum(empty.bins)) == (0, None, None, 0)
