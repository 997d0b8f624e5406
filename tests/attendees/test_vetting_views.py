import pytest
from django.core import mail
from django.urls import reverse

from attendees.models import User, VettingDecision

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("vetting_queue"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_pending_officer_is_sent_to_waiting_page(client_for, pending_officer):
    response = client_for(pending_officer).get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url == reverse("access_status")


def test_officer_gets_403_on_vetting_queue(client_for, officer):
    assert client_for(officer).get(reverse("vetting_queue")).status_code == 403


def test_coordinator_sees_only_pending_officers_of_own_region(
    client_for, coordinator, pending_officer, other_agency
):
    from tests.factories import OfficerFactory

    outsider = OfficerFactory(agency=other_agency, status=User.Status.PENDING, full_name="Zed Q")
    response = client_for(coordinator).get(reverse("vetting_queue"))
    assert response.status_code == 200
    assert pending_officer.full_name in response.content.decode()
    assert outsider.full_name not in response.content.decode()


def test_coordinator_of_other_region_gets_404_on_officer(
    client_for, other_coordinator, pending_officer
):
    url = reverse("vetting_detail", args=[pending_officer.pk])
    assert client_for(other_coordinator).get(url).status_code == 404


def test_approve_verifies_records_and_emails(
    client_for, coordinator, pending_officer, django_capture_on_commit_callbacks
):
    url = reverse("vetting_decide", args=[pending_officer.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(coordinator).post(url, {"action": "approve", "reason": ""})
    assert response.status_code == 302
    pending_officer.refresh_from_db()
    assert pending_officer.status == User.Status.VERIFIED
    decision = VettingDecision.objects.get(officer=pending_officer)
    assert decision.decided_by == coordinator
    assert decision.action == VettingDecision.Action.APPROVED
    assert [m.to for m in mail.outbox] == [[pending_officer.email]]


def test_reject_without_reason_shows_form_error(client_for, coordinator, pending_officer):
    url = reverse("vetting_decide", args=[pending_officer.pk])
    response = client_for(coordinator).post(url, {"action": "reject", "reason": "  "})
    assert response.status_code == 400
    assert "Give a reason" in response.content.decode()
    pending_officer.refresh_from_db()
    assert pending_officer.status == User.Status.PENDING


def test_queue_filters_by_agency_country_and_search(client_for, program_admin, agency, region):
    from tests.factories import AgencyFactory, OfficerFactory

    other = AgencyFactory(name="Agency PT", region=region, country="PT")
    alice = OfficerFactory(agency=agency, status=User.Status.PENDING, full_name="Alice Pending")
    bruno = OfficerFactory(agency=other, status=User.Status.PENDING, full_name="Bruno Pending")
    client = client_for(program_admin)
    body = client.get(reverse("vetting_queue"), {"agency": other.pk}).content.decode()
    assert bruno.full_name in body and alice.full_name not in body
    body = client.get(reverse("vetting_queue"), {"country": "SG"}).content.decode()
    assert alice.full_name in body and bruno.full_name not in body
    body = client.get(reverse("vetting_queue"), {"q": "bruno"}).content.decode()
    assert bruno.full_name in body and alice.full_name not in body


def test_queue_agency_filter_offers_only_own_regions(client_for, coordinator, agency, other_agency):
    body = client_for(coordinator).get(reverse("vetting_queue")).content.decode()
    assert f'value="{agency.pk}"' in body and other_agency.name not in body


def test_queue_status_filter_shows_suspended(client_for, coordinator, suspended_officer):
    body = client_for(coordinator).get(reverse("vetting_queue"), {"status": "suspended"})
    assert suspended_officer.full_name in body.content.decode()


@pytest.mark.parametrize("rows", [1, 20])
def test_queue_query_count_does_not_grow(
    client_for, coordinator, agency, rows, django_assert_max_num_queries
):
    from tests.factories import OfficerFactory

    OfficerFactory.create_batch(rows, agency=agency, status=User.Status.PENDING)
    for officer in OfficerFactory.create_batch(rows, agency=agency):
        User.objects.filter(pk=officer.pk).update(full_name=f"{officer.full_name} Renamed")
    client = client_for(coordinator)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("vetting_queue")).status_code == 200


def test_coordinator_suspends_and_reinstates(client_for, coordinator, officer):
    client = client_for(coordinator)
    client.post(
        reverse("vetting_decide", args=[officer.pk]), {"action": "suspend", "reason": "Audit"}
    )
    officer.refresh_from_db()
    assert officer.status == User.Status.SUSPENDED
    client.post(reverse("vetting_decide", args=[officer.pk]), {"action": "reinstate"})
    officer.refresh_from_db()
    assert officer.status == User.Status.VERIFIED
    assert [d.action for d in officer.vetting_decisions.all()] == ["reinstated", "suspended"]


def test_unknown_action_is_400(client_for, coordinator, pending_officer):
    response = client_for(coordinator).post(
        reverse("vetting_decide", args=[pending_officer.pk]), {"action": "delete"}
    )
    assert response.status_code == 400
