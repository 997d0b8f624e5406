from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from audit.models import AuditEntry
from reports.exports import ExportFilter, registrations_dataset
from reports.models import ExportJob
from tests.factories import OfficerFactory

pytestmark = pytest.mark.django_db


def _csv(client, agency, kind: str, **params) -> list[dict[str, str]]:
    response = client.get(reverse("agencies:record_export", args=[agency.pk, kind, "csv"]), params)
    assert response.status_code == 200, response.status_code
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def _page(client, agency, **params):
    return client.get(reverse("agencies:record", args=[agency.pk]), params)


@pytest.mark.parametrize("viewer", ["focal_point", "coordinator", "program_admin"])
@pytest.mark.parametrize("params", [{}, {"track": "crypto"}, {"q": "alice"}])
def test_exports_agree_with_the_record_page(request, client_for, record_world, viewer, params):
    client = client_for(request.getfixturevalue(viewer))
    if "track" in params:
        params = {"track": record_world.crypto.pk}
    page = _page(client, record_world.agency, **params)
    shown = {
        (line.registration.workshop.title, line.registration.officer.full_name)
        for line in page.context["lines"]
    }
    registrations = _csv(client, record_world.agency, "registrations", **params)
    assert {(r["Workshop"], r["Officer"]) for r in registrations} == shown
    assert len(registrations) == len(shown)

    attendance = _csv(client, record_world.agency, "attendance", **params)
    hours = page.context["hours"]
    assert sum(Decimal(r["Training hours"]) for r in attendance) == hours.total
    by_track: dict[str, Decimal] = {}
    for row in attendance:
        if row["Completed"] == "yes":
            by_track[row["Track"]] = by_track.get(row["Track"], Decimal(0)) + Decimal(
                row["Training hours"]
            )
    assert by_track == dict(hours.by_track)
    # Every attendance row is a registration the page lists with attendance.
    with_attendance = {
        (line.registration.workshop.title, line.registration.officer.full_name)
        for line in page.context["lines"]
        if line.attended is not None
    }
    assert {(r["Workshop"], r["Officer"]) for r in attendance} == with_attendance


def test_a_focal_point_export_holds_only_their_agency(client_for, record_world, focal_point):
    rows = _csv(client_for(focal_point), record_world.agency, "registrations")
    assert {r["Agency"] for r in rows} == {record_world.agency.name}
    assert record_world.bob.email not in {r["E-mail"] for r in rows}
    # Whatever the workshop's region: Lisbon is outside the agency's region.
    assert ("Forensics Lisbon", "Alice Tan") in {(r["Workshop"], r["Officer"]) for r in rows}


def test_the_export_scope_of_a_focal_point_ignores_a_forged_agency(record_world, focal_point):
    dataset = registrations_dataset(focal_point, ExportFilter(agency_id=record_world.bob.agency_id))
    assert dataset.count == 0


def test_a_focal_point_of_the_other_agency_exports_only_theirs(
    client_for, record_world, other_agency
):
    focal_b = OfficerFactory(agency=other_agency, is_focal_point=True, full_name="Focal B")
    rows = _csv(client_for(focal_b), other_agency, "attendance")
    assert {r["Officer"] for r in rows} == {"Bob Other"}


def test_exports_are_audited_with_the_agency(client_for, record_world, focal_point):
    _csv(client_for(focal_point), record_world.agency, "attendance", q="alice")
    entry = AuditEntry.objects.get(action="export.attendance.csv")
    assert entry.actor == focal_point
    assert (entry.target_type, entry.target_id) == ("attendees.agency", str(record_world.agency.pk))
    assert entry.data["filters"] == {
        "agency_id": record_world.agency.pk,
        "officer_search": "alice",
    }
    assert entry.data["rows"] == 2  # W1 and W2; a waitlist place is no attendance row


def test_xlsx_export_is_a_workbook(client_for, record_world, coordinator):
    url = reverse("agencies:record_export", args=[record_world.agency.pk, "registrations", "xlsx"])
    response = client_for(coordinator).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:2] == b"PK"


def test_a_large_export_is_queued_and_its_link_works_for_the_focal_point(
    client_for, record_world, focal_point, settings, django_capture_on_commit_callbacks
):
    settings.REPORTS_ASYNC_EXPORT_ROWS = 1
    client = client_for(focal_point)
    url = reverse("agencies:record_export", args=[record_world.agency.pk, "attendance", "csv"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("agencies:record", args=[record_world.agency.pk])
    job = ExportJob.objects.get(requested_by=focal_point)
    assert job.status == ExportJob.Status.DONE
    assert mail.outbox[0].to == [focal_point.email]
    link = next(w for w in mail.outbox[0].body.split() if "/reports/exports/download/" in w)
    download = client.get(link[link.index("/reports/") :])
    assert download.status_code == 200
    body = b"".join(download.streaming_content).decode("utf-8-sig")
    assert "Alice Tan" in body and "Bob Other" not in body
