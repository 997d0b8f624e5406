"""Focal points see and act on their own agency only."""

import pytest
from django.urls import reverse

from attendees import services
from attendees.models import User
from tests.factories import OfficerFactory
from trainingsite.errors import ServiceError

pytestmark = pytest.mark.django_db


def test_my_agency_lists_own_officers_only(
    client_for, focal_point, officer, pending_officer, other_agency_officer
):
    body = client_for(focal_point).get(reverse("my_agency")).content.decode()
    assert officer.full_name in body and pending_officer.email in body
    assert other_agency_officer.full_name not in body
    assert reverse("vetting_detail", args=[pending_officer.pk]) in body


def test_my_agency_search_with_a_nul_byte_is_no_error(client_for, focal_point, officer):
    response = client_for(focal_point).get(reverse("my_agency"), {"q": "Ali\x00ce"})
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [1, 20])
def test_my_agency_query_count_does_not_grow(
    client_for, focal_point, agency, rows, django_assert_max_num_queries
):
    OfficerFactory.create_batch(rows, agency=agency)
    for officer in OfficerFactory.create_batch(rows, agency=agency):
        User.objects.filter(pk=officer.pk).update(full_name=f"{officer.full_name} Renamed")
    client = client_for(focal_point)
    # One of them is the navigation's inbox badge (inbox.context_processors).
    with django_assert_max_num_queries(11):
        assert client.get(reverse("my_agency")).status_code == 200


def test_focal_point_approves_pending_officer_of_own_agency(
    client_for, focal_point, pending_officer
):
    client_for(focal_point).post(
        reverse("vetting_decide", args=[pending_officer.pk]), {"action": "approve"}
    )
    pending_officer.refresh_from_db()
    assert pending_officer.status == User.Status.VERIFIED


def test_focal_point_gets_404_on_other_agency(client_for, focal_point, other_agency):
    outsider = OfficerFactory(agency=other_agency, status=User.Status.PENDING)
    client = client_for(focal_point)
    assert client.get(reverse("vetting_detail", args=[outsider.pk])).status_code == 404
    response = client.post(reverse("vetting_decide", args=[outsider.pk]), {"action": "approve"})
    assert response.status_code == 404
    outsider.refresh_from_db()
    assert outsider.status == User.Status.PENDING


def test_focal_point_queue_is_own_agency_only(
    client_for, focal_point, pending_officer, other_agency
):
    outsider = OfficerFactory(agency=other_agency, status=User.Status.PENDING)
    body = client_for(focal_point).get(reverse("vetting_queue")).content.decode()
    assert pending_officer.full_name in body and outsider.full_name not in body


def test_focal_point_cannot_suspend(client_for, focal_point, officer):
    response = client_for(focal_point).post(
        reverse("vetting_decide", args=[officer.pk]), {"action": "suspend", "reason": "x"}
    )
    assert response.status_code == 400
    officer.refresh_from_db()
    assert officer.status == User.Status.VERIFIED


def test_focal_point_cannot_vet_self(focal_point, agency):
    focal_point.status = User.Status.PENDING
    with pytest.raises(ServiceError):
        services.approve_officer(officer_id=focal_point.pk, by=focal_point)


def test_officer_and_coordinator_without_agency_get_403_on_my_agency(
    client_for, officer, coordinator
):
    assert client_for(officer).get(reverse("my_agency")).status_code == 403
    assert client_for(coordinator).get(reverse("my_agency")).status_code == 403


def test_suspending_a_focal_point_removes_the_role(coordinator, focal_point):
    services.suspend_officer(officer_id=focal_point.pk, by=coordinator, reason="Left the unit")
    focal_point.refresh_from_db()
    assert not focal_point.is_focal_point
