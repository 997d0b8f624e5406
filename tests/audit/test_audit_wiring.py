import pytest

from attendees import services
from audit.models import AuditEntry
from registrations.models import Registration
from registrations.services.registration import approve_registration
from tests.factories import RegistrationFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


def test_vetting_approval_is_audited(coordinator, pending_officer):
    services.approve_officer(officer_id=pending_officer.pk, by=coordinator)
    entry = AuditEntry.objects.get(action="vetting.approved")
    assert entry.actor == coordinator
    assert entry.target_id == str(pending_officer.pk)


def test_agency_suspension_is_audited(coordinator, agency):
    services.suspend_agency(agency_id=agency.pk, by=coordinator, reason="Domain compromised")
    assert AuditEntry.objects.filter(
        action__startswith="agency.", target_id=str(agency.pk)
    ).exists()


def test_registration_approval_is_audited(coordinator, officer, region):
    reg = RegistrationFactory(
        workshop=WorkshopFactory(region=region),
        officer=officer,
        state=Registration.State.PENDING,
        confirmed_at=None,
    )
    approve_registration(registration_id=reg.pk, by=coordinator)
    assert AuditEntry.objects.filter(action="registration.approved", target_id=str(reg.pk)).exists()


def test_failed_vetting_action_leaves_no_audit_entry(officer, other_coordinator, pending_officer):
    with pytest.raises(Exception):  # noqa: B017 - any ServiceError: out of scope
        services.approve_officer(officer_id=pending_officer.pk, by=other_coordinator)
    assert not AuditEntry.objects.filter(action="vetting.approved").exists()
