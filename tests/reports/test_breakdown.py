"""The program report by agency and by country: hand-computed figures on a small program, the
sum of the lines, and agreement with the registrations and attendance exports."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import defaultdict
from decimal import Decimal
from types import SimpleNamespace

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from attendance import services
from attendance.models import WorkshopClosure
from attendees.models import User
from registrations.models import Registration, RegistrationEvent, SeatReservation
from reports.breakdown import FIGURES
from reports.exports import ExportFilter, attendance_dataset, registrations_dataset
from reports.figures import cached_program_figures, program_figures
from tests.factories import (
    AgencyFactory,
    ModuleRevisionFactory,
    OfficerFactory,
    RegistrationFactory,
    TrackFactory,
    WorkshopFactory,
)
from workshops.models import Workshop, WorkshopModule

pytestmark = pytest.mark.django_db

State = Registration.State
REPORT = reverse("reports:program")
REPORT_XLSX = reverse("reports:program_xlsx")


def _days(days: int, hour: int) -> dt.datetime:
    base = timezone.now().astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)
    return base.replace(hour=hour) + dt.timedelta(days=days)


def _with_module(workshop, minutes, track=None):
    revision = ModuleRevisionFactory(
        module__track=track or TrackFactory(), duration_minutes=minutes
    )
    WorkshopModule.objects.create(workshop=workshop, revision=revision, position=0)
    return workshop


@pytest.fixture
def small(region, other_region, agency, other_agency, trainer):
    """Agency A (Singapore, APAC), D (Singapore, APAC), B (Portugal, Europe).

    WA, APAC, two past sessions, 60 minutes of curriculum, closed: A's a1 attends both
    (completes, endorsed), a2 is marked absent twice and a3 never marked (two no-shows), a4
    cancelled; B's b1 attends one of two (attended, not completed). 4 seats were reserved for
    A and returned (a1 fills one: 3 returned unfilled).
    WB, APAC, past, not closed: D's d1 and d2 confirmed and endorsed, unmarked (no figure of
    attendance yet); 1 seat held for D (filled once, not twice).
    WC, APAC, upcoming: 3 seats held for A; A nominated n1 (accepted, confirmed), n2 (declined
    it), n3 (has not answered), n4 (withdrawn by the focal point); e1 asked and was endorsed,
    x1 registered without endorsement. 2 seats reserved for D were returned unfilled.
    """
    agency_d = AgencyFactory(name="Agency D", region=region, country="SG")
    focal = OfficerFactory(agency=agency, is_focal_point=True, full_name="Focal A")
    wa = _with_module(
        WorkshopFactory(
            title="WA",
            region=region,
            trainers=[trainer],
            sessions=[(_days(-3, 1), _days(-3, 3)), (_days(-2, 1), _days(-2, 3))],
        ),
        60,
    )
    a1, a2, a3, a4 = (OfficerFactory(agency=agency, full_name=f"A{n}") for n in range(1, 5))
    b1 = OfficerFactory(agency=other_agency, full_name="B1")
    regs = {o: RegistrationFactory(workshop=wa, officer=o) for o in (a1, a2, a3, b1)}
    Registration.objects.filter(pk=regs[a1].pk).update(endorsed_by=focal)
    RegistrationFactory(workshop=wa, officer=a4, state=State.CANCELLED)
    day_one, day_two = wa.sessions.order_by("starts_at")
    services.record_marks(
        session_id=day_one.pk,
        by=trainer,
        marks={regs[a1].pk: "present", regs[a2].pk: "absent", regs[b1].pk: "late"},
    )
    services.record_marks(
        session_id=day_two.pk,
        by=trainer,
        marks={regs[a1].pk: "present", regs[a2].pk: "absent", regs[b1].pk: "absent"},
    )
    services.close_workshop(workshop_id=wa.pk, by=trainer)
    SeatReservation.objects.create(
        workshop=wa, agency=agency, seats=4, until=_days(-5, 0), released_at=_days(-4, 0)
    )

    wb = _with_module(
        WorkshopFactory(title="WB", region=region, sessions=[(_days(-1, 1), _days(-1, 2))]), 30
    )
    for n in (1, 2):
        RegistrationFactory(
            workshop=wb,
            officer=OfficerFactory(agency=agency_d, full_name=f"D{n}"),
            endorsed_by=OfficerFactory(agency=agency_d, is_focal_point=True),
        )
    SeatReservation.objects.create(workshop=wb, agency=agency_d, seats=1, until=_days(-2, 0))

    wc = _with_module(
        WorkshopFactory(title="WC", region=region, sessions=[(_days(20, 1), _days(20, 3))]), 120
    )
    SeatReservation.objects.create(workshop=wc, agency=agency, seats=3, until=_days(10, 0))
    SeatReservation.objects.create(
        workshop=wc, agency=agency_d, seats=2, until=_days(-1, 0), released_at=_days(-1, 0)
    )
    n1, n2, n3, n4, e1, x1 = (
        OfficerFactory(agency=agency, full_name=name)
        for name in ("N1", "N2", "N3", "N4", "E1", "X1")
    )
    nominated = {"nominated_by": focal, "nominated_at": timezone.now()}
    RegistrationFactory(workshop=wc, officer=n1, endorsed_by=focal, **nominated)
    declined = RegistrationFactory(workshop=wc, officer=n2, state=State.DECLINED, **nominated)
    RegistrationEvent.objects.create(
        registration=declined, actor=n2, from_state=State.OFFERED, to_state=State.DECLINED
    )
    RegistrationFactory(workshop=wc, officer=n3, state=State.OFFERED, **nominated)
    withdrawn = RegistrationFactory(workshop=wc, officer=n4, state=State.CANCELLED, **nominated)
    RegistrationEvent.objects.create(
        registration=withdrawn, actor=focal, from_state=State.OFFERED, to_state=State.CANCELLED
    )
    RegistrationFactory(workshop=wc, officer=e1, endorsed_by=focal)
    RegistrationFactory(workshop=wc, officer=x1)

    # Officers without access today count nowhere in "officers".
    OfficerFactory(agency=agency, vetted_at=timezone.now() - dt.timedelta(days=800))
    OfficerFactory(agency=agency, status=User.Status.SUSPENDED)
    OfficerFactory(agency=agency, status=User.Status.PENDING, vetted_at=None)
    # A Europe agency with no activity: listed for the program admin only.
    AgencyFactory(name="Agency Quiet", region=other_region, country="NL")
    return SimpleNamespace(
        wa=wa, wb=wb, wc=wc, agency=agency, agency_d=agency_d, other_agency=other_agency
    )


def _span() -> dict:
    return {"start": (timezone.now() - dt.timedelta(days=30)).date(), "end": _days(60, 0).date()}


def _lines(figures) -> dict[str, dict]:
    return {a.name: {name: getattr(a, name) for name in FIGURES} for a in figures.agencies}


EXPECTED_A = {
    # a1, a2, a3, focal, a4, n1-n4, e1, x1; not the expired, suspended or pending officers.
    "officers": 11,
    "registrations": 10,  # WA: a1-a4; WC: n1-n4, e1, x1
    "confirmed": 6,  # a1, a2, a3, n1, e1, x1
    "attendees": 3,  # a1, a2, a3 (confirmed on the held WA)
    "attended": 1,
    "no_shows": 2,
    "completed": 1,
    "certificates": 1,
    "hours": Decimal("1.0"),
    "seats_reserved": 7,  # 4 on WA, 3 on WC
    "seats_filled": 3,  # a1 on WA; n1 and e1 on WC
    "seats_returned": 3,  # WA: 4 − 1
    "nominated": 4,
    "nominations_accepted": 1,
    "nominations_declined": 1,  # n2; n4 was withdrawn by the focal point
    "endorsed": 3,  # a1, n1, e1
}
EXPECTED_B = dict.fromkeys(EXPECTED_A, 0) | {
    "hours": Decimal(0),
    "officers": 1,
    "registrations": 1,
    "confirmed": 1,
    "attendees": 1,
    "attended": 1,
}
EXPECTED_D = dict.fromkeys(EXPECTED_A, 0) | {
    "hours": Decimal(0),
    "officers": 4,  # d1, d2 and their two focal points
    "registrations": 2,
    "confirmed": 2,
    "attendees": 2,  # confirmed on the held WB, whose attendance is not closed
    "seats_reserved": 3,  # 1 held on WB, 2 returned on WC
    "seats_filled": 1,  # two endorsed officers, one seat reserved
    "seats_returned": 2,
    "endorsed": 2,
}


def test_agency_lines_equal_hand_computed_values(small, coordinator):
    figures = program_figures(coordinator, **_span())
    lines = _lines(figures)
    # The coordinator's regions' agencies, and Agency B for its officer on an APAC workshop.
    assert set(lines) == {"Agency A", "Agency B", "Agency D"}
    assert lines["Agency A"] == EXPECTED_A
    assert lines["Agency B"] == EXPECTED_B
    assert lines["Agency D"] == EXPECTED_D
    by_name = {a.name: a for a in figures.agencies}
    assert by_name["Agency A"].fill_rate == pytest.approx(3 / 7)
    assert by_name["Agency A"].seats_held_open == 1  # WC: 3 held, 2 filled
    assert by_name["Agency B"].fill_rate is None
    assert [a.name for a in figures.agencies] == ["Agency A", "Agency D", "Agency B"]
    assert {a.name: a.managed for a in figures.agencies} == {
        "Agency A": True,
        "Agency D": True,
        "Agency B": False,
    }


def test_country_lines_are_the_sums_of_their_agencies(small, coordinator):
    figures = program_figures(coordinator, **_span())
    countries = {c.country: c for c in figures.countries}
    assert list(countries) == ["SG", "PT"]
    for code, agencies in (("SG", ["Agency A", "Agency D"]), ("PT", ["Agency B"])):
        lines = [a for a in figures.agencies if a.name in agencies]
        assert countries[code].agencies == len(agencies)
        for name in FIGURES:
            assert getattr(countries[code], name) == sum(getattr(a, name) for a in lines), name
    assert countries["SG"].seats_returned == 5
    assert countries["SG"].fill_rate == pytest.approx(4 / 10)
    assert countries["SG"].country_name == "Singapore"


def test_agency_lines_add_up_to_the_report_totals(small, program_admin):
    figures = program_figures(program_admin, **_span())
    assert "Agency Quiet" in _lines(figures)  # the program admin's scope lists every agency
    total = {name: sum(getattr(a, name) for a in figures.agencies) for name in FIGURES}
    assert total["attendees"] == figures.attendees
    assert total["completed"] == figures.completed
    assert total["confirmed"] == figures.confirmed
    assert total["hours"] == figures.hours_total
    assert sum(c.registrations for c in figures.countries) == total["registrations"]
    reached = {a.name for a in figures.agencies if a.attended}
    assert len(reached) == figures.agencies_reached  # every held workshop is closed here


def test_a_coordinator_sees_only_their_regions_workshops(
    small, other_coordinator, other_region, trainer
):
    # A Europe workshop where an APAC agency's officer is confirmed: Agency A's line for the
    # Europe coordinator holds that registration only.
    europe = _with_module(
        WorkshopFactory(region=other_region, sessions=[(_days(5, 1), _days(5, 2))]), 60
    )
    RegistrationFactory(workshop=europe, officer=OfficerFactory(agency=small.agency))
    lines = _lines(program_figures(other_coordinator, **_span()))
    assert lines["Agency A"]["registrations"] == 1
    assert lines["Agency A"]["seats_reserved"] == 0
    assert "Agency D" not in lines
    assert lines["Agency Quiet"]["registrations"] == 0  # their region's agency, listed


def _export_rows(dataset) -> list[dict]:
    titles = [c.title for c in dataset.columns]
    return [dict(zip(titles, row, strict=True)) for row in dataset.rows]


def _scheduled_rows(build, user, start, end) -> list[dict]:
    """The export's rows for the report's workshops: published or completed, in the period."""
    rows = []
    for status in (Workshop.Status.PUBLISHED, Workshop.Status.COMPLETED):
        flt = ExportFilter(date_from=start.isoformat(), date_to=end.isoformat(), status=status)
        rows += _export_rows(build(user, flt))
    return rows


@pytest.mark.parametrize("who", ["coordinator", "program_admin"])
def test_agency_lines_agree_with_the_registrations_and_attendance_exports(
    small, program, who, request
):
    user = request.getfixturevalue(who)
    # The `program` workshops W1 and W3 are closed, W2 not; W1 gains a confirmed no-show.
    for workshop in (program.w1, program.w3):
        WorkshopClosure.objects.update_or_create(
            workshop=workshop, defaults={"closed_at": timezone.now()}
        )
    RegistrationFactory(workshop=program.w1, officer=OfficerFactory(agency=small.agency_d))
    start, end = dt.date(2026, 1, 1), _days(60, 0).date()
    figures = program_figures(user, start=start, end=end)
    lines = {a.name: a for a in figures.agencies}

    registrations = _scheduled_rows(registrations_dataset, user, start, end)
    by_agency: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    state_of = {}
    for row in registrations:
        line = by_agency[row["Agency"]]
        line["registrations"] += 1
        line["confirmed"] += row["State"] == State.CONFIRMED.label
        state_of[(row["Workshop"], row["E-mail"])] = row["State"]

    now = timezone.now()
    closed = set(
        WorkshopClosure.objects.closed().values_list("workshop__title", flat=True).distinct()
    )
    for row in _scheduled_rows(attendance_dataset, user, start, end):
        if row["Ends (workshop time)"] > now:
            continue  # not held: no attendance figure yet
        line = by_agency[row["Agency"]]
        line["attendees"] += 1
        line["completed"] += row["Completed"] == "yes"
        line["certificates"] += bool(row["Certificate number"])
        line["hours"] += row["Training hours"]
        if row["Workshop"] in closed:
            attended = row["Sessions attended"] > 0
            line["attended"] += attended
            confirmed = state_of[(row["Workshop"], row["E-mail"])] == State.CONFIRMED.label
            line["no_shows"] += confirmed and not attended

    assert by_agency, "the exports hold rows"
    for name, exported in by_agency.items():
        line = lines[name]
        for figure, value in exported.items():
            assert getattr(line, figure) == value, (name, figure)
    # Agencies the exports do not name have nothing the exports would show.
    for name, line in lines.items():
        if name not in by_agency:
            assert (line.registrations, line.attendees, line.hours) == (0, 0, 0)
    assert lines["Agency D"].no_shows == 1
    assert lines["Agency A"].no_shows == 2  # WA's two; Bob attended one session of W1


def test_the_track_filter_narrows_the_breakdown(small, coordinator):
    track = small.wc.workshop_modules.get().revision.module.track
    figures = program_figures(coordinator, **_span(), track_id=track.pk)
    assert [w.title for w in figures.workshops] == ["WC"]
    lines = _lines(figures)
    assert lines["Agency A"]["registrations"] == 6
    assert lines["Agency A"]["seats_reserved"] == 3
    assert lines["Agency D"]["seats_returned"] == 2
    assert "Agency B" not in lines  # not of these regions, no officer on WC
    assert cached_program_figures(coordinator, **_span(), track_id=track.pk) != (
        cached_program_figures(coordinator, **_span())
    )


def test_breakdown_query_count_does_not_grow_with_agencies(
    small, coordinator, region, django_assert_max_num_queries
):
    with django_assert_max_num_queries(15):
        program_figures(coordinator, **_span())
    for n in range(15):
        extra = AgencyFactory(name=f"Extra {n}", region=region)
        RegistrationFactory(workshop=small.wc, officer=OfficerFactory(agency=extra))
        SeatReservation.objects.create(workshop=small.wc, agency=extra, seats=2, until=_days(9, 0))
    with django_assert_max_num_queries(15):
        figures = program_figures(coordinator, **_span())
    assert len(figures.agencies) == 18


def test_report_page_shows_the_top_agencies_then_all(small, coordinator, region, client_for):
    for n in range(12):
        extra = AgencyFactory(name=f"Extra {n:02d}", region=region, country="MY")
        RegistrationFactory(workshop=small.wc, officer=OfficerFactory(agency=extra))
    client = client_for(coordinator)
    params = {"date_from": _span()["start"].isoformat(), "date_to": _span()["end"].isoformat()}
    page = client.get(REPORT, params).content.decode()
    assert "By agency" in page and "By country" in page
    assert "Agency A" in page and "Malaysia" in page
    assert page.count('data-label="Registrations"') == 10 + 3  # 10 agencies, 3 countries
    assert "Show all 15 agencies" in page
    assert "11 officers with access" in page  # Agency A
    page = client.get(REPORT, {**params, "agencies": "all"}).content.decode()
    assert page.count('data-label="Registrations"') == 15 + 3
    assert "Show all" not in page
    # Agency A's reserved seats filled.
    assert re.search(r">3 / 7</span> <span[^>]*>\(42\.9 %\)</span>", page)


def test_report_xlsx_breakdown_sheets_are_typed_and_formula_safe(small, coordinator, client_for):
    small.agency_d.name = '=HYPERLINK("http://x")'
    small.agency_d.save()
    params = {"date_from": _span()["start"].isoformat(), "date_to": _span()["end"].isoformat()}
    response = client_for(coordinator).get(REPORT_XLSX, params)
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook["By agency"]
    header = [c.value for c in sheet[1]]
    rows = {row[0].value: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)}
    a = rows["Agency A"]
    assert a["Country"].value == "SG"
    assert (a["Seats reserved"].value, a["Seats filled"].value) == (7, 3)
    assert a["Fill rate"].number_format == "0.0%"
    assert a["Fill rate"].value == pytest.approx(3 / 7)
    assert a["Training hours"].value == 1 and a["Training hours"].number_format == "0.0"
    assert a["No-shows"].value == 2 and a["No-shows"].data_type == "n"
    formula = rows['=HYPERLINK("http://x")']["Agency"]
    assert formula.data_type == "s"
    countries = workbook["By country"]
    header = [c.value for c in countries[1]]
    sg = dict(zip(header, [c.value for c in countries[2]], strict=True))
    assert (sg["Country"], sg["Country name"], sg["Agencies"]) == ("SG", "Singapore", 2)
    assert sg["Returned unfilled"] == 5


def test_report_track_filter_is_checked_and_reaches_the_xlsx(small, coordinator, client_for):
    client = client_for(coordinator)
    response = client.get(REPORT, {"year": 2026, "track": 999999})
    assert response.status_code == 200
    assert response.context["figures"] is None
    assert "track" in response.context["form"].errors
    assert client.get(REPORT_XLSX, {"year": 2026, "track": "x"}).status_code == 302
    track = small.wc.workshop_modules.get().revision.module.track
    params = {
        "date_from": _span()["start"].isoformat(),
        "date_to": _span()["end"].isoformat(),
        "track": track.pk,
    }
    response = client.get(REPORT_XLSX, params)
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    titles = [row[0] for row in workbook["Workshops"].iter_rows(min_row=2, values_only=True)]
    assert titles == ["WC"]
