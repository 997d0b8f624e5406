"""Knowledge gain against hand-computed values, and the hiding of small groups."""

from __future__ import annotations

import datetime as dt

import pytest

from assessments.gain import Pair, knowledge_gain, quarter_of

# officer, pre, post, region, agency. Regions A and B have three officers each, C one.
ROWS = [
    (1, 40, 80, "A", "X"),
    (2, 50, 70, "A", "X"),
    (3, 60, 90, "A", "X"),
    (4, 20, 60, "B", "Y"),
    (5, 30, 50, "B", "Y"),
    (6, 70, 100, "B", "Y"),
    (7, 50, 50, "C", "Z"),
]


def pairs(rows=ROWS, **extra):
    return [
        Pair(officer_id=o, pre=pre, post=post, region=r, agency=a, period="2026 Q1", **extra)
        for o, pre, post, r, a in rows
    ]


def test_total_gain_and_normalised_gain():
    """Mean pre (40+50+60+20+30+70+50)/7 = 320/7 = 45.714; mean post
    (80+70+90+60+50+100+50)/7 = 500/7 = 71.429; gain 180/7 = 25.714 points;
    ⟨g⟩ = (180/7) / (100 − 320/7) = 180/380 = 0.47368 (from the averages, not the mean of
    each officer's g)."""
    figures = knowledge_gain(pairs(), min_officers=3)
    total = figures.total
    assert (total.officers, total.pairs, total.hidden) == (7, 7, False)
    assert total.pre_mean == pytest.approx(320 / 7)
    assert total.post_mean == pytest.approx(500 / 7)
    assert total.gain == pytest.approx(180 / 7)
    assert total.normalised == pytest.approx(180 / 380)


def test_a_lone_small_group_hides_one_more_so_it_cannot_be_subtracted():
    """C (1 officer < 3) is hidden; with only C hidden, total − A − B would give C away, so the
    smallest other group is hidden too (A and B tie at 3 officers: A by name). B shows:
    pre (20+30+70)/3 = 40, post (60+50+100)/3 = 70, gain 30, ⟨g⟩ = 30/60 = 0.5."""
    figures = knowledge_gain(pairs(), min_officers=3)
    regions = {line.label: line for line in figures.by_region}
    assert regions["C"].hidden and regions["C"].pre_mean is None and regions["C"].gain is None
    assert regions["A"].hidden and regions["A"].normalised is None
    b = regions["B"]
    assert not b.hidden
    assert (b.pre_mean, b.post_mean, b.gain, b.normalised) == (40, 70, 30, 0.5)
    agencies = {line.label: line.hidden for line in figures.by_agency}
    assert agencies == {"X": True, "Y": False, "Z": True}


def test_two_small_groups_need_no_further_hiding():
    """A: pre (40+50+60)/3 = 50, post (80+70+90)/3 = 80: gain 30, ⟨g⟩ = 30/50 = 0.6."""
    rows = [*ROWS, (8, 10, 20, "D", "W")]
    figures = knowledge_gain(pairs(rows), min_officers=3)
    regions = {line.label: line for line in figures.by_region}
    assert [label for label, line in regions.items() if line.hidden] == ["C", "D"]
    assert regions["A"].gain == 30 and regions["A"].normalised == pytest.approx(0.6)


def test_a_total_under_the_threshold_hides_everything():
    figures = knowledge_gain(pairs(ROWS[:3]), min_officers=5)
    assert figures.total.hidden and figures.total.gain is None
    for _key, _title, lines in figures.groupings():
        assert all(line.hidden for line in lines)


def test_threshold_counts_distinct_officers_not_pairs():
    """Officer 1 twice (two workshops) and officer 2: two officers, three pairs."""
    rows = [(1, 40, 80, "A", "X"), (1, 60, 80, "A", "X"), (2, 50, 70, "A", "X")]
    figures = knowledge_gain(pairs(rows), min_officers=3)
    assert (figures.total.officers, figures.total.pairs, figures.total.hidden) == (2, 3, True)
    shown = knowledge_gain(pairs(rows), min_officers=2).total
    assert shown.pre_mean == 50 and shown.post_mean == pytest.approx(230 / 3)


def test_normalised_gain_is_none_when_the_pre_test_mean_is_100():
    rows = [(o, 100, 90, "A", "X") for o in range(1, 4)]
    total = knowledge_gain(pairs(rows), min_officers=3).total
    assert total.gain == -10 and total.normalised is None


def test_a_pair_counts_for_every_module_of_its_workshop():
    figures = knowledge_gain(pairs(modules=("Tracing", "Seizure")), min_officers=3)
    assert [(line.label, line.officers) for line in figures.by_module] == [
        ("Seizure", 7),
        ("Tracing", 7),
    ]


def test_periods_are_quarters_of_the_start_in_utc():
    plus_eight = dt.timezone(dt.timedelta(hours=8))
    assert quarter_of(dt.datetime(2026, 4, 1, 5, 0, tzinfo=plus_eight)) == "2026 Q1"
    assert quarter_of(dt.datetime(2026, 12, 31, 23, 0, tzinfo=dt.UTC)) == "2026 Q4"
    assert quarter_of(None) == ""
