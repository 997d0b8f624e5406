"""One figure, one value: the certificate, the training record, the exports, the report page and
its XLSX read the same training hours, seat use and ratings for the same scope."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import ROUND_HALF_UP, Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from attendance import services
from attendance.models import Certificate, Feedback
from attendance.pdf import render_certificate_pdf
from attendance.reports import training_record
from registrations.models import Registration
from reports.exports import ExportFilter, attendance_dataset
from reports.figures import program_figures
from reports.tabular import iter_csv, write_xlsx
from tests.factories import (
    ModuleFactory,
    ModuleRevisionFactory,
    OfficerFactory,
    RegistrationFactory,
    TrackFactory,
    WorkshopFactory,
)
from workshops.models import WorkshopModule

pytestmark = pytest.mark.django_db

REPORT = reverse("reports:program")
REPORT_XLSX = reverse("reports:program_xlsx")


def _days_ago(days: int, hour: int) -> dt.datetime:
    today = timezone.now().astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)
    return today.replace(hour=hour) - dt.timedelta(days=days)


@pytest.fixture
def two_day_workshop(region, trainer):
    """Two 8-hour days (16 h of sessions) teaching 8 h 30 of curriculum (330 + 180 minutes),
    capacity 75; two officers complete it, a third misses the second day."""
    workshop = WorkshopFactory(
        title="Two-day tracing",
        region=region,
        capacity=75,
        trainers=[trainer],
        sessions=[
            (_days_ago(3, 1), _days_ago(3, 9)),
            (_days_ago(2, 1), _days_ago(2, 9)),
        ],
    )
    track = TrackFactory(name="Blockchain forensics", slug="forensics")
    for position, minutes in enumerate([330, 180]):
        revision = ModuleRevisionFactory(
            module=ModuleFactory(track=track, duration_minutes=minutes), duration_minutes=minutes
        )
        WorkshopModule.objects.create(workshop=workshop, revision=revision, position=position)
    officers = [OfficerFactory(full_name=name) for name in ("Ana", "Ben", "Caz")]
    registrations = [RegistrationFactory(workshop=workshop, officer=o) for o in officers]
    marks = {registrations[0].pk: "present", registrations[1].pk: "late"}
    day_one, day_two = workshop.sessions.order_by("starts_at")
    services.record_marks(
        session_id=day_one.pk, by=trainer, marks={**marks, registrations[2].pk: "present"}
    )
    services.record_marks(
        session_id=day_two.pk, by=trainer, marks={**marks, registrations[2].pk: "absent"}
    )
    services.close_workshop(workshop_id=workshop.pk, by=trainer)
    return workshop


def _period(workshop) -> dict[str, str]:
    day = workshop.starts_at.date()
    return {"date_from": day.isoformat(), "date_to": (day + dt.timedelta(days=1)).isoformat()}


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _excel_shows(value: float, decimals: int = 1) -> Decimal:
    """What Excel displays for a number in a fixed-decimals format: the 15 significant digits it
    keeps, rounded half away from zero."""
    return Decimal(f"{value:.15g}").quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def test_a_workshop_counts_the_same_training_hours_everywhere(
    two_day_workshop, program_admin, client_for
):
    workshop = two_day_workshop
    ana = Registration.objects.get(workshop=workshop, officer__full_name="Ana")
    certificate = Certificate.objects.get(registration=ana)

    # The certificate: its frozen total and the PDF.
    assert certificate.training_hours == Decimal("8.5")
    assert re.search(r"Total hours\s*8\.5\b", _pdf_text(render_certificate_pdf(certificate)))
    # The officer's training record.
    record = training_record(ana.officer)
    assert record.total == Decimal("8.5")
    assert record.total_hours == "8.5"
    assert record.certificates[0].total_hours == "8.5"

    # The attendance export, CSV and XLSX: training hours credited, session time as such.
    flt = ExportFilter(workshop_id=workshop.pk)
    dataset = attendance_dataset(program_admin, flt, workshop=workshop)
    text = "".join(iter_csv(dataset.columns, dataset.rows))
    rows = {r["Officer"]: r for r in csv.DictReader(io.StringIO(text[1:]))}
    assert {name: r["Training hours"] for name, r in rows.items()} == {
        "Ana": "8.5",
        "Ben": "8.5",
        "Caz": "0.0",
    }
    assert rows["Ana"]["Session time attended (h)"] == "16.0"
    assert rows["Caz"]["Session time attended (h)"] == "8.0"
    buffer = io.BytesIO()
    dataset = attendance_dataset(program_admin, flt, workshop=workshop)
    write_xlsx(buffer, dataset.columns, dataset.rows)
    ws = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active
    header = [c.value for c in ws[1]]
    hours_col = header.index("Training hours")
    cells = {row[header.index("Officer")].value: row[hours_col] for row in ws.iter_rows(min_row=2)}
    assert cells["Ana"].data_type == "n" and cells["Ana"].value == 8.5
    assert cells["Ana"].number_format == "0.0"

    # The program report, its page and its XLSX, for this workshop's period.
    figures = program_figures(
        program_admin, start=workshop.starts_at.date(), end=workshop.starts_at.date()
    )
    assert figures.hours_total == Decimal("17.0")  # two officers × 8.5, as the export adds up
    assert figures.hours_total == sum(Decimal(r["Training hours"]) for r in rows.values())
    client = client_for(program_admin)
    page = client.get(REPORT, _period(workshop)).content.decode()
    assert re.search(r'kpi-value">17</div><div class="kpi-label">Training hours', page)
    workbook = openpyxl.load_workbook(
        io.BytesIO(b"".join(client.get(REPORT_XLSX, _period(workshop)).streaming_content))
    )
    summary = {r[0].value: r[1] for r in workbook["Summary"].iter_rows(min_row=2)}
    assert summary["Training hours"].value == 17
    assert summary["Training hours"].data_type == "n"


def test_seat_use_on_the_page_is_what_excel_shows(two_day_workshop, program_admin, client_for):
    # 2 confirmed of 75 seats is 2.666… %: a page that truncated would say 2.6 where Excel,
    # rounding, says 2.7.
    workshop = two_day_workshop
    Registration.objects.filter(workshop=workshop, officer__full_name="Caz").update(
        state=Registration.State.CANCELLED
    )
    client = client_for(program_admin)
    page = client.get(REPORT, _period(workshop)).content.decode()
    assert "2 / 75 (2.7 %)" in page
    workbook = openpyxl.load_workbook(
        io.BytesIO(b"".join(client.get(REPORT_XLSX, _period(workshop)).streaming_content))
    )
    ws = workbook["Workshops"]
    header = [c.value for c in ws[1]]
    cell = ws.cell(row=2, column=header.index("Seat use") + 1)
    assert cell.data_type == "n" and cell.number_format == "0.0%"
    assert cell.value == pytest.approx(2 / 75)
    assert _excel_shows(cell.value * 100) == Decimal("2.7")
    summary = {r[0].value: r[1] for r in workbook["Summary"].iter_rows(min_row=2)}
    assert summary["Seat use"].number_format == "0.0%"
    assert summary["Seat use"].value == pytest.approx(2 / 75)


def test_ratings_on_the_page_are_what_excel_shows_under_their_own_headers(
    two_day_workshop, program_admin, client_for, settings
):
    settings.FEEDBACK_MIN_ANSWERS = 2
    workshop = two_day_workshop
    ana, ben = Registration.objects.filter(
        workshop=workshop, officer__full_name__in=["Ana", "Ben"]
    ).order_by("officer__full_name")
    Feedback.objects.create(registration=ana, overall=5, trainer_rating=2)
    Feedback.objects.create(registration=ben, overall=4, trainer_rating=3)
    client = client_for(program_admin)
    page = client.get(REPORT, _period(workshop)).content.decode()
    # Overall 4.5, trainer 2.5: half up on the page, as in Excel.
    assert re.search(r'<td class="text-end">4\.5</td>\s*<td class="text-end">2\.5</td>', page)
    workbook = openpyxl.load_workbook(
        io.BytesIO(b"".join(client.get(REPORT_XLSX, _period(workshop)).streaming_content))
    )
    ws = workbook["Workshops"]
    line = dict(zip([c.value for c in ws[1]], ws[2], strict=True))
    assert "Trainers" not in line
    assert (line["Overall rating"].value, line["Trainer rating"].value) == (4.5, 2.5)
    assert line["Trainer rating"].number_format == "0.0"


def test_report_xlsx_stores_numbers_as_numbers_and_dates_as_dates(program, coordinator, client_for):
    response = client_for(coordinator).get(
        REPORT_XLSX, {"date_from": "2026-01-01", "date_to": "2030-12-31"}
    )
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    number = re.compile(r"^-?\d+([.,]\d+)?\s*%?$")
    for ws in workbook.worksheets:
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    assert not number.match(cell.value), (ws.title, cell.coordinate, cell.value)
    summary = {r[0].value: r[1].value for r in workbook["Summary"].iter_rows(min_row=2)}
    assert summary["Period start"] == dt.datetime(2026, 1, 1)
    assert summary["Workshops held"] == 2
    assert summary["Completion rate"] == pytest.approx(7 / 8)
    assert summary["Training hours"] == 18.5
    regions = workbook["Regions"]
    header = [c.value for c in regions[1]]
    apac = dict(zip(header, [c.value for c in regions[2]], strict=True))
    assert apac["Overall rating"] == pytest.approx(27 / 7)  # exact; shown as 3.9
    assert apac["Completion rate"] == pytest.approx(7 / 8)


def test_every_report_header_names_what_its_column_holds(program, coordinator, client_for):
    response = client_for(coordinator).get(
        REPORT_XLSX, {"date_from": "2026-01-01", "date_to": "2030-12-31"}
    )
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    for ws in workbook.worksheets:
        header = [c.value for c in ws[1]]
        for row in ws.iter_rows(min_row=2):
            for title, cell in zip(header, row, strict=True):
                if cell.value is None:
                    continue
                if title.endswith("rating"):
                    assert cell.number_format == "0.0" and 1 <= cell.value <= 5, title
                elif title in ("Completion rate", "Seat use"):
                    assert cell.number_format == "0.0%" and 0 <= cell.value <= 1, title
                elif title == "Training hours":
                    assert cell.number_format == "0.0" and cell.value >= 0
                elif title in (
                    "Workshops held",
                    "Attendees",
                    "Officers trained",
                    "Confirmed",
                    "Capacity",
                    "Waitlisted",
                    "Feedback answers",
                ):
                    assert isinstance(cell.value, int), title
                elif title.startswith("Starts"):
                    assert isinstance(cell.value, dt.datetime), title


def test_report_page_headers_name_ratings_and_seat_use(program, coordinator, client_for):
    page = client_for(coordinator).get(REPORT, {"year": 2026}).content.decode()
    headers = re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', page)
    assert "Trainers" not in headers
    assert {"Trainer rating", "Overall rating", "Seat use", "Training hours"} <= set(headers)


def test_officer_with_no_curriculum_workshop_is_credited_its_session_time(
    region, trainer, program_admin
):
    workshop = WorkshopFactory(
        region=region,
        trainers=[trainer],
        sessions=[(_days_ago(2, 1), _days_ago(2, 4)), (_days_ago(2, 5), _days_ago(2, 6))],
    )
    registration = RegistrationFactory(workshop=workshop)
    for session in workshop.sessions.all():
        services.record_marks(session_id=session.pk, by=trainer, marks={registration.pk: "present"})
    services.close_workshop(workshop_id=workshop.pk, by=trainer)
    certificate = Certificate.objects.get(registration=registration)
    day = workshop.starts_at.date()
    figures = program_figures(program_admin, start=day, end=day)
    assert certificate.training_hours == Decimal("4.0")
    assert training_record(registration.officer).total == Decimal("4.0")
    assert figures.hours_total == Decimal("4.0")
    assert figures.hours_by_track == [("—", Decimal("4.0"))]
