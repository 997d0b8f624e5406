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
