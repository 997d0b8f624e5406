"""A focal point nominates officers of their agency; the officer accepts or declines."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from attendees.models import User
from audit.models import AuditEntry
from outbox.models import Mail
from registrations import services
from registrations.models import Registration, SeatReservation
from registrations.services import RegistrationError
from tests.factories import OfficerFactory, RegistrationFactory, WorkshopFactory

pytestmark = pytest.mark.django_db
State = Registration.State


@pytest.fixture
def workshop(region):
    return WorkshopFactory(region=region, capacity=3)


@pytest.fixture
def sending(django_capture_on_commit_callbacks):
    """Call a service and send what it queued (mail leaves after commit)."""

    def call(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return call


def _told(address):
    return [m for m in mail.outbox if m.to == [address] and not m.calendars]


def _nominate(workshop, *officers, by, message=""):
    return services.nominate(
        workshop_id=workshop.pk, officer_ids=[o.pk for o in officers], by=by, message=message
    )


# --- nominate -------------------------------------------------------------------------------


def test_a_focal_point_nominates_officers_of_their_agency(workshop, focal_point, agency):
    alice, bea = OfficerFactory(agency=agency), OfficerFactory(agency=agency)
    result = _nominate(workshop, alice, bea, by=focal_point, message="You two, please.")
    assert result.skipped == []
    assert {r.officer for r in result.done} == {alice, bea}
    for reg in Registration.objects.filter(workshop=workshop):
        assert reg.state == State.OFFERED
        assert reg.nominated_by == focal_point and reg.nominated_at is not None
        assert reg.endorsed_by is None
        event = reg.events.get()
        assert (event.actor, event.from_state, event.to_state) == (focal_point, "", State.OFFERED)
        assert event.reason == "You two, please."
    audit = AuditEntry.objects.filter(action="registration.nominated")
    assert audit.count() == 2 and {a.actor for a in audit} == {focal_point}


def test_the_nominated_officer_gets_one_mail_naming_the_focal_point(
    workshop, focal_point, officer, sending
):
    sending(services.nominate, workshop_id=workshop.pk, officer_ids=[officer.pk], by=focal_point)
    assert Mail.objects.filter(recipient=officer).count() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [officer.email]
    assert "Focal Point" in message.body
    assert "/my-training/" in message.body


def test_a_nomination_holds_no_seat(region, focal_point, agency):
    workshop = WorkshopFactory(region=region, capacity=1)
    _nominate(workshop, OfficerFactory(agency=agency), by=focal_point)
    reg = services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
    assert reg.state == State.CONFIRMED


def test_a_focal_point_cannot_nominate_themself(workshop, focal_point):
    result = _nominate(workshop, focal_point, by=focal_point)
    assert result.done == []
    assert "yourself" in result.skipped[0]
    assert not Registration.objects.exists()


def test_officers_of_another_agency_and_unknown_ids_are_refused_without_a_name(
    workshop, focal_point, other_agency_officer
):
    result = services.nominate(
        workshop_id=workshop.pk,
        officer_ids=[other_agency_officer.pk, 999_999],
        by=focal_point,
    )
    assert result.done == []
    assert len(result.skipped) == 1
    assert "2 of the chosen officers" in result.skipped[0]
    assert other_agency_officer.full_name not in result.skipped[0]
    assert not Registration.objects.exists()


@pytest.mark.parametrize("who", ["officer", "other_agency_officer", "coordinator", "trainer"])
def test_only_a_focal_point_nominates(request, who, workshop, agency):
    actor = request.getfixturevalue(who)
    with pytest.raises(RegistrationError, match="focal point"):
        _nominate(workshop, OfficerFactory(agency=agency), by=actor)


def test_a_focal_point_without_access_cannot_nominate(workshop, agency):
    focal = OfficerFactory(
        agency=agency, is_focal_point=True, vetted_at=timezone.now() - dt.timedelta(days=5000)
    )
    with pytest.raises(RegistrationError, match="focal point"):
        _nominate(workshop, OfficerFactory(agency=agency), by=focal)


def test_each_officer_is_refused_with_their_own_reason(region, focal_point, agency):
    workshop = WorkshopFactory(region=region)
    pending = OfficerFactory(agency=agency, status=User.Status.PENDING, vetted_at=None)
    registered = RegistrationFactory(workshop=workshop, officer=OfficerFactory(agency=agency))
    declined = RegistrationFactory(
        workshop=workshop, officer=OfficerFactory(agency=agency), state=State.DECLINED
    )
    clashing = OfficerFactory(agency=agency)
    RegistrationFactory(
        workshop=WorkshopFactory(
            region=region, starts_at=workshop.starts_at, ends_at=workshop.ends_at
        ),
        officer=clashing,
    )
    fine = OfficerFactory(agency=agency)
    result = _nominate(
        workshop,
        pending,
        registered.officer,
        declined.officer,
        clashing,
        fine,
        by=focal_point,
    )
    assert [r.officer for r in result.done] == [fine]
    text = " | ".join(result.skipped)
    assert "waiting to be vetted" in text
    assert "already registered" in text
    assert "declined or removed" in text
    assert "clashing" in text
    assert len(result.skipped) == 4


def test_a_cancelled_registration_is_reused(workshop, focal_point, officer):
    reg = RegistrationFactory(
        workshop=workshop, officer=officer, state=State.CANCELLED, endorsed_by=focal_point
    )
    result = _nominate(workshop, officer, by=focal_point)
    assert [r.pk for r in result.done] == [reg.pk]
    reg.refresh_from_db()
    assert reg.state == State.OFFERED and reg.endorsed_by is None
    assert reg.confirmed_at is None


def test_nominations_open_with_registration_and_go_on_to_the_start(region, focal_point, officer):
    now = timezone.now()
    later = WorkshopFactory(
        region=region,
        registration_opens_at=now + dt.timedelta(days=1),
        registration_closes_at=now + dt.timedelta(days=5),
    )
    with pytest.raises(RegistrationError, match="opens"):
        _nominate(later, officer, by=focal_point)
    closed = WorkshopFactory(
        region=region,
        registration_opens_at=now - dt.timedelta(days=5),
        registration_closes_at=now - dt.timedelta(days=1),
    )
    assert len(_nominate(closed, officer, by=focal_point).done) == 1
    started_at = now - dt.timedelta(hours=1)
    started = WorkshopFactory(
        region=region, sessions=[(started_at, started_at + dt.timedelta(hours=8))]
    )
    with pytest.raises(RegistrationError, match="started"):
        _nominate(started, OfficerFactory(agency=officer.agency), by=focal_point)


def test_a_draft_workshop_is_not_found(region, focal_point, officer):
    draft = WorkshopFactory(region=region, status="draft")
    with pytest.raises(services.WorkshopNotFound):
        _nominate(draft, officer, by=focal_point)


# --- accept ---------------------------------------------------------------------------------


def _offered(workshop, officer, focal, sending=None):
    """`sending`: the nomination's mail goes out too (mails to one address leave in order)."""
    kwargs = {"workshop_id": workshop.pk, "officer_ids": [officer.pk], "by": focal}
    result = sending(services.nominate, **kwargs) if sending else services.nominate(**kwargs)
    mail.outbox.clear()
    return result.done[0]


def test_accepting_takes_a_seat_as_an_endorsed_nomination(workshop, focal_point, officer, sending):
    reg = _offered(workshop, officer, focal_point, sending)
    reg = sending(services.accept_nomination, registration_id=reg.pk, officer=officer)
    assert reg.state == State.CONFIRMED
    assert reg.endorsed_by == focal_point and reg.endorsed_at is not None
    assert AuditEntry.objects.filter(action="registration.nomination_accepted").count() == 1
    assert len(_told(officer.email)) == 1
    assert "accepted" in _told(officer.email)[0].body


def test_accepting_waits_for_the_coordinators_when_the_workshop_needs_approval(
    region, focal_point, officer, coordinator
):
    workshop = WorkshopFactory(region=region, requires_approval=True)
    reg = _offered(workshop, officer, focal_point)
    reg = services.accept_nomination(registration_id=reg.pk, officer=officer)
    assert reg.state == State.PENDING and reg.endorsed_by == focal_point
    services.approve_registration(registration_id=reg.pk, by=coordinator)
    reg.refresh_from_db()
    assert reg.state == State.CONFIRMED


def test_accepting_on_a_nomination_workshop_skips_the_endorsement(region, focal_point, officer):
    workshop = WorkshopFactory(region=region, requires_nomination=True)
    reg = _offered(workshop, officer, focal_point)
    assert services.accept_nomination(registration_id=reg.pk, officer=officer).state == (
        State.PENDING
    )


def test_accepting_a_full_workshop_waitlists(region, focal_point, officer, agency):
    workshop = WorkshopFactory(region=region, capacity=1)
    reg = _offered(workshop, officer, focal_point)
    services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
    reg = services.accept_nomination(registration_id=reg.pk, officer=officer)
    assert reg.state == State.WAITLISTED


def test_only_the_nominated_officer_answers(workshop, focal_point, officer, agency):
    reg = _offered(workshop, officer, focal_point)
    for other in (OfficerFactory(agency=agency), focal_point):
        with pytest.raises(RegistrationError, match="does not exist"):
            services.accept_nomination(registration_id=reg.pk, officer=other)
        with pytest.raises(RegistrationError, match="does not exist"):
            services.decline_nomination(registration_id=reg.pk, officer=other)
    reg.refresh_from_db()
    assert reg.state == State.OFFERED


def test_a_nomination_is_answered_once(workshop, focal_point, officer):
    reg = _offered(workshop, officer, focal_point)
    services.accept_nomination(registration_id=reg.pk, officer=officer)
    with pytest.raises(RegistrationError, match="already answered"):
        services.accept_nomination(registration_id=reg.pk, officer=officer)
    with pytest.raises(RegistrationError):
        services.decline_nomination(registration_id=reg.pk, officer=officer)


def test_accepting_a_clashing_workshop_is_refused(region, focal_point, officer):
    workshop = WorkshopFactory(region=region)
    reg = _offered(workshop, officer, focal_point)
    clash = WorkshopFactory(region=region, starts_at=workshop.starts_at, ends_at=workshop.ends_at)
    services.register(workshop_id=clash.pk, officer=officer)
    with pytest.raises(RegistrationError, match="clashes"):
        services.accept_nomination(registration_id=reg.pk, officer=officer)


def test_when_the_nominator_lost_the_role_the_agency_endorses_again(
    workshop, focal_point, officer, agency, sending
):
    reg = _offered(workshop, officer, focal_point)
    User.objects.filter(pk=focal_point.pk).update(is_focal_point=False)
    other_focal = OfficerFactory(agency=agency, is_focal_point=True, work_mail="each")
    reg = sending(services.accept_nomination, registration_id=reg.pk, officer=officer)
    assert reg.state == State.NOMINATION and reg.endorsed_by is None
    # The agency's other focal point is asked to endorse it.
    assert len(_told(other_focal.email)) == 1
    services.endorse_nomination(registration_id=reg.pk, by=other_focal)
    reg.refresh_from_db()
    assert reg.state == State.PENDING and reg.endorsed_by == other_focal


# --- decline --------------------------------------------------------------------------------


def test_declining_cancels_and_tells_the_focal_point_once(
    workshop, focal_point, officer, agency, sending
):
    other_focal = OfficerFactory(agency=agency, is_focal_point=True)
    reg = _offered(workshop, officer, focal_point)
    reg = sending(
        services.decline_nomination,
        registration_id=reg.pk,
        officer=officer,
        reason="On leave that week.",
    )
    assert reg.state == State.CANCELLED
    assert _told(other_focal.email) == []  # the one who nominated is told
    to_focal = _told(focal_point.email)
    assert len(to_focal) == 1
    assert "declined" in to_focal[0].subject.lower()
    assert "On leave that week." in to_focal[0].body
    audit = AuditEntry.objects.get(action="registration.nomination_declined")
    assert audit.actor == officer
    # The officer may still register on their own.
    assert services.register(workshop_id=workshop.pk, officer=officer).state == State.CONFIRMED


def test_a_nomination_is_declined_not_cancelled(workshop, focal_point, officer, client_for):
    reg = _offered(workshop, officer, focal_point)
    with pytest.raises(RegistrationError, match="accept or decline"):
        services.cancel_registration(registration_id=reg.pk, officer=officer)
    # Nor by a forged post to the cancel page, which the officer is never shown for it.
    client_for(officer).post(reverse("registration:cancel", args=[reg.pk]))
    reg.refresh_from_db()
    assert reg.state == State.OFFERED


def test_a_declined_nomination_can_be_made_again(workshop, focal_point, officer):
    reg = _offered(workshop, officer, focal_point)
    services.decline_nomination(registration_id=reg.pk, officer=officer)
    assert [r.pk for r in _nominate(workshop, officer, by=focal_point).done] == [reg.pk]


def test_the_coordinator_may_take_back_an_unanswered_nomination(
    workshop, focal_point, officer, coordinator
):
    reg = _offered(workshop, officer, focal_point)
    services.remove_registration(registration_id=reg.pk, by=coordinator, reason="Wrong level.")
    reg.refresh_from_db()
    assert reg.state == State.REMOVED


def test_an_unanswered_nomination_is_cancelled_with_the_workshop(workshop, focal_point, officer):
    reg = _offered(workshop, officer, focal_point)
    services.cancel_workshop_registrations(workshop_id=workshop.pk, by=None, reason="Storm.")
    reg.refresh_from_db()
    assert reg.state == State.CANCELLED


def test_accepting_takes_a_seat_held_for_the_agency(region, focal_point, officer, agency):
    workshop = WorkshopFactory(region=region, capacity=2)
    SeatReservation.objects.create(
        workshop=workshop, agency=agency, seats=1, until=workshop.starts_at
    )
    services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
    reg = _offered(workshop, officer, focal_point)
    assert services.accept_nomination(registration_id=reg.pk, officer=officer).state == (
        State.CONFIRMED
    )
