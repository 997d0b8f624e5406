"""Coordinators manage agencies of their regions: status, domains, vetting mode, focal points."""

import pytest
from django.urls import reverse

from attendees.models import Agency, AgencyDomain, AgencyEvent, User, VettingDecision
from attendees.models.access import AccessState
from tests.factories import AgencyFactory, OfficerFactory

pytestmark = pytest.mark.django_db


def test_list_shows_only_agencies_of_coordinators_regions(
    client_for, coordinator, agency, other_agency
):
    body = client_for(coordinator).get(reverse("agency_list")).content.decode()
    assert agency.name in body and other_agency.name not in body


def test_program_admin_sees_every_region(client_for, program_admin, agency, other_agency):
    body = client_for(program_admin).get(reverse("agency_list")).content.decode()
    assert agency.name in body and other_agency.name in body


def test_list_search_and_state_filter(client_for, coordinator, agency, region):
    suspended = AgencyFactory(name="Sleepy Bureau", region=region, is_active=False)
    client = client_for(coordinator)
    body = client.get(reverse("agency_list"), {"q": "sleepy"}).content.decode()
    assert suspended.name in body and agency.name not in body
    body = client.get(reverse("agency_list"), {"state": "active"}).content.decode()
    assert agency.name in body and suspended.name not in body
    domain = agency.domains.first().domain
    assert agency.name in client.get(reverse("agency_list"), {"q": domain}).content.decode()


@pytest.mark.parametrize("rows", [1, 20])
def test_list_query_count_does_not_grow(
    client_for, coordinator, region, rows, django_assert_max_num_queries
):
    for _ in range(rows):
        OfficerFactory(agency=AgencyFactory(region=region))
    client = client_for(coordinator)
    with django_assert_max_num_queries(9):
        assert client.get(reverse("agency_list")).status_code == 200


def test_other_region_agency_is_404(client_for, coordinator, other_agency):
    client = client_for(coordinator)
    assert client.get(reverse("agency_detail", args=[other_agency.pk])).status_code == 404
    response = client.post(reverse("agency_status", args=[other_agency.pk]), {"reason": "x"})
    assert response.status_code == 404
    other_agency.refresh_from_db()
    assert other_agency.is_active


def test_add_domain_records_event(client_for, coordinator, agency):
    response = client_for(coordinator).post(
        reverse("agency_domain_add", args=[agency.pk]), {"domain": " @Cyber.Agency-A.gov "}
    )
    assert response.status_code == 302
    assert agency.domains.filter(domain="cyber.agency-a.gov").exists()
    event = agency.events.get()
    assert (event.action, event.by, event.detail) == (
        AgencyEvent.Action.DOMAIN_ADDED,
        coordinator,
        "cyber.agency-a.gov",
    )


def test_domain_of_another_agency_is_refused_clearly(client_for, coordinator, agency, other_agency):
    taken = other_agency.domains.first().domain
    response = client_for(coordinator).post(
        reverse("agency_domain_add", args=[agency.pk]), {"domain": taken.upper()}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "already belongs to another agency" in body
    assert f'value="{taken.upper()}"' in body
    assert AgencyDomain.objects.get(domain=taken).agency == other_agency


def test_malformed_domain_is_refused(client_for, coordinator, agency):
    response = client_for(coordinator).post(
        reverse("agency_domain_add", args=[agency.pk]), {"domain": "not a domain"}
    )
    assert response.status_code == 400
    assert "Enter an e-mail domain" in response.content.decode()


def test_removing_domain_takes_access_away_at_once(client_for, coordinator, agency, officer):
    domain = agency.domains.get()
    client_for(coordinator).post(reverse("agency_domain_remove", args=[agency.pk, domain.pk]))
    officer = User.objects.get(pk=officer.pk)
    assert officer.access_state == AccessState.AGENCY_REVOKED
    response = client_for(officer).get(reverse("dashboard"))
    assert response.url == reverse("access_status")
    assert agency.events.get().action == AgencyEvent.Action.DOMAIN_REMOVED


def test_cannot_remove_domain_of_another_agency_through_own(
    client_for, coordinator, agency, other_agency
):
    foreign = other_agency.domains.get()
    response = client_for(coordinator).post(
        reverse("agency_domain_remove", args=[agency.pk, foreign.pk])
    )
    assert response.status_code == 404
    assert AgencyDomain.objects.filter(pk=foreign.pk).exists()


def test_suspend_needs_reason(client_for, coordinator, agency):
    response = client_for(coordinator).post(reverse("agency_status", args=[agency.pk]))
    assert response.status_code == 400
    assert "Give a reason" in response.content.decode()
    agency.refresh_from_db()
    assert agency.is_active


def test_suspending_agency_takes_access_away_and_reactivating_restores(
    client_for, coordinator, agency, officer, focal_point
):
    client = client_for(coordinator)
    client.post(reverse("agency_status", args=[agency.pk]), {"reason": "MoU lapsed"})
    assert User.objects.get(pk=officer.pk).access_state == AccessState.AGENCY_REVOKED
    assert not User.objects.get(pk=focal_point.pk).has_program_access
    client.post(reverse("agency_status", args=[agency.pk]), {"reason": ""})
    assert User.objects.get(pk=officer.pk).access_state == AccessState.OK
    assert list(agency.events.values_list("action", "detail")) == [
        (AgencyEvent.Action.REACTIVATED, ""),
        (AgencyEvent.Action.SUSPENDED, "MoU lapsed"),
    ]


def test_suspended_agency_officer_cannot_use_focal_point_pages(client_for, agency, focal_point):
    Agency.objects.filter(pk=agency.pk).update(is_active=False)
    assert client_for(focal_point).get(reverse("my_agency")).url == reverse("access_status")


def test_vetting_mode_change_applies_to_next_confirmation(client_for, coordinator, agency):
    from attendees.services import confirm_officer_email

    client_for(coordinator).post(
        reverse("agency_vetting_mode", args=[agency.pk]), {"vetting_mode": "auto"}
    )
    agency.refresh_from_db()
    assert agency.vetting_mode == Agency.VettingMode.AUTO
    assert agency.events.get().action == AgencyEvent.Action.VETTING_MODE
    newcomer = OfficerFactory(agency=agency, status=User.Status.UNCONFIRMED, vetted_at=None)
    assert (
        confirm_officer_email(user_id=newcomer.pk, email=newcomer.email).status
        == User.Status.VERIFIED
    )


def test_invalid_vetting_mode_is_400(client_for, coordinator, agency):
    response = client_for(coordinator).post(
        reverse("agency_vetting_mode", args=[agency.pk]), {"vetting_mode": "yolo"}
    )
    assert response.status_code == 400


def test_coordinator_names_and_unnames_focal_point(client_for, coordinator, agency, officer):
    client = client_for(coordinator)
    url = reverse("agency_focal_point", args=[agency.pk, officer.pk])
    client.post(url, {"focal": "1"})
    officer.refresh_from_db()
    assert officer.is_focal_point
    assert officer.vetting_decisions.get().action == VettingDecision.Action.FOCAL_NAMED
    assert client_for(officer).get(reverse("my_agency")).status_code == 200

    client = client_for(coordinator)
    client.post(url, {"focal": "0"})
    officer.refresh_from_db()
    assert not officer.is_focal_point
    assert officer.vetting_decisions.first().action == VettingDecision.Action.FOCAL_REMOVED
    assert [e.action for e in agency.events.all()] == [
        AgencyEvent.Action.FOCAL_REMOVED,
        AgencyEvent.Action.FOCAL_NAMED,
    ]


def test_pending_officer_cannot_be_named_focal_point(
    client_for, coordinator, agency, pending_officer
):
    client_for(coordinator).post(
        reverse("agency_focal_point", args=[agency.pk, pending_officer.pk]), {"focal": "1"}
    )
    pending_officer.refresh_from_db()
    assert not pending_officer.is_focal_point


def test_other_region_coordinator_cannot_name_focal_point(
    client_for, other_coordinator, agency, officer
):
    response = client_for(other_coordinator).post(
        reverse("agency_focal_point", args=[agency.pk, officer.pk]), {"focal": "1"}
    )
    assert response.status_code == 404
    officer.refresh_from_db()
    assert not officer.is_focal_point


def test_focal_point_cannot_name_focal_points(client_for, focal_point, agency, officer):
    response = client_for(focal_point).post(
        reverse("agency_focal_point", args=[agency.pk, officer.pk]), {"focal": "1"}
    )
    assert response.status_code == 403


def test_agency_detail_lists_officers_domains_and_history(client_for, coordinator, agency, officer):
    body = client_for(coordinator).get(reverse("agency_detail", args=[agency.pk])).content
    body = body.decode()
    assert officer.full_name in body
    assert agency.domains.get().domain in body


def test_domain_search_does_not_multiply_counts(client_for, coordinator, agency, officer):
    from tests.factories import AgencyDomainFactory

    AgencyDomainFactory(agency=agency, domain="second.agencya.gov")
    response = client_for(coordinator).get(reverse("agency_list"), {"q": "agency"})
    [row] = list(response.context["page"])
    assert row.officer_count == 1
