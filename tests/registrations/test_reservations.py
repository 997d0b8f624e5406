"""Seats held for an agency: the seat rule in every way to a seat, the coordinator's
reservations and the release job."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from registrations import services, tasks
from registrations.models import Registration, SeatReservation
from registrations.services import RegistrationError
from registrations.services.seats import free_seats
from tests.factories import (
    AgencyFactory,
    CoordinatorFactory,
    OfficerFactory,
    RegistrationFactory,
    WorkshopFactory,
)
from workshops.models import Workshop

pytestmark = pytest.mark.django_db
State = Registration.State


def _hold(workshop, agency, seats, *, until=None, released=False):
    return SeatReservation.objects.create(
        workshop=workshop,
        agency=agency,
        seats=seats,
        until=until or workshop.starts_at - dt.timedelta(days=1),
        released_at=timezone.now() if released else None,
    )


def _nominated(workshop, agency, focal):
    """An officer of `agency` nominated by `focal` who accepted: an endorsed registration."""
    officer = OfficerFactory(agency=agency)
    (reg,) = services.nominate(workshop_id=workshop.pk, officer_ids=[officer.pk], by=focal).done
    return services.accept_nomination(registration_id=reg.pk, officer=officer)


@pytest.fixture
def focal_b(other_agency):
    return OfficerFactory(agency=other_agency, is_focal_point=True, full_name="Focal B")


# --- the rule -------------------------------------------------------------------------------


def test_free_seats_hold_back_other_agencies_and_own_unless_endorsed():
    reserved = {1: 2, 2: 3}
    kw = {"capacity": 10, "confirmed": 4, "reserved": reserved}
    assert free_seats(**kw, agency_id=1, endorsed=True) == 10 - 4 - 3
    assert free_seats(**kw, agency_id=1, endorsed=False) == 10 - 4 - 5
    assert free_seats(**kw, agency_id=9, endorsed=True) == 10 - 4 - 5


def test_registering_never_takes_a_held_seat(region, agency, other_agency):
    workshop = WorkshopFactory(region=region, capacity=3)
    _hold(workshop, agency, 2)
    first = services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=other_agency))
    assert first.state == State.CONFIRMED
    # Neither another agency's officer nor one of the agency registering on their own.
    for who in (other_agency, agency):
        reg = services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=who))
        assert reg.state == State.WAITLISTED


def test_a_released_reservation_holds_nothing(region, agency, other_agency):
    workshop = WorkshopFactory(region=region, capacity=2)
    _hold(workshop, agency, 2, released=True)
    _hold(workshop, other_agency, 1)
    reg = services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
    assert reg.state == State.CONFIRMED
    reg = services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
    assert reg.state == State.WAITLISTED  # the one left is other_agency's


def test_an_accepted_nomination_fills_the_agency_seat_then_open_ones(
    region, agency, other_agency, focal_point
):
    workshop = WorkshopFactory(region=region, capacity=3)
    _hold(workshop, agency, 1)
    services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=other_agency))
    assert _nominated(workshop, agency, focal_point).state == State.CONFIRMED  # the held seat
    assert _nominated(workshop, agency, focal_point).state == State.CONFIRMED  # the open one
    assert _nominated(workshop, agency, focal_point).state == State.WAITLISTED
    (reservation,) = SeatReservation.objects.with_filled()
    assert reservation.filled == 2


def test_accepting_cannot_take_another_agencys_held_seat(region, agency, other_agency, focal_b):
    workshop = WorkshopFactory(region=region, capacity=2)
    _hold(workshop, agency, 1)
    services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
    assert _nominated(workshop, other_agency, focal_b).state == State.WAITLISTED


def test_approval_gives_the_held_seat_only_to_the_endorsed(
    region, agency, focal_point, coordinator
):
    workshop = WorkshopFactory(region=region, capacity=2, requires_approval=True)
    _hold(workshop, agency, 1)
    plain = [
        services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
        for _ in range(2)
    ]
    endorsed = _nominated(workshop, agency, focal_point)
    assert endorsed.state == State.PENDING
    result = services.approve_registrations(
        workshop_id=workshop.pk,
        registration_ids=[r.pk for r in [*plain, endorsed]],
        by=coordinator,
    )
    assert len(result.done) == 3
    states = {r.pk: r.state for r in Registration.objects.filter(workshop=workshop)}
    assert states[plain[0].pk] == State.CONFIRMED
    assert states[plain[1].pk] == State.WAITLISTED  # the free seat left is held
    assert states[endorsed.pk] == State.CONFIRMED


def test_an_endorsed_request_takes_the_held_seat_on_approval(
    region, agency, focal_point, coordinator
):
    workshop = WorkshopFactory(region=region, capacity=1, requires_nomination=True)
    _hold(workshop, agency, 1)
    reg = services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
    services.endorse_nomination(registration_id=reg.pk, by=focal_point)
    services.approve_registration(registration_id=reg.pk, by=coordinator)
    reg.refresh_from_db()
    assert reg.state == State.CONFIRMED


def test_the_waitlist_passes_over_who_cannot_use_a_held_seat_keeping_their_place(
    region, agency, other_agency, focal_point
):
    workshop = WorkshopFactory(region=region, capacity=2)
    _hold(workshop, agency, 1)
    seated = services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=other_agency))
    first = services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=other_agency))
    plain_a = services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
    endorsed = RegistrationFactory(
        workshop=workshop,
        officer=OfficerFactory(agency=agency),
        state=State.WAITLISTED,
        confirmed_at=None,
        waitlisted_at=timezone.now(),
        endorsed_by=focal_point,
    )
    assert (seated.state, first.state, plain_a.state) == (
        State.CONFIRMED,
        State.WAITLISTED,
        State.WAITLISTED,
    )
    promoted = services.fill_free_seats(workshop_id=workshop.pk)
    assert [r.pk for r in promoted] == [endorsed.pk]
    positions = dict(
        Registration.objects.filter(workshop=workshop, state=State.WAITLISTED)
        .with_waitlist_position()
        .values_list("pk", "waitlist_position")
    )
    assert positions == {first.pk: 1, plain_a.pk: 2}


def test_the_agency_cap_still_applies_to_held_seats(region, agency, focal_point):
    workshop = WorkshopFactory(region=region, capacity=5, agency_seat_cap=1)
    _hold(workshop, agency, 1)
    assert _nominated(workshop, agency, focal_point).state == State.CONFIRMED
    assert _nominated(workshop, agency, focal_point).state == State.WAITLISTED


def test_a_walk_in_into_a_held_seat_is_a_coordinators_call(
    region, agency, other_agency, trainer, coordinator
):
    now = timezone.now().replace(microsecond=0)
    workshop = WorkshopFactory(
        region=region,
        capacity=1,
        trainers=[trainer],
        sessions=[(now - dt.timedelta(minutes=10), now + dt.timedelta(hours=3))],
    )
    _hold(workshop, agency, 1, until=now - dt.timedelta(hours=1))
    walker = OfficerFactory(agency=other_agency)
    with pytest.raises(RegistrationError, match="only a coordinator"):
        services.admit_walk_in(workshop_id=workshop.pk, email=walker.email, by=trainer, reason="x")
    admitted = services.admit_walk_in(
        workshop_id=workshop.pk, email=walker.email, by=coordinator, reason="Sent by HQ"
    )
    assert admitted.over_capacity is True


def test_officers_are_not_told_a_held_seat_is_free(region, agency, other_agency, client_for):
    workshop = WorkshopFactory(region=region, capacity=3, title="Held workshop")
    _hold(workshop, agency, 2)
    services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=other_agency))
    shown = Workshop.objects.with_seat_counts().get(pk=workshop.pk)
    assert (shown.seats_taken, shown.seats_reserved, shown.seats_left) == (1, 2, 0)
    assert Workshop.objects.get(pk=workshop.pk).seats_left == 0  # unannotated: read live
    client = client_for(OfficerFactory(agency=other_agency))
    page = client.get(reverse("workshops:workshop_detail", args=[workshop.pk]))
    assert "seats left" not in page.content.decode()
    catalog = client.get(reverse("workshops:catalog"), {"available": "on"})
    assert "Held workshop" not in catalog.content.decode()


# --- reserve, change, release ---------------------------------------------------------------


def _reserve(workshop, agency, by, seats=2, **kw):
    kw.setdefault("until", workshop.starts_at - dt.timedelta(days=2))
    return services.reserve_seats(
        workshop_id=workshop.pk, agency_id=agency.pk, seats=seats, by=by, **kw
    )


@pytest.mark.parametrize("who", ["coordinator", "program_admin"])
def test_the_regions_coordinator_holds_seats_for_any_active_agency(request, who, region):
    by = request.getfixturevalue(who)
    workshop = WorkshopFactory(region=region, capacity=5)
    # An agency of another region: officers of every region attend every workshop.
    far = AgencyFactory(region=request.getfixturevalue("other_region"))
    reservation = _reserve(workshop, far, by, note="For the liaison team")
    assert (reservation.seats, reservation.created_by, reservation.released_at) == (2, by, None)
    audit = AuditEntry.objects.get(action="seat_reservation.reserved")
    assert (audit.actor, audit.data["message"]) == (by, "For the liaison team")


@pytest.mark.parametrize("who", ["other_coordinator", "trainer", "focal_point", "officer"])
def test_nobody_else_holds_seats(request, who, region, agency):
    workshop = WorkshopFactory(region=region)
    with pytest.raises(RegistrationError, match="cannot manage"):
        _reserve(workshop, agency, request.getfixturevalue(who))
    assert not SeatReservation.objects.exists()


def test_a_coordinator_of_the_agency_does_not_hold_seats_for_it(region, agency):
    coordinator = CoordinatorFactory(regions=[region], agency=agency, email="both@agencya.gov")
    workshop = WorkshopFactory(region=region)
    with pytest.raises(RegistrationError, match="your own agency"):
        _reserve(workshop, agency, coordinator)
    assert not SeatReservation.objects.exists()


def test_holding_again_changes_the_one_reservation_and_lowering_promotes(
    region, agency, other_agency, coordinator
):
    workshop = WorkshopFactory(region=region, capacity=3)
    first = _reserve(workshop, agency, coordinator, seats=3)
    waiting = services.register(
        workshop_id=workshop.pk, officer=OfficerFactory(agency=other_agency)
    )
    assert waiting.state == State.WAITLISTED
    changed = _reserve(workshop, agency, coordinator, seats=2)
    assert changed.pk == first.pk and changed.seats == 2
    assert SeatReservation.objects.count() == 1
    waiting.refresh_from_db()
    assert waiting.state == State.CONFIRMED
    audit = AuditEntry.objects.get(action="seat_reservation.changed")
    assert audit.data["before"]["seats"] == 3


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"seats": 0}, "at least one"),
        ({"seats": 4}, "Only 3 seats"),
        ({"until": "past"}, "future"),
        ({"until": "after"}, "at the latest"),
    ],
)
def test_reservations_are_checked(region, agency, coordinator, change, message):
    workshop = WorkshopFactory(region=region, capacity=3)
    kw = dict(change)
    if kw.get("until") == "past":
        kw["until"] = timezone.now() - dt.timedelta(minutes=1)
    elif kw.get("until") == "after":
        kw["until"] = workshop.starts_at + dt.timedelta(minutes=1)
    with pytest.raises(RegistrationError, match=message):
        _reserve(workshop, agency, coordinator, **kw)


def test_no_more_than_the_agency_cap_or_what_is_free(region, agency, other_agency, coordinator):
    workshop = WorkshopFactory(region=region, capacity=4, agency_seat_cap=2)
    with pytest.raises(RegistrationError, match="at most 2"):
        _reserve(workshop, agency, coordinator, seats=3)
    _reserve(workshop, other_agency, coordinator, seats=2)
    services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
    with pytest.raises(RegistrationError, match="Only 1 seats"):
        _reserve(workshop, agency, coordinator, seats=2)


def test_an_inactive_agency_or_a_cancelled_workshop_gets_no_seats(region, agency, coordinator):
    workshop = WorkshopFactory(region=region)
    agency.is_active = False
    agency.save()
    with pytest.raises(RegistrationError, match="active agency"):
        _reserve(workshop, agency, coordinator)
    cancelled = WorkshopFactory(region=region, status=Workshop.Status.CANCELLED)
    with pytest.raises(RegistrationError, match="draft or published"):
        _reserve(cancelled, AgencyFactory(region=region), coordinator)


def test_releasing_returns_the_seats_to_the_waitlist_in_order(
    region, agency, other_agency, coordinator, other_coordinator
):
    workshop = WorkshopFactory(region=region, capacity=3)
    reservation = _reserve(workshop, agency, coordinator, seats=2)
    services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=other_agency))
    waiting = [
        services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=other_agency))
        for _ in range(3)
    ]
    with pytest.raises(RegistrationError, match="cannot manage"):
        services.release_reservation(reservation_id=reservation.pk, by=other_coordinator)
    services.release_reservation(reservation_id=reservation.pk, by=coordinator)
    states = [Registration.objects.get(pk=r.pk).state for r in waiting]
    assert states == [State.CONFIRMED, State.CONFIRMED, State.WAITLISTED]
    reservation.refresh_from_db()
    assert reservation.released_by == coordinator and reservation.released_at is not None
    with pytest.raises(RegistrationError, match="already returned"):
        services.release_reservation(reservation_id=reservation.pk, by=coordinator)
    assert AuditEntry.objects.filter(action="seat_reservation.released").count() == 1


# --- the release job ------------------------------------------------------------------------


def test_the_job_releases_due_reservations_once_and_promotes_in_order(
    region, agency, other_agency, coordinator, django_capture_on_commit_callbacks
):
    workshop = WorkshopFactory(region=region, capacity=2)
    due = _reserve(workshop, agency, coordinator, seats=2)
    later = WorkshopFactory(region=region, capacity=2)
    kept = _reserve(later, agency, coordinator, seats=1)
    waiting = [
        services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=other_agency))
        for _ in range(3)
    ]
    assert {r.state for r in waiting} == {State.WAITLISTED}
    # A held reservation past its date still holds until the job runs.
    SeatReservation.objects.filter(pk=due.pk).update(until=timezone.now() - dt.timedelta(minutes=1))
    late = services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=other_agency))
    assert late.state == State.WAITLISTED
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.release_due_reservations.delay().get() == 1
    states = [Registration.objects.get(pk=r.pk).state for r in [*waiting, late]]
    assert states == [State.CONFIRMED, State.CONFIRMED, State.WAITLISTED, State.WAITLISTED]
    due.refresh_from_db()
    kept.refresh_from_db()
    assert due.released_at is not None and due.released_by is None
    assert kept.released_at is None
    audit = AuditEntry.objects.get(action="seat_reservation.released")
    assert audit.actor is None and audit.data["by_the_system"] is True
    # A second run finds nothing to do and changes nothing.
    assert services.release_due_reservations() == 0
    assert AuditEntry.objects.filter(action="seat_reservation.released").count() == 1
    assert Registration.objects.filter(workshop=workshop, state=State.CONFIRMED).count() == 2


def test_the_job_leaves_reservations_not_due(region, agency, coordinator):
    workshop = WorkshopFactory(region=region)
    reservation = _reserve(workshop, agency, coordinator)
    assert services.release_due_reservations() == 0
    assert services.release_due_reservations(now=reservation.until) == 1


def test_the_job_is_on_the_beat_schedule():
    from trainingsite.celery import app

    entry = app.conf.beat_schedule["registrations-release-due-reservations"]
    assert entry["task"] == "registrations.tasks.release_due_reservations"


@pytest.mark.parametrize("until", ["0001-01-01T00:00", "9999-12-31T23:59"])
@pytest.mark.parametrize("zone", ["Asia/Singapore", "America/Lima"])
def test_a_date_at_the_end_of_the_calendar_is_a_form_error(
    client_for, coordinator, region, agency, until, zone
):
    workshop = WorkshopFactory(region=region, time_zone=zone)
    response = client_for(coordinator).post(
        reverse("registration:reserve_seats", args=[workshop.pk]),
        {"agency": agency.pk, "seats": "2", "until": until},
    )
    assert response.status_code == 400
    assert response.context["reservation_form"].errors["until"]
    assert not SeatReservation.objects.exists()


@pytest.mark.parametrize("workshop_id", ["abc", None, 2**70])
def test_holding_seats_on_no_workshop_is_refused(coordinator, agency, workshop_id):
    with pytest.raises(RegistrationError, match="cannot manage this workshop"):
        services.reserve_seats(
            workshop_id=workshop_id,
            agency_id=agency.pk,
            seats=1,
            until=timezone.now() + dt.timedelta(days=1),
            by=coordinator,
        )
