"""Knowledge gain in the program report: figures against hand-computed values, region scoping,
hiding, and the page agreeing with the XLSX."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from audit.models import AuditEntry
from reports.figures import program_figures, rating
from reports.report_sheets import gain_rows
from tests.factories import OfficerFactory, RegistrationFactory

from .conftest import POST, PRE
from .factories import scored, workshop_test

pytestmark = pytest.mark.django_db

START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
PERIOD = {"date_from": "2026-01-01", "date_to": "2026-12-31"}


def test_gain_for_a_coordinator_is_their_regions_only(gain_world, coordinator):
    """W1 only (Asia-Pacific): pre (20+40+50+60+30+40)/6 = 240/6 = 40; post, the first
    officer's best post being 60 not 30: (60+80+70+90+60+100)/6 = 460/6 = 76.667; gain
    36.667 points; ⟨g⟩ = 36.667 / (100 − 40) = 0.61111. The officer with a pre-test alone is
    no pair."""
    gain = program_figures(coordinator, start=START, end=END).gain
    assert gain is not None
    total = gain.total
    assert (total.officers, total.hidden) == (6, False)
    assert total.pre_mean == pytest.approx(40)
    assert total.post_mean == pytest.approx(460 / 6)
    assert total.gain == pytest.approx(220 / 6)
    assert total.normalised == pytest.approx((220 / 6) / 60)
    assert [line.label for line in gain.by_region] == ["Asia-Pacific"]
    assert [line.label for line in gain.by_module] == ["Tracing basics"]
    assert [line.label for line in gain.by_track] == ["Crypto fundamentals"]
    assert [line.label for line in gain.by_agency] == ["Agency A"]
    assert [line.label for line in gain.by_period] == ["2026 Q1"]


def test_gain_for_a_program_admin_adds_every_region(gain_world, program_admin):
    """W1 and W2: pre (240 + 5·50)/11 = 490/11 = 44.545; post (460 + 5·75)/11 = 835/11 =
    75.909; gain 345/11 = 31.364; ⟨g⟩ = (345/11) / (100 − 490/11) = 345/610 = 0.56557.
    Europe: 50 → 75, gain 25, ⟨g⟩ = 25/50 = 0.5; W2 started in May: 2026 Q2."""
    gain = program_figures(program_admin, start=START, end=END).gain
    assert gain is not None
    assert gain.total.officers == 11
    assert gain.total.gain == pytest.approx(345 / 11)
    assert gain.total.normalised == pytest.approx(345 / 610)
    europe = {line.label: line for line in gain.by_region}["Europe"]
    assert (europe.pre_mean, europe.post_mean, europe.gain, europe.normalised) == (50, 75, 25, 0.5)
    assert {line.label for line in gain.by_period} == {"2026 Q1", "2026 Q2"}
    # The region filter narrows it like every other figure.
    only_europe = program_figures(
        program_admin, start=START, end=END, region_id=gain_world.w2.region_id
    ).gain
    assert only_europe is not None and only_europe.total.officers == 5


def test_a_small_agency_is_hidden_with_its_complement(gain_world, coordinator, other_agency):
    """A seventh W1 officer from agency B: agency B (1 officer < 5) is hidden; with one group
    hidden, agency A would be total − B, so it is hidden too. Region and total still show."""
    reg = RegistrationFactory(workshop=gain_world.w1, officer=OfficerFactory(agency=other_agency))
    scored(workshop_test(gain_world.w1, PRE), reg, 0)
    scored(workshop_test(gain_world.w1, POST), reg, 100)
    gain = program_figures(coordinator, start=START, end=END).gain
    assert gain is not None
    assert {line.label: line.hidden for line in gain.by_agency} == {
        "Agency A": True,
        "Agency B": True,
    }
    assert all(line.pre_mean is None for line in gain.by_agency)
    assert not gain.total.hidden and not gain.by_region[0].hidden


def test_the_page_hides_the_gain_under_the_threshold(gain_world, coordinator, client_for, settings):
    settings.FEEDBACK_MIN_ANSWERS = 7
    response = client_for(coordinator).get(reverse("reports:program"), PERIOD)
    body = response.content.decode()
    assert "Knowledge gain is shown once at least 7 officers" in body
    assert "data-gain-total" not in body


def test_page_and_xlsx_agree(gain_world, program_admin, client_for):
    client = client_for(program_admin)
    page = client.get(reverse("reports:program"), PERIOD)
    gain = page.context["figures"].gain
    body = page.content.decode()
    assert f"data-gain-total>{rating(gain.total.gain)}<" in body.replace(" ", "")
    for _key, _title, lines in gain.groupings():
        for line in lines:
            if not line.hidden:
                assert str(rating(line.pre_mean)) in body
    response = client.get(reverse("reports:program_xlsx"), PERIOD)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = openpyxl.load_workbook(io.BytesIO(content))["Knowledge gain"]
    rows = [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]
    # An empty text cell reads back as None.
    expected = [[None if v == "" else v for v in row] for row in gain_rows(gain)]
    assert len(rows) == len(expected) == 1 + sum(len(lines) for *_k, lines in gain.groupings())
    for got, want in zip(rows, expected, strict=True):
        assert got[:3] == want[:3]
        for g, w in zip(got[3:], want[3:], strict=True):
            assert g == (pytest.approx(w) if w is not None else None)
    # The formats show what the page shows: one decimal for points, a percent for ⟨g⟩.
    assert sheet.cell(row=2, column=6).number_format == "0.0"
    assert sheet.cell(row=2, column=7).number_format == "0.0%"


def test_report_query_count_with_pairs_is_constant(
    gain_world, program_admin, django_assert_max_num_queries
):
    with django_assert_max_num_queries(15):
        first = program_figures(program_admin, start=START, end=END)
    for _n in range(10):
        reg = RegistrationFactory(workshop=gain_world.w2, officer=OfficerFactory())
        scored(workshop_test(gain_world.w2, PRE), reg, 10)
        scored(workshop_test(gain_world.w2, POST), reg, 20)
    with django_assert_max_num_queries(15):
        more = program_figures(program_admin, start=START, end=END)
    assert more.gain.total.officers == first.gain.total.officers + 10


def test_csv_agrees_with_the_page(gain_world, program_admin, client_for):
    client = client_for(program_admin)
    gain = client.get(reverse("reports:program"), PERIOD).context["figures"].gain
    response = client.get(reverse("reports:program_gain_csv"), PERIOD)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["Grouping", "Group", "Officers"]
    expected = gain_rows(gain)
    assert len(rows) - 1 == len(expected)
    for got, want in zip(rows[1:], expected, strict=True):
        assert got[:3] == [str(v) for v in want[:3]]
        for g, w in zip(got[3:], want[3:], strict=True):
            assert (float(g) if g else None) == (pytest.approx(w) if w is not None else None)
    assert AuditEntry.objects.filter(action="export.knowledge-gain.csv").exists()
