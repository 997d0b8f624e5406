import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from attendees.models import User
from audit.models import AuditEntry
from inbox.items import counts_for
from outbox.models import Mail
from registrations import services
from registrations.models import Registration
from registrations.services import RegistrationError
from tests.factories import (
    CoordinatorFactory,
    OfficerFactory,
    RegistrationFactory,
    WorkshopFactory,
)
from workshops.models import Workshop

pytestmark = pytest.mark.django_db
State = Registration.State


def _days(n, hour=9):
    return timezone.now().replace(minute=0, second=0, microsecond=0, hour=hour) + dt.timedelta(
        days=n
    )


@pytest.fixture
def workshop(region):
    return WorkshopFactory(region=region, capacity=2)


def test_register_confirms_when_a_seat_is_free(workshop, officer):
    reg = services.register(workshop_id=workshop.pk, officer=officer)
    assert reg.state == State.CONFIRMED
    assert reg.confirmed_at is not None
    event = reg.events.get()
    assert (event.actor, event.from_state, event.to_state) == (officer, "", State.CONFIRMED)


def test_register_waitlists_when_full(workshop, agency):
    for _ in range(2):
        services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
    reg = services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
    assert reg.state == State.WAITLISTED
    assert reg.waitlisted_at is not None


def test_register_pending_when_workshop_requires_approval(region, officer):
    workshop = WorkshopFactory(region=region, requires_approval=True)
    assert services.register(workshop_id=workshop.pk, officer=officer).state == State.PENDING


def test_register_nomination_when_workshop_requires_nomination(region, officer):
    workshop = WorkshopFactory(region=region, requires_nomination=True, requires_approval=True)
    assert services.register(workshop_id=workshop.pk, officer=officer).state == State.NOMINATION


def test_agency_cap_waitlists_even_with_free_seats(region, agency, other_agency_officer):
    workshop = WorkshopFactory(region=region, capacity=5, agency_seat_cap=1)
    first = services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
    second = services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
    other = services.register(workshop_id=workshop.pk, officer=other_agency_officer)
    assert [first.state, second.state, other.state] == [
        State.CONFIRMED,
        State.WAITLISTED,
        State.CONFIRMED,
    ]


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"registration_opens_at": _days(2)}, "opens"),
        ({"registration_closes_at": _days(-1)}, "closed"),
        ({"starts_at": _days(-1)}, "started"),
    ],
)
def test_register_refuses_workshops_not_open(workshop, officer, changes, message):
    Workshop.objects.filter(pk=workshop.pk).update(**changes)
    with pytest.raises(RegistrationError, match=message):
        services.register(workshop_id=workshop.pk, officer=officer)
    assert not Registration.objects.exists()


@pytest.mark.parametrize("status", [Workshop.Status.DRAFT, Workshop.Status.CANCELLED])
def test_register_for_an_unpublished_workshop_is_not_found(workshop, officer, status):
    # An officer sees published workshops and those they are registered for: nothing else.
    Workshop.objects.filter(pk=workshop.pk).update(status=status)
    with pytest.raises(services.WorkshopNotFound):
        services.register(workshop_id=workshop.pk, officer=officer)
    assert not Registration.objects.exists()


def test_register_again_for_a_cancelled_workshop_says_so(workshop, officer):
    # Registered once, so the workshop stays visible: the refusal names the reason.
    reg = services.register(workshop_id=workshop.pk, officer=officer)
    services.cancel_registration(registration_id=reg.pk, officer=officer)
    Workshop.objects.filter(pk=workshop.pk).update(status=Workshop.Status.CANCELLED)
    with pytest.raises(RegistrationError, match="cancelled") as refused:
        services.register(workshop_id=workshop.pk, officer=officer)
    assert not isinstance(refused.value, services.WorkshopNotFound)


def test_register_refuses_unverified_and_staff(workshop, pending_officer, trainer):
    for user in (pending_officer, trainer):
        with pytest.raises(RegistrationError, match="verified agency officers"):
            services.register(workshop_id=workshop.pk, officer=user)


def test_register_refuses_unknown_workshop(officer):
    with pytest.raises(RegistrationError, match="does not exist"):
        services.register(workshop_id=999999, officer=officer)


def test_register_twice_refused_and_keeps_one_row(workshop, officer):
    services.register(workshop_id=workshop.pk, officer=officer)
    with pytest.raises(RegistrationError, match="already registered"):
        services.register(workshop_id=workshop.pk, officer=officer)
    assert Registration.objects.count() == 1


def test_reregister_after_cancellation_reuses_the_row(workshop, officer):
    reg = services.register(workshop_id=workshop.pk, officer=officer)
    services.cancel_registration(registration_id=reg.pk, officer=officer)
    again = services.register(workshop_id=workshop.pk, officer=officer)
    assert again.pk == reg.pk
    assert again.state == State.CONFIRMED
    assert list(reg.events.values_list("to_state", flat=True)) == [
        State.CONFIRMED,
        State.CANCELLED,
        State.CONFIRMED,
    ]


def test_reregister_after_removal_refused(workshop, officer, coordinator):
    reg = services.register(workshop_id=workshop.pk, officer=officer)
    services.remove_registration(registration_id=reg.pk, by=coordinator, reason="Duplicate")
    with pytest.raises(RegistrationError, match="declined or removed"):
        services.register(workshop_id=workshop.pk, officer=officer)


def test_register_refuses_clash_and_names_the_other_workshop(region, officer):
    first = WorkshopFactory(region=region, title="Tracing Monero")
    services.register(workshop_id=first.pk, officer=officer)
    overlapping = WorkshopFactory(
        region=region,
        sessions=[(first.starts_at + dt.timedelta(hours=2), first.ends_at + dt.timedelta(hours=2))],
    )
    with pytest.raises(RegistrationError, match="Tracing Monero"):
        services.register(workshop_id=overlapping.pk, officer=officer)


def test_no_clash_with_non_overlapping_workshop(region, officer):
    first = WorkshopFactory(region=region)
    services.register(workshop_id=first.pk, officer=officer)
    later = WorkshopFactory(
        region=region,
        sessions=[
            (first.ends_at + dt.timedelta(days=1), first.ends_at + dt.timedelta(days=1, hours=3))
        ],
    )
    assert services.register(workshop_id=later.pk, officer=officer).state == State.CONFIRMED


# --- waitlist --------------------------------------------------------------------------------


def test_cancellation_promotes_first_waitlisted_and_tells_them(
    workshop, agency, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # their own e-mails go out
        a, b = (
            services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
            for _ in range(2)
        )
        w1 = services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
        w2 = services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(registration_id=a.pk, officer=a.officer)
    w1.refresh_from_db()
    w2.refresh_from_db()
    assert (w1.state, w2.state) == (State.CONFIRMED, State.WAITLISTED)
    told = [m for m in mail.outbox if not m.calendars]
    assert {m.to[0] for m in told} == {a.officer.email, w1.officer.email}
    promoted = next(m for m in told if m.to[0] == w1.officer.email)
    assert "seat became free" in promoted.body


def test_waitlist_position_follows_waitlisted_at(workshop, agency):
    for _ in range(2):
        services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
    waiting = [
        services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
        for _ in range(3)
    ]
    positions = dict(
        Registration.objects.filter(state=State.WAITLISTED)
        .with_waitlist_position()
        .values_list("pk", "waitlist_position")
    )
    assert [positions[r.pk] for r in waiting] == [1, 2, 3]


def test_promotion_skips_officer_of_capped_agency(region, agency, other_agency):
    workshop = WorkshopFactory(region=region, capacity=2, agency_seat_cap=1)
    a1 = services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
    b1 = services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=other_agency))
    a2 = services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
    b2 = services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=other_agency))
    assert a2.state == b2.state == State.WAITLISTED
    services.cancel_registration(registration_id=b1.pk, officer=b1.officer)
    a2.refresh_from_db()
    b2.refresh_from_db()
    assert a1.state == State.CONFIRMED
    assert (a2.state, b2.state) == (State.WAITLISTED, State.CONFIRMED)


def test_promotion_skips_officer_confirmed_for_clashing_workshop(workshop, agency, region):
    full = [
        services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
        for _ in range(2)
    ]
    busy = services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
    free = services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
    clashing = WorkshopFactory(region=region, sessions=[(workshop.starts_at, workshop.ends_at)])
    services.register(workshop_id=clashing.pk, officer=busy.officer)
    services.cancel_registration(registration_id=full[0].pk, officer=full[0].officer)
    busy.refresh_from_db()
    free.refresh_from_db()
    assert (busy.state, free.state) == (State.WAITLISTED, State.CONFIRMED)


def test_fill_free_seats_after_capacity_raised(workshop, agency):
    for _ in range(4):
        services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
    Workshop.objects.filter(pk=workshop.pk).update(capacity=3)
    promoted = services.fill_free_seats(workshop_id=workshop.pk)
    assert len(promoted) == 1
    assert Registration.objects.filter(state=State.CONFIRMED).count() == 3
    assert services.fill_free_seats(workshop_id=workshop.pk) == []


def test_no_promotion_once_workshop_started(workshop, agency):
    regs = [
        services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
        for _ in range(3)
    ]
    Workshop.objects.filter(pk=workshop.pk).update(starts_at=_days(-1), capacity=5)
    assert services.fill_free_seats(workshop_id=workshop.pk) == []
    regs[2].refresh_from_db()
    assert regs[2].state == State.WAITLISTED


# --- cancellation ----------------------------------------------------------------------------


def test_officer_cannot_cancel_after_deadline(workshop, officer):
    reg = services.register(workshop_id=workshop.pk, officer=officer)
    Workshop.objects.filter(pk=workshop.pk).update(cancellation_deadline=_days(-1))
    with pytest.raises(RegistrationError, match="deadline"):
        services.cancel_registration(registration_id=reg.pk, officer=officer)
    reg.refresh_from_db()
    assert reg.state == State.CONFIRMED


def test_officer_can_cancel_before_deadline(workshop, officer):
    Workshop.objects.filter(pk=workshop.pk).update(cancellation_deadline=_days(3))
    reg = services.register(workshop_id=workshop.pk, officer=officer)
    assert (
        services.cancel_registration(registration_id=reg.pk, officer=officer).state
        == State.CANCELLED
    )


def test_officer_cannot_cancel_someone_elses_registration(workshop, officer, other_agency_officer):
    reg = services.register(workshop_id=workshop.pk, officer=officer)
    with pytest.raises(RegistrationError, match="does not exist"):
        services.cancel_registration(registration_id=reg.pk, officer=other_agency_officer)


def test_cancel_twice_refused(workshop, officer):
    reg = services.register(workshop_id=workshop.pk, officer=officer)
    services.cancel_registration(registration_id=reg.pk, officer=officer)
    with pytest.raises(RegistrationError, match="not active"):
        services.cancel_registration(registration_id=reg.pk, officer=officer)


def test_coordinator_removes_after_deadline_with_reason_and_promotes(workshop, agency, coordinator):
    a, _b = (
        services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
        for _ in range(2)
    )
    w = services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
    Workshop.objects.filter(pk=workshop.pk).update(cancellation_deadline=_days(-1))
    with pytest.raises(RegistrationError, match="reason"):
        services.remove_registration(registration_id=a.pk, by=coordinator, reason=" ")
    services.remove_registration(
        registration_id=a.pk, by=coordinator, reason="No longer with the unit"
    )
    a.refresh_from_db()
    w.refresh_from_db()
    assert a.state == State.REMOVED
    assert a.events.last().reason == "No longer with the unit"
    assert w.state == State.CONFIRMED


def test_other_region_coordinator_cannot_remove(workshop, officer, other_coordinator):
    reg = services.register(workshop_id=workshop.pk, officer=officer)
    with pytest.raises(RegistrationError, match="cannot manage"):
        services.remove_registration(registration_id=reg.pk, by=other_coordinator, reason="x")


def test_cancel_workshop_registrations_cancels_all_active_and_mails_each(
    workshop, agency, django_capture_on_commit_callbacks, coordinator
):
    with django_capture_on_commit_callbacks(execute=True):  # their own e-mails go out
        regs = [
            services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
            for _ in range(3)
        ]
        services.cancel_registration(registration_id=regs[0].pk, officer=regs[0].officer)
    Workshop.objects.filter(pk=workshop.pk).update(status=Workshop.Status.CANCELLED)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        n = services.cancel_workshop_registrations(
            workshop_id=workshop.pk, by=coordinator, reason="Venue closed"
        )
    assert n == 2
    assert Registration.objects.filter(state=State.CANCELLED).count() == 3
    # (Their calendar invites are withdrawn by separate CANCEL messages.)
    told = [m for m in mail.outbox if not m.calendars]
    assert sorted(m.to[0] for m in told) == sorted(r.officer.email for r in regs[1:])
    assert "has been cancelled" in told[0].body
    assert "Venue closed" in told[0].body


# --- approval and nomination -----------------------------------------------------------------


def test_approve_takes_seat_or_waitlists(region, agency, coordinator):
    workshop = WorkshopFactory(region=region, capacity=1, requires_approval=True)
    a = services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
    b = services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
    services.approve_registration(registration_id=a.pk, by=coordinator, message="Welcome")
    services.approve_registration(registration_id=b.pk, by=coordinator)
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.state, b.state) == (State.CONFIRMED, State.WAITLISTED)
    assert a.events.last().actor == coordinator
    assert a.events.last().reason == "Welcome"


def test_approve_twice_refused(region, officer, coordinator):
    workshop = WorkshopFactory(region=region, requires_approval=True)
    reg = services.register(workshop_id=workshop.pk, officer=officer)
    services.approve_registration(registration_id=reg.pk, by=coordinator)
    with pytest.raises(RegistrationError, match="only pending"):
        services.approve_registration(registration_id=reg.pk, by=coordinator)


def test_bulk_approve_in_order_and_reports_skipped(region, agency, coordinator):
    workshop = WorkshopFactory(region=region, capacity=2, requires_approval=True)
    regs = [
        services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
        for _ in range(3)
    ]
    services.decline_registration(registration_id=regs[1].pk, by=coordinator)
    result = services.approve_registrations(
        workshop_id=workshop.pk, registration_ids=[r.pk for r in regs], by=coordinator, message="ok"
    )
    assert [r.pk for r in result.done] == [regs[0].pk, regs[2].pk]
    assert len(result.skipped) == 1
    assert set(Registration.objects.values_list("state", flat=True)) == {
        State.CONFIRMED,
        State.DECLINED,
    }


def test_bulk_decline_ignores_other_workshops_ids(region, agency, coordinator):
    workshop = WorkshopFactory(region=region, requires_approval=True)
    other = WorkshopFactory(region=region, requires_approval=True)
    mine = services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
    theirs = services.register(workshop_id=other.pk, officer=OfficerFactory(agency=agency))
    result = services.decline_registrations(
        workshop_id=workshop.pk, registration_ids=[mine.pk, theirs.pk], by=coordinator
    )
    theirs.refresh_from_db()
    assert [r.pk for r in result.done] == [mine.pk]
    assert theirs.state == State.PENDING


def test_bulk_refused_for_other_region_workshop(region, officer, other_coordinator):
    workshop = WorkshopFactory(region=region, requires_approval=True)
    reg = services.register(workshop_id=workshop.pk, officer=officer)
    with pytest.raises(RegistrationError, match="cannot manage"):
        services.approve_registrations(
            workshop_id=workshop.pk, registration_ids=[reg.pk], by=other_coordinator
        )


def test_nomination_two_stages_recorded(region, officer, focal_point, coordinator):
    workshop = WorkshopFactory(region=region, requires_nomination=True)
    reg = services.register(workshop_id=workshop.pk, officer=officer)
    services.endorse_nomination(registration_id=reg.pk, by=focal_point, message="Good fit")
    reg.refresh_from_db()
    assert reg.state == State.PENDING
    assert reg.endorsed_by == focal_point
    services.approve_registration(registration_id=reg.pk, by=coordinator)
    events = list(reg.events.values_list("from_state", "to_state", "actor"))
    assert events == [
        ("", State.NOMINATION, officer.pk),
        (State.NOMINATION, State.PENDING, focal_point.pk),
        (State.PENDING, State.CONFIRMED, coordinator.pk),
    ]


def test_focal_point_rejects_nomination(region, officer, focal_point):
    workshop = WorkshopFactory(region=region, requires_nomination=True)
    reg = services.register(workshop_id=workshop.pk, officer=officer)
    services.reject_nomination(registration_id=reg.pk, by=focal_point, message="Not this year")
    reg.refresh_from_db()
    assert reg.state == State.DECLINED


def test_focal_point_of_other_agency_cannot_endorse(region, officer, other_agency):
    workshop = WorkshopFactory(region=region, requires_nomination=True)
    reg = services.register(workshop_id=workshop.pk, officer=officer)
    outsider = OfficerFactory(agency=other_agency, is_focal_point=True)
    with pytest.raises(RegistrationError, match="cannot act"):
        services.endorse_nomination(registration_id=reg.pk, by=outsider)


def test_plain_officer_cannot_endorse_colleague(region, officer, agency):
    workshop = WorkshopFactory(region=region, requires_nomination=True)
    reg = services.register(workshop_id=workshop.pk, officer=officer)
    with pytest.raises(RegistrationError, match="cannot act"):
        services.endorse_nomination(registration_id=reg.pk, by=OfficerFactory(agency=agency))


def test_focal_point_cannot_endorse_own_nomination(region, focal_point):
    workshop = WorkshopFactory(region=region, requires_nomination=True)
    reg = services.register(workshop_id=workshop.pk, officer=focal_point)
    with pytest.raises(RegistrationError, match="cannot act"):
        services.endorse_nomination(registration_id=reg.pk, by=focal_point)


def test_coordinator_cannot_approve_nomination_before_endorsement(region, officer, coordinator):
    workshop = WorkshopFactory(region=region, requires_nomination=True)
    reg = services.register(workshop_id=workshop.pk, officer=officer)
    with pytest.raises(RegistrationError, match="only pending"):
        services.approve_registration(registration_id=reg.pk, by=coordinator)


def test_every_transition_enqueues_mail_and_confirmed_ones_sync_invites(
    workshop, officer, django_capture_on_commit_callbacks, monkeypatch
):
    calls = []
    from invites import tasks as invite_tasks

    monkeypatch.setattr(
        invite_tasks.sync_registration_invites, "delay", lambda pk: calls.append(pk)
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        reg = services.register(workshop_id=workshop.pk, officer=officer)
    # The e-mail is written with the change; it and the invite sync go only after commit.
    (row,) = Mail.objects.all()
    assert (row.kind, row.to, row.status) == ("registration", officer.email, Mail.Status.READY)
    assert calls == [] and mail.outbox == []
    for cb in callbacks:
        cb()
    assert calls == [reg.pk]
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.status == Mail.Status.SENT


def test_suspended_user_cannot_register(workshop, officer):
    User.objects.filter(pk=officer.pk).update(status=User.Status.SUSPENDED)
    officer = User.objects.get(pk=officer.pk)
    with pytest.raises(RegistrationError):
        services.register(workshop_id=workshop.pk, officer=officer)


def test_registration_factory_still_usable(workshop):
    assert RegistrationFactory(workshop=workshop).state == State.CONFIRMED


# --- nobody decides their own registration --------------------------------------------------


@pytest.fixture
def coordinating_officer(region, agency):
    """An officer of agency A who also coordinates the region of the workshops."""
    return CoordinatorFactory(regions=[region], agency=agency, email="both@agencya.gov")


def test_a_coordinator_cannot_approve_their_own_registration(region, coordinating_officer):
    workshop = WorkshopFactory(region=region, requires_approval=True)
    reg = services.register(workshop_id=workshop.pk, officer=coordinating_officer)
    assert reg.state == State.PENDING
    with pytest.raises(RegistrationError, match="another coordinator"):
        services.approve_registration(registration_id=reg.pk, by=coordinating_officer)
    reg.refresh_from_db()
    assert reg.state == State.PENDING
    assert not AuditEntry.objects.filter(action="registration.approved").exists()


def test_a_coordinator_cannot_approve_their_own_registration_among_others(
    region, agency, coordinating_officer
):
    workshop = WorkshopFactory(region=region, requires_approval=True)
    own = services.register(workshop_id=workshop.pk, officer=coordinating_officer)
    other = services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
    result = services.approve_registrations(
        workshop_id=workshop.pk, registration_ids=[own.pk, other.pk], by=coordinating_officer
    )
    assert result.done == [other]
    own.refresh_from_db()
    assert own.state == State.PENDING


def test_a_focal_point_who_coordinates_cannot_approve_their_endorsed_request(
    region, agency, focal_point
):
    boss = CoordinatorFactory(
        regions=[region], agency=agency, email="boss@agencya.gov", is_focal_point=True
    )
    workshop = WorkshopFactory(region=region, requires_nomination=True)
    reg = services.register(workshop_id=workshop.pk, officer=boss)
    services.endorse_nomination(registration_id=reg.pk, by=focal_point)
    with pytest.raises(RegistrationError, match="another coordinator"):
        services.approve_registration(registration_id=reg.pk, by=boss)
    reg.refresh_from_db()
    assert reg.state == State.PENDING


def test_a_coordinators_own_request_is_not_in_their_inbox(region, agency, coordinating_officer):
    workshop = WorkshopFactory(region=region, requires_approval=True)
    services.register(workshop_id=workshop.pk, officer=coordinating_officer)
    services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
    assert counts_for(coordinating_officer)["registrations"] == 1
