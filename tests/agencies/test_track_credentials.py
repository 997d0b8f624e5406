"""Track credentials in the agency workspace: the record's Certificates section, the home's
count of certificates expiring soon, and the exports beside them."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from agencies.record import record_certificates, track_credentials_in_scope
from attendance.models import Certificate
from reports.exports import ExportFilter
from tests.factories import OfficerFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def _credential(holder, track, *, issued_days_ago: int = 3, expires_in_days: int | None = None):
    now = timezone.now()
    return Certificate.objects.create(
        holder=holder,
        track=track,
        issued_at=now - dt.timedelta(days=issued_days_ago),
        expires_at=now + dt.timedelta(days=expires_in_days) if expires_in_days else None,
        printed={
            "kind": "track",
            "officer_name": holder.full_name,
            "agency": holder.agency.name,
            "track_name": track.name,
            "track_id": track.pk,
            "modules": [{"title": "Tracing", "minutes": 210, "workshop_title": "Crypto basics"}],
            "total_minutes": 210,
        },
    )


def _record(client, agency, **params):
    return client.get(
        reverse("agencies:record", args=[agency.pk]), {"section": "certificates", **params}
    )


def _numbers(response) -> set[str]:
    return {c.number for c in response.context["page"]}


def _workshop_numbers(world) -> set[str]:
    return {world.a1.certificates.get().number, world.a2.certificates.get().number}


@pytest.fixture
def credentials(record_world):
    """Alice (agency A) holds the crypto track's credential; Bob (agency B) holds one too."""
    return {
        "alice": _credential(record_world.alice, record_world.crypto, issued_days_ago=5),
        "bob": _credential(record_world.bob, record_world.crypto, issued_days_ago=5),
    }


# --- who sees what ---------------------------------------------------------------------------


def test_focal_point_sees_their_officers_track_credential_not_another_agencys(
    client_for, record_world, credentials, focal_point
):
    response = _record(client_for(focal_point), record_world.agency)
    assert response.status_code == 200
    assert _numbers(response) == _workshop_numbers(record_world) | {credentials["alice"].number}
    body = response.content.decode()
    assert "Workshop or track" in body
    assert "Track credential" in body
    assert "Crypto fundamentals" in body
    assert reverse("credentials:verify_number", args=[credentials["alice"].number]) in body
    assert credentials["bob"].number not in body
    assert "Bob Other" not in body


def test_focal_point_of_the_other_agency_sees_only_theirs(
    client_for, record_world, credentials, other_agency
):
    focal_b = OfficerFactory(agency=other_agency, is_focal_point=True, full_name="Focal B")
    response = _record(client_for(focal_b), other_agency)
    assert _numbers(response) == {credentials["bob"].number}


def test_coordinator_of_the_region_sees_the_track_credential(
    client_for, record_world, credentials, coordinator
):
    response = _record(client_for(coordinator), record_world.agency)
    # Lisbon's workshop certificate is outside the coordinator's regions; the credential of
    # an officer of an agency of their region is not.
    assert _numbers(response) == {
        record_world.a1.certificates.get().number,
        credentials["alice"].number,
    }


def test_program_admin_sees_every_agencys_credentials(
    client_for, record_world, credentials, program_admin, other_agency
):
    client = client_for(program_admin)
    assert credentials["alice"].number in _numbers(_record(client, record_world.agency))
    assert _numbers(_record(client, other_agency)) == {credentials["bob"].number}


@pytest.mark.parametrize("role", ["officer", "trainer"])
def test_officers_and_trainers_are_refused(request, client_for, record_world, credentials, role):
    user = request.getfixturevalue(role)
    assert _record(client_for(user), record_world.agency).status_code == 403


def test_coordinator_of_another_region_gets_404(
    client_for, record_world, credentials, other_coordinator
):
    assert _record(client_for(other_coordinator), record_world.agency).status_code == 404


def test_the_scope_ignores_a_forged_agency(record_world, credentials, focal_point, coordinator):
    forged = ExportFilter(agency_id=record_world.bob.agency_id)
    assert not track_credentials_in_scope(focal_point, forged).exists()
    assert not track_credentials_in_scope(coordinator, forged).exists()
    assert not record_certificates(focal_point, forged).exists()


def test_a_revoked_credential_is_not_listed(client_for, record_world, credentials, focal_point):
    Certificate.objects.filter(pk=credentials["alice"].pk).update(revoked_at=timezone.now())
    response = _record(client_for(focal_point), record_world.agency)
    assert _numbers(response) == _workshop_numbers(record_world)


def test_expiry_is_shown_for_a_track_credential(client_for, record_world, focal_point):
    credential = _credential(record_world.alice, record_world.forensics, expires_in_days=10)
    response = _record(client_for(focal_point), record_world.agency)
    row = next(c for c in response.context["page"] if c.pk == credential.pk)
    assert row.expiry_state == "expiring"
    assert "Expires soon" in response.content.decode()


# --- filters ---------------------------------------------------------------------------------


def test_the_track_filter_reads_the_credentials_own_track(
    client_for, record_world, credentials, focal_point
):
    forensics = _credential(record_world.alice, record_world.forensics)
    client = client_for(focal_point)
    response = _record(client, record_world.agency, track=record_world.crypto.pk)
    assert _numbers(response) == {
        record_world.a1.certificates.get().number,
        credentials["alice"].number,
    }
    response = _record(client, record_world.agency, track=record_world.forensics.pk)
    assert _numbers(response) == {record_world.a2.certificates.get().number, forensics.number}


def test_the_period_reads_the_date_of_issue(client_for, record_world, credentials, focal_point):
    client = client_for(focal_point)
    issued = credentials["alice"].issued_at.astimezone(dt.UTC).date()
    # Every workshop started before this day: only the credential is in the period.
    response = _record(client, record_world.agency, date_from=issued.isoformat())
    assert _numbers(response) == {credentials["alice"].number}
    assert "track credentials by their date of issue" in response.content.decode()
    response = _record(
        client, record_world.agency, date_from=issued.isoformat(), date_to=issued.isoformat()
    )
    assert _numbers(response) == {credentials["alice"].number}
    day_after = (issued + dt.timedelta(days=1)).isoformat()
    assert _numbers(_record(client, record_world.agency, date_from=day_after)) == set()
    # A period ending the day before: the workshops of that time, not the credential.
    day_before = (issued - dt.timedelta(days=1)).isoformat()
    response = _record(client, record_world.agency, date_to=day_before)
    assert _numbers(response) == _workshop_numbers(record_world)


def test_the_officer_search_reads_the_holder(client_for, record_world, credentials, focal_point):
    client = client_for(focal_point)
    assert _numbers(_record(client, record_world.agency, q="bea")) == set()
    assert credentials["alice"].number in _numbers(_record(client, record_world.agency, q="alice"))


def test_filters_on_a_workshop_leave_track_credentials_out(record_world, credentials, focal_point):
    agency = record_world.agency.pk
    assert track_credentials_in_scope(focal_point, ExportFilter(agency_id=agency)).exists()
    for narrowed in (
        ExportFilter(agency_id=agency, workshop_id=record_world.w1.pk),
        ExportFilter(agency_id=agency, region_ids=[record_world.w1.region_id]),
        ExportFilter(agency_id=agency, country="SG"),
        ExportFilter(agency_id=agency, status="completed"),
    ):
        assert not track_credentials_in_scope(focal_point, narrowed).exists()


# --- the home --------------------------------------------------------------------------------


def test_the_home_counts_a_track_credential_expiring_soon(client_for, record_world, focal_point):
    soon = _credential(record_world.alice, record_world.crypto, expires_in_days=10)
    _credential(record_world.bea, record_world.crypto, expires_in_days=200)
    # Another agency's, an expired one, a revoked one: not counted.
    _credential(record_world.bob, record_world.crypto, expires_in_days=10)
    expired = _credential(record_world.cy, record_world.crypto)
    Certificate.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    revoked = _credential(record_world.dan, record_world.crypto, expires_in_days=10)
    Certificate.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())
    client = client_for(focal_point)
    response = client.get(reverse("agencies:home"))
    assert response.context["overview"].certificates_expiring == 1
    assert "1 certificate expires in the next" in response.content.decode()
    # The record the count links to lists the same credential as expiring.
    record = _record(client, record_world.agency)
    assert {c.pk for c in record.context["page"] if c.expiry_state == "expiring"} == {soon.pk}


# --- exports ---------------------------------------------------------------------------------


def _csv(client, agency, kind: str, **params) -> list[dict[str, str]]:
    response = client.get(reverse("agencies:record_export", args=[agency.pk, kind, "csv"]), params)
    assert response.status_code == 200, response.status_code
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("viewer", ["focal_point", "coordinator", "program_admin"])
@pytest.mark.parametrize("params", [{}, {"track": "crypto"}, {"q": "alice"}])
def test_exports_agree_with_the_certificates_section(
    request, client_for, record_world, credentials, viewer, params
):
    """The attendance export (one row per officer and workshop) carries each row's workshop
    certificate: the section's workshop certificates, the track credentials beside them."""
    client = client_for(request.getfixturevalue(viewer))
    if "track" in params:
        params = {"track": record_world.crypto.pk}
    page = list(_record(client, record_world.agency, **params).context["page"])
    attendance = _csv(client, record_world.agency, "attendance", **params)
    exported = {r["Certificate number"] for r in attendance if r["Certificate number"]}
    assert exported == {c.number for c in page if not c.is_track_credential}
    assert {(c.holder.full_name, c.track.name) for c in page if c.is_track_credential} == {
        ("Alice Tan", "Crypto fundamentals")
    }
    assert credentials["alice"].number not in {r["Certificate number"] for r in attendance}


# --- query bounds ----------------------------------------------------------------------------


def _more_credentials(record_world, n: int) -> None:
    for i in range(n):
        officer = OfficerFactory(agency=record_world.agency, full_name=f"Extra {i:02d}")
        registration = RegistrationFactory(workshop=record_world.w1, officer=officer)
        Certificate.objects.create(registration=registration, holder=officer)
        _credential(officer, record_world.crypto, expires_in_days=i + 1)


def test_the_certificates_section_runs_a_bounded_number_of_queries(
    client_for, record_world, focal_point, django_assert_max_num_queries
):
    client = client_for(focal_point)
    _more_credentials(record_world, 1)
    with django_assert_max_num_queries(16):
        assert _record(client, record_world.agency).status_code == 200
    _more_credentials(record_world, 20)
    with django_assert_max_num_queries(16):
        response = _record(client, record_world.agency)
    assert response.status_code == 200
    assert len(response.context["page"]) == 25
