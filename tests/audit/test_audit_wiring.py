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


# --- every sensitive action writes exactly one entry naming who and what ----------------------


def _only_entry(action: str) -> AuditEntry:
    entries = list(AuditEntry.objects.filter(action=action))
    assert len(entries) == 1, [e.action for e in AuditEntry.objects.all()]
    return entries[0]


def _targets(entry: AuditEntry, row) -> bool:
    return (entry.target_type, entry.target_id) == (row._meta.label_lower, str(row.pk))


def test_workshop_create_edit_publish_and_cancel_are_each_audited(coordinator, region, trainer):
    from tests.workshops.scheduling_helpers import details, published_revision, sessions
    from workshops.services import scheduling

    workshop = scheduling.create_workshop(
        actor=coordinator,
        details=details(region),
        sessions=sessions(),
        revisions=[published_revision()],
    )
    created = _only_entry("workshop.created")
    assert created.actor == coordinator and _targets(created, workshop)

    scheduling.update_workshop(
        actor=coordinator, workshop=workshop, details={"capacity": 25}, trainers=[trainer]
    )
    edited = _only_entry("workshop.updated")
    assert edited.actor == coordinator and _targets(edited, workshop)
    assert edited.data["fields"] == ["capacity", "trainers"]
    # Saving the same values again is no edit.
    scheduling.update_workshop(actor=coordinator, workshop=workshop, details={"capacity": 25})
    assert AuditEntry.objects.filter(action="workshop.updated").count() == 1

    scheduling.publish_workshop(actor=coordinator, workshop=workshop)
    published = _only_entry("workshop.published")
    assert published.actor == coordinator and _targets(published, workshop)

    scheduling.cancel_workshop(actor=coordinator, workshop=workshop, reason="Venue flooded")
    cancelled = _only_entry("workshop.cancelled")
    assert cancelled.actor == coordinator and _targets(cancelled, workshop)
    assert cancelled.data == {"reason": "Venue flooded"}


def test_a_refused_publication_leaves_no_entry(coordinator, region):
    from tests.workshops.scheduling_helpers import details, sessions
    from workshops.services import scheduling

    workshop = scheduling.create_workshop(
        actor=coordinator, details=details(region), sessions=sessions()
    )
    with pytest.raises(scheduling.SchedulingError):
        scheduling.publish_workshop(actor=coordinator, workshop=workshop)  # no module
    assert not AuditEntry.objects.filter(action="workshop.published").exists()


@pytest.fixture
def ran_workshop(region, trainer, officer):
    from tests.attendance.conftest import hours_ago

    workshop = WorkshopFactory(
        region=region, trainers=[trainer], sessions=[(hours_ago(5), hours_ago(1))]
    )
    RegistrationFactory(workshop=workshop, officer=officer)
    return workshop


def test_marking_attendance_is_audited_once_per_save(ran_workshop, trainer, officer):
    from attendance.services import marking

    session = ran_workshop.sessions.get()
    reg = ran_workshop.registrations.get()
    marking.record_marks(session_id=session.pk, by=trainer, marks={reg.pk: "absent"})
    entry = _only_entry("attendance.marked")
    assert entry.actor == trainer and _targets(entry, session)
    assert entry.data == {"changes": 1}
    # The same marks saved again change nothing and record nothing.
    marking.record_marks(session_id=session.pk, by=trainer, marks={reg.pk: "absent"})
    assert AuditEntry.objects.filter(action="attendance.marked").count() == 1
    marking.record_marks(session_id=session.pk, by=trainer, marks={reg.pk: "present"})
    assert AuditEntry.objects.filter(action="attendance.marked").count() == 2


def test_marking_everyone_present_is_audited(ran_workshop, trainer):
    from attendance.services import marking

    session = ran_workshop.sessions.get()
    marking.mark_all_present(session_id=session.pk, by=trainer)
    entry = _only_entry("attendance.marked_all")
    assert entry.actor == trainer and _targets(entry, session)


def test_closing_reopening_and_the_completion_rule_are_audited(ran_workshop, coordinator):
    from attendance.services import closing

    closing.update_attendance_settings(
        workshop_id=ran_workshop.pk,
        by=coordinator,
        completion_threshold=50,
        checkin_opens_minutes=30,
    )
    settings_entry = _only_entry("attendance.settings")
    assert settings_entry.actor == coordinator and _targets(settings_entry, ran_workshop)
    assert settings_entry.data["completion_threshold"] == [75, 50]

    closing.close_workshop(workshop_id=ran_workshop.pk, by=coordinator)
    closed = _only_entry("attendance.closed")
    assert closed.actor == coordinator and _targets(closed, ran_workshop)
    assert closed.data["total"] == 1

    closing.reopen_workshop(workshop_id=ran_workshop.pk, by=coordinator, reason="Late sign-in")
    reopened = _only_entry("attendance.reopened")
    assert reopened.actor == coordinator and _targets(reopened, ran_workshop)
    assert reopened.data == {"reason": "Late sign-in"}


@pytest.mark.parametrize("decision", ["endorse_nomination", "reject_nomination"])
def test_a_focal_points_nomination_decision_is_audited(region, officer, focal_point, decision):
    from registrations.services import registration as services_registration

    workshop = WorkshopFactory(region=region, requires_nomination=True)
    reg = services_registration.register(workshop_id=workshop.pk, officer=officer)
    getattr(services_registration, decision)(
        registration_id=reg.pk, by=focal_point, message="Fits the unit's plan"
    )
    action = {"endorse_nomination": "registration.endorsed"}.get(
        decision, "registration.not_endorsed"
    )
    entry = _only_entry(action)
    assert entry.actor == focal_point and _targets(entry, reg)
    assert entry.data == {"message": "Fits the unit's plan"}


def test_module_publishing_and_archiving_are_audited(coordinator, trainer):
    from tests.factories import ModuleFactory
    from workshops.models import Module
    from workshops.services import curriculum

    module = ModuleFactory(status=Module.Status.IN_REVIEW, authors=[trainer])
    curriculum.publish_module(module_id=module.pk, by=coordinator)
    published = _only_entry("module.published")
    assert published.actor == coordinator and _targets(published, module)
    curriculum.archive_module(module_id=module.pk, by=coordinator)
    assert _targets(_only_entry("module.archived"), module)
    curriculum.unarchive_module(module_id=module.pk, by=coordinator)
    assert _targets(_only_entry("module.unarchived"), module)


def test_deleting_a_material_is_audited(coordinator):
    from tests.factories import MaterialFactory
    from workshops.services import curriculum

    material = MaterialFactory()
    curriculum.delete_material(material_id=material.pk, by=coordinator)
    entry = _only_entry("material.deleted")
    assert entry.actor == coordinator and _targets(entry, material.module)
    assert entry.data == {"material": "handout.pdf"}
