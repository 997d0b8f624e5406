from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from agencies.record import agency_summary, credited_hours_of
from attendees.models import Agency
from reports.exports import ExportFilter
from tests.factories import OfficerFactory, RegistrationFactory, TrainerFactory

pytestmark = pytest.mark.django_db


def _record(client, agency, **params):
    return client.get(reverse("agencies:record", args=[agency.pk]), params)


def _pairs(response) -> set[tuple[str, str]]:
    return {
        (line.registration.workshop.title, line.registration.officer.full_name)
        for line in response.context["lines"]
    }


# --- scope -----------------------------------------------------------------------------------


def test_workspace_for_each_role(
    agency, other_agency, focal_point, officer, coordinator, other_coordinator, program_admin
):
    def scope(user):
        return set(Agency.objects.workspace_for(user))

    assert scope(focal_point) == {agency}
    assert scope(officer) == set()
    assert scope(coordinator) == {agency}
    assert scope(other_coordinator) == {other_agency}
    assert scope(program_admin) == {agency, other_agency}
    assert scope(TrainerFactory()) == set()


def test_focal_point_of_another_agency_gets_404(client_for, record_world, other_agency):
    focal_b = OfficerFactory(agency=other_agency, is_focal_point=True)
    client = client_for(focal_b)
    assert _record(client, record_world.agency).status_code == 404
    export = reverse("agencies:record_export", args=[record_world.agency.pk, "attendance", "csv"])
    assert client.get(export).status_code == 404
    assert _record(client, other_agency).status_code == 200


@pytest.mark.parametrize("role", ["officer", "trainer"])
def test_officers_and_trainers_are_refused(request, client_for, record_world, role):
    user = request.getfixturevalue(role)
    assert _record(client_for(user), record_world.agency).status_code == 403


def test_coordinator_of_another_region_gets_404(client_for, record_world, other_coordinator):
    assert _record(client_for(other_coordinator), record_world.agency).status_code == 404


def test_program_admin_sees_every_agency(client_for, record_world, program_admin, other_agency):
    client = client_for(program_admin)
    assert _record(client, record_world.agency).status_code == 200
    assert _record(client, other_agency).status_code == 200


def test_unknown_section_or_export_kind(client_for, record_world, focal_point):
    client = client_for(focal_point)
    assert _record(client, record_world.agency, section="nope").context["section"] == (
        "registrations"
    )
    url = reverse("agencies:record_export", args=[record_world.agency.pk, "roster", "csv"])
    assert client.get(url).status_code == 404
    url = reverse("agencies:record_export", args=[record_world.agency.pk, "attendance", "pdf"])
    assert client.get(url).status_code == 404


# --- what the page shows ---------------------------------------------------------------------


def test_focal_point_sees_every_registration_of_the_agency(client_for, record_world, focal_point):
    response = _record(client_for(focal_point), record_world.agency)
    assert response.status_code == 200
    assert _pairs(response) == record_world.expected["focal"]["registrations"]
    body = response.content.decode()
    # Not another agency's officer, even on the same workshop.
    assert record_world.bob.email not in body
    assert "Bob Other" not in body
    hours = response.context["hours"]
    assert hours.total == record_world.expected["focal"]["hours"]
    assert hours.by_track == record_world.expected["focal"]["by_track"]


def test_registration_lines_carry_attendance_hours_and_certificate(
    client_for, record_world, focal_point
):
    response = _record(client_for(focal_point), record_world.agency)
    lines = {line.registration.pk: line for line in response.context["lines"]}
    alice_w1 = lines[record_world.a1.pk]
    assert (alice_w1.attended, alice_w1.registration.session_count) == (2, 2)
    assert alice_w1.hours == Decimal("2.0")
    certificate = record_world.a1.certificates.get()
    assert alice_w1.registration.certificate_number == certificate.number
    assert reverse("credentials:verify_number", args=[certificate.number]) in (
        response.content.decode()
    )
    bea_w1 = lines[record_world.b1.pk]
    assert (bea_w1.attended, bea_w1.hours) == (1, Decimal("0.0"))
    assert bea_w1.registration.certificate_number is None
    # Waitlisted, never marked: no attendance row.
    assert lines[record_world.a3.pk].attended is None
    assert "Nominated by Focal Point" in response.content.decode()


def test_coordinator_sees_the_agency_in_their_regions(client_for, record_world, coordinator):
    response = _record(client_for(coordinator), record_world.agency)
    assert response.status_code == 200
    assert "Forensics Lisbon" not in {t for t, _o in _pairs(response)}
    assert response.context["hours"].total == record_world.expected["coordinator"]["hours"]
    assert not response.context["own_agency"]
    assert reverse("agency_detail", args=[record_world.agency.pk]) in response.content.decode()


def test_filters_period_track_and_officer(client_for, record_world, focal_point):
    client = client_for(focal_point)
    start = record_world.w2.starts_at.date().isoformat()
    response = _record(client, record_world.agency, date_from=start)
    assert {t for t, _o in _pairs(response)} == {"Forensics Lisbon", "Tracing Singapore"}
    assert response.context["hours"].total == Decimal("1.5")

    response = _record(client, record_world.agency, track=record_world.crypto.pk)
    assert {t for t, _o in _pairs(response)} == {"Crypto basics", "Tracing Singapore"}
    assert response.context["hours"].by_track == [("Crypto fundamentals", Decimal("2.0"))]

    response = _record(client, record_world.agency, q="bea")
    assert _pairs(response) == {("Crypto basics", "Bea Lim"), ("Tracing Singapore", "Bea Lim")}

    response = _record(client, record_world.agency, section="officers", q="bea")
    assert [line.officer for line in response.context["lines"]] == [record_world.bea]


def test_an_end_before_the_start_is_refused_and_filters_nothing(
    client_for, record_world, focal_point
):
    response = _record(
        client_for(focal_point), record_world.agency, date_from="2026-05-01", date_to="2026-04-01"
    )
    assert response.status_code == 200
    assert "The end date is before the start date." in response.content.decode()
    assert _pairs(response) == record_world.expected["focal"]["registrations"]


def test_officers_section_shows_vetting_and_hours(client_for, record_world, focal_point, settings):
    response = _record(client_for(focal_point), record_world.agency, section="officers")
    lines = {line.officer.pk: line for line in response.context["lines"]}
    alice = lines[record_world.alice.pk]
    assert (alice.registrations, alice.hours) == (3, Decimal("3.5"))
    assert lines[record_world.cy.pk].hours == Decimal(0)
    assert alice.officer.access_state == "ok"
    assert record_world.alice.email in response.content.decode()


def test_certificates_section_lists_the_agency_certificates(client_for, record_world, focal_point):
    response = _record(client_for(focal_point), record_world.agency, section="certificates")
    numbers = {c.number for c in response.context["page"]}
    assert numbers == {
        record_world.a1.certificates.get().number,
        record_world.a2.certificates.get().number,
    }


# --- the agency's figures --------------------------------------------------------------------


@pytest.mark.parametrize("viewer", ["focal_point", "coordinator"])
def test_summary_figures_match_hand_computed_values(request, record_world, viewer):
    user = request.getfixturevalue(viewer)
    summary = agency_summary(
        user, record_world.agency, ExportFilter(agency_id=record_world.agency.pk)
    )
    assert (summary.reserved, summary.filled, summary.returned) == (5, 2, 1)
    assert summary.fill_rate == pytest.approx(0.4)
    assert (summary.offered, summary.accepted, summary.declined_by_officer) == (2, 1, 1)
    assert (summary.endorsed, summary.approved) == (2, 2)
    assert summary.no_shows == 1


def test_summary_of_another_region_is_empty(record_world, other_coordinator):
    summary = agency_summary(
        other_coordinator, record_world.agency, ExportFilter(agency_id=record_world.agency.pk)
    )
    assert (summary.reserved, summary.offered, summary.no_shows) == (0, 0, 0)
    assert summary.fill_rate is None


def test_hours_agree_with_the_officer_hours(record_world, focal_point):
    hours = credited_hours_of(focal_point, ExportFilter(agency_id=record_world.agency.pk))
    assert hours.by_officer == {record_world.alice.pk: Decimal("3.5")}


# --- query bounds ----------------------------------------------------------------------------


def _more(record_world, n: int) -> None:
    for i in range(n):
        officer = OfficerFactory(agency=record_world.agency, full_name=f"Extra {i:02d}")
        RegistrationFactory(workshop=record_world.w1, officer=officer)
        RegistrationFactory(workshop=record_world.w3, officer=officer, endorsed_by=officer)


@pytest.mark.parametrize("section", ["registrations", "officers", "certificates"])
def test_record_runs_a_bounded_number_of_queries(
    client_for, record_world, focal_point, django_assert_max_num_queries, section
):
    client = client_for(focal_point)
    with django_assert_max_num_queries(16):
        assert _record(client, record_world.agency, section=section).status_code == 200
    _more(record_world, 20)
    with django_assert_max_num_queries(16):
        assert _record(client, record_world.agency, section=section).status_code == 200
