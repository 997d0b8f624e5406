"""Every way to a seat keeps the rules of registering: the officer's program access, the
workshop's state and the clash check. Found by a pen test on the paths other than `register`:
promotion from the waitlist, approval (one and bulk), endorsement, a capacity raise, a vetting
decision, a reschedule."""

import datetime as dt
import re
import zoneinfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from attendees.models import Agency, AgencyDomain, User
from attendees.models.access import AccessState
from attendees.services import reject_officer, suspend_officer
from attendees.services.agencies import reactivate_agency, suspend_agency
from attendees.services.reconfirm import make_reconfirm_token, reconfirm_agency_email
from outbox.models import Mail
from registrations import services
from registrations.models import Registration
from registrations.services import RegistrationError
from tests.commit import after_commit
from tests.factories import AgencyFactory, OfficerFactory, RegistrationFactory, WorkshopFactory
from tests.workshops.scheduling_helpers import form_data, published_revision, sessions_at
from workshops.models import Workshop
from workshops.services import SchedulingError, set_sessions, update_workshop

pytestmark = pytest.mark.django_db
State = Registration.State

NO_ACCESS = ["pending", "expired", "suspended", "rejected", "agency_suspended", "domain_removed"]


@pytest.fixture
def blocked_agency(region):
    """The agency of the officer who loses access: its own, so that suspending it or removing
    its domain leaves everybody else's access alone."""
    return AgencyFactory(name="Agency C", region=region)


def _revoke(officer: User, how: str, settings) -> User:
    """Take the officer's program access away as `how` says, behind every service's back (the
    state a registration meets when its turn comes), and return them as loaded afresh."""
    users = User.objects.filter(pk=officer.pk)
    if how in ("pending", "suspended", "rejected"):
        users.update(status=how)
    elif how == "expired":
        users.update(vetted_at=timezone.now() - settings.VETTING_VALIDITY - dt.timedelta(days=1))
    elif how == "agency_suspended":
        Agency.objects.filter(pk=officer.agency_id).update(is_active=False)
    elif how == "domain_removed":
        AgencyDomain.objects.filter(agency_id=officer.agency_id).delete()
    fresh = User.objects.get(pk=officer.pk)
    assert fresh.access_state != AccessState.OK
    return fresh


def _state(reg: Registration) -> str:
    reg.refresh_from_db()
    return reg.state


# --- 1. program access ---------------------------------------------------------------------


@pytest.fixture
def full_workshop(region, agency, blocked_agency):
    """One seat, taken; first on the waitlist an officer of `blocked_agency`, then another."""
    workshop = WorkshopFactory(region=region, capacity=1)
    seat = services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
    blocked = services.register(
        workshop_id=workshop.pk, officer=OfficerFactory(agency=blocked_agency)
    )
    second = services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
    assert (blocked.state, second.state) == (State.WAITLISTED, State.WAITLISTED)
    return workshop, seat, blocked, second


@pytest.mark.parametrize("how", NO_ACCESS)
def test_promotion_passes_over_an_officer_without_access_and_seats_the_next(
    full_workshop, how, settings
):
    _workshop, seat, blocked, second = full_workshop
    _revoke(blocked.officer, how, settings)
    services.cancel_registration(registration_id=seat.pk, officer=seat.officer)
    # Passed over, not withdrawn: they keep their place for when their access is back.
    assert (_state(blocked), _state(second)) == (State.WAITLISTED, State.CONFIRMED)


@pytest.mark.parametrize("how", ["suspended", "expired"])
def test_a_capacity_raise_passes_over_an_officer_without_access(
    full_workshop, coordinator, how, settings
):
    workshop, _seat, blocked, second = full_workshop
    _revoke(blocked.officer, how, settings)
    update_workshop(actor=coordinator, workshop=workshop, details={"capacity": 2})
    assert (_state(blocked), _state(second)) == (State.WAITLISTED, State.CONFIRMED)


def test_the_waitlist_moves_up_when_an_officer_renews_their_vetting(
    region, blocked_agency, agency, settings
):
    """A seat passed over stays free if nobody else waits; renewing the vetting takes it."""
    workshop = WorkshopFactory(region=region, capacity=1)
    seat = services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
    waiting = services.register(
        workshop_id=workshop.pk, officer=OfficerFactory(agency=blocked_agency)
    )
    officer = _revoke(waiting.officer, "expired", settings)
    services.cancel_registration(registration_id=seat.pk, officer=seat.officer)
    assert _state(waiting) == State.WAITLISTED
    reconfirm_agency_email(user_id=officer.pk, token=make_reconfirm_token(user=officer))
    assert _state(waiting) == State.CONFIRMED


def test_the_waitlist_moves_up_when_an_agency_is_reactivated(
    region, blocked_agency, agency, coordinator
):
    workshop = WorkshopFactory(region=region, capacity=1)
    seat = services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
    waiting = services.register(
        workshop_id=workshop.pk, officer=OfficerFactory(agency=blocked_agency)
    )
    suspend_agency(agency_id=blocked_agency.pk, by=coordinator, reason="MoU lapsed")
    services.cancel_registration(registration_id=seat.pk, officer=seat.officer)
    assert _state(waiting) == State.WAITLISTED
    reactivate_agency(agency_id=blocked_agency.pk, by=coordinator)
    assert _state(waiting) == State.CONFIRMED


def _pending(region, blocked_agency, **workshop):
    workshop = WorkshopFactory(region=region, requires_approval=True, **workshop)
    officer = OfficerFactory(agency=blocked_agency, full_name="Officer Carl")
    return services.register(workshop_id=workshop.pk, officer=officer)


@pytest.mark.parametrize(
    ("how", "says"),
    [
        ("pending", "still waiting to be vetted"),
        ("expired", "vetting has expired"),
        ("suspended", "account is suspended"),
        ("rejected", "was not approved"),
        ("agency_suspended", "agency has no access"),
        ("domain_removed", "agency has no access"),
    ],
)
def test_approval_refuses_an_officer_without_access(
    region, blocked_agency, coordinator, how, says, settings
):
    reg = _pending(region, blocked_agency)
    _revoke(reg.officer, how, settings)
    with pytest.raises(RegistrationError, match=says) as refused:
        services.approve_registration(registration_id=reg.pk, by=coordinator)
    assert "Officer Carl" in refused.value.message
    assert _state(reg) == State.PENDING


def test_bulk_approval_skips_an_officer_without_access_and_approves_the_others(
    region, agency, blocked_agency, coordinator, settings
):
    reg = _pending(region, blocked_agency)
    other = services.register(workshop_id=reg.workshop_id, officer=OfficerFactory(agency=agency))
    _revoke(reg.officer, "suspended", settings)
    result = services.approve_registrations(
        workshop_id=reg.workshop_id, registration_ids=[reg.pk, other.pk], by=coordinator
    )
    assert result.done == [other]
    assert len(result.skipped) == 1 and "account is suspended" in result.skipped[0]
    assert (_state(reg), _state(other)) == (State.PENDING, State.CONFIRMED)


@pytest.mark.parametrize("how", ["pending", "expired", "suspended"])
def test_endorsement_refuses_an_officer_without_access(region, how, settings):
    agency = AgencyFactory(region=region)
    focal = OfficerFactory(agency=agency, is_focal_point=True)
    workshop = WorkshopFactory(region=region, requires_nomination=True, requires_approval=True)
    nominated = services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
    officer = _revoke(nominated.officer, how, settings)
    with pytest.raises(RegistrationError, match=re.escape(str(officer))):
        services.endorse_nomination(registration_id=nominated.pk, by=focal)
    assert _state(nominated) == State.NOMINATION


def test_an_officer_whose_vetting_expires_keeps_their_confirmed_seat(
    full_workshop, settings, agency
):
    """Expiry is a date passing, not a decision: the seat taken while vetted stays (they are
    asked to re-confirm); only new seats wait for the renewal."""
    workshop, seat, _blocked, _second = full_workshop
    _revoke(seat.officer, "expired", settings)
    Workshop.objects.filter(pk=workshop.pk).update(capacity=3)
    services.fill_free_seats(workshop_id=workshop.pk)
    assert _state(seat) == State.CONFIRMED


# --- 2. vetting decisions ------------------------------------------------------------------


def test_suspending_an_officer_withdraws_their_registrations_and_frees_the_seats(
    region, agency, coordinator
):
    officer = OfficerFactory(agency=agency, full_name="Officer Sam")
    workshop = WorkshopFactory(region=region, capacity=1)
    later = WorkshopFactory(
        region=region,
        requires_approval=True,
        starts_at=workshop.starts_at + dt.timedelta(days=2),
        ends_at=workshop.ends_at + dt.timedelta(days=2),
    )
    with after_commit():
        seat = services.register(workshop_id=workshop.pk, officer=officer)
        pending = services.register(workshop_id=later.pk, officer=officer)
        waiting = services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
    mail.outbox.clear()
    with after_commit():
        suspend_officer(officer_id=officer.pk, by=coordinator, reason="Left the unit")
    assert (_state(seat), _state(pending)) == (State.CANCELLED, State.CANCELLED)
    assert seat.events.latest("pk").actor == coordinator
    assert _state(waiting) == State.CONFIRMED  # the freed seat went to the waitlist
    to_officer = [m for m in mail.outbox if m.to == [officer.email]]
    cancels = [m for m in to_officer for _ics, method in m.calendars if method == "CANCEL"]
    assert len(cancels) == 1  # the calendar entry of the seat is withdrawn
    plain = [m for m in to_officer if not m.calendars]
    assert len(plain) == 3  # the suspension, and one word for each registration
    assert not Registration.objects.filter(officer=officer).active().exists()


@pytest.mark.parametrize("status", ["published", "completed"])
def test_suspending_an_officer_keeps_what_they_attended(region, agency, coordinator, status):
    """A workshop already over stays on the officer's record (certificates, completion, the
    report's figures): no cancellation and no mail about it."""
    officer = OfficerFactory(agency=agency)
    past = timezone.now() - dt.timedelta(days=30)
    workshop = WorkshopFactory(
        region=region, status=status, starts_at=past, ends_at=past + dt.timedelta(hours=8)
    )
    attended = RegistrationFactory(workshop=workshop, officer=officer, state=State.CONFIRMED)
    mail.outbox.clear()
    with after_commit():
        suspend_officer(officer_id=officer.pk, by=coordinator, reason="Left the unit")
    assert _state(attended) == State.CONFIRMED
    assert not [m for m in mail.outbox if m.to == [officer.email] and workshop.title in m.subject]


def test_rejecting_an_officer_withdraws_any_registration_they_hold(region, coordinator):
    """A pending officer cannot register, but a registration they hold (made while vetted,
    then sent back to vetting) goes with the rejection."""
    agency = AgencyFactory(region=region)
    officer = OfficerFactory(agency=agency)
    reg = RegistrationFactory(workshop=WorkshopFactory(region=region), officer=officer)
    User.objects.filter(pk=officer.pk).update(status=User.Status.PENDING)
    reject_officer(officer_id=officer.pk, by=coordinator, reason="Not an investigator")
    assert _state(reg) == State.CANCELLED
    assert Mail.objects.filter(recipient=officer, kind="registration").exists()


# --- 3. the workshop's state ---------------------------------------------------------------


def _past_start():
    return timezone.now() - dt.timedelta(hours=1)


WORKSHOP_CLOSED = [
    ({"status": Workshop.Status.CANCELLED}, "has been cancelled"),
    ({"status": Workshop.Status.DRAFT}, "not open for registration"),
    ({"status": Workshop.Status.COMPLETED}, "not open for registration"),
    ({"starts_at": "past"}, "already started"),
]


def _close(workshop_id: int, changes: dict) -> None:
    changes = {k: (_past_start() if v == "past" else v) for k, v in changes.items()}
    Workshop.objects.filter(pk=workshop_id).update(**changes)


@pytest.mark.parametrize(("changes", "says"), WORKSHOP_CLOSED)
def test_approval_into_a_workshop_not_taking_seats_is_refused(
    region, agency, coordinator, changes, says
):
    reg = _pending(region, agency)
    _close(reg.workshop_id, changes)
    with pytest.raises(RegistrationError, match=says):
        services.approve_registration(registration_id=reg.pk, by=coordinator)
    assert _state(reg) == State.PENDING


@pytest.mark.parametrize(("changes", "says"), WORKSHOP_CLOSED)
def test_bulk_approval_into_a_workshop_not_taking_seats_is_refused_once(
    region, agency, coordinator, changes, says
):
    reg = _pending(region, agency)
    _close(reg.workshop_id, changes)
    with pytest.raises(RegistrationError, match=says):
        services.approve_registrations(
            workshop_id=reg.workshop_id, registration_ids=[reg.pk], by=coordinator
        )
    assert _state(reg) == State.PENDING


def test_approval_after_registration_closed_still_seats_before_the_start(
    region, agency, coordinator
):
    """The window is for officers' own registrations: coordinators decide on what came in up
    to the start, as the waitlist moves up to the start."""
    reg = _pending(region, agency)
    Workshop.objects.filter(pk=reg.workshop_id).update(
        registration_closes_at=timezone.now() - dt.timedelta(days=1)
    )
    services.approve_registration(registration_id=reg.pk, by=coordinator)
    assert _state(reg) == State.CONFIRMED


@pytest.mark.parametrize(("changes", "says"), WORKSHOP_CLOSED)
def test_endorsement_into_a_workshop_not_taking_seats_is_refused(
    region, agency, focal_point, changes, says
):
    workshop = WorkshopFactory(region=region, requires_nomination=True, requires_approval=True)
    nominated = services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
    _close(workshop.pk, changes)
    with pytest.raises(RegistrationError, match=says):
        services.endorse_nomination(registration_id=nominated.pk, by=focal_point)
    assert _state(nominated) == State.NOMINATION


def test_the_bulk_page_shows_the_refusal_once(client_for, region, agency, coordinator):
    reg = _pending(region, agency)
    _close(reg.workshop_id, {"starts_at": "past"})
    response = client_for(coordinator).post(
        reverse("registration:workshop_registrations", args=[reg.workshop_id]),
        {"action": "approve", "registrations": [reg.pk], "message": ""},
    )
    assert response.status_code == 400
    assert response.content.decode().count("already started") == 1
    assert _state(reg) == State.PENDING


# --- 4. rescheduling -------------------------------------------------------------------------


@pytest.fixture
def two_days(region, agency):
    """Workshops A and B on different days (Singapore), and three officers confirmed for
    both; a fourth only waits for B."""
    singapore = zoneinfo.ZoneInfo("Asia/Singapore")  # the factory's zone: days as typed there
    day = timezone.now().astimezone(singapore).date() + dt.timedelta(days=30)
    start = dt.datetime.combine(day, dt.time(9), tzinfo=singapore)
    a = WorkshopFactory(region=region, starts_at=start, ends_at=start + dt.timedelta(hours=6))
    b_start = start + dt.timedelta(days=2)
    b = WorkshopFactory(
        region=region,
        title="Mixers",
        capacity=3,
        starts_at=b_start,
        ends_at=b_start + dt.timedelta(hours=6),
    )
    both = [OfficerFactory(agency=agency, full_name=f"Both {i}") for i in range(3)]
    for officer in both:
        services.register(workshop_id=a.pk, officer=officer)
        services.register(workshop_id=b.pk, officer=officer)
    waiting = OfficerFactory(agency=agency)
    services.register(workshop_id=a.pk, officer=waiting)
    services.register(workshop_id=b.pk, officer=waiting)
    assert Registration.objects.get(workshop=b, officer=waiting).state == State.WAITLISTED
    return a, b


def test_moving_a_workshop_onto_another_that_its_officers_attend_is_refused(two_days, coordinator):
    a, b = two_days
    before = list(a.sessions.values_list("starts_at", "ends_at"))
    with pytest.raises(SchedulingError) as refused:
        set_sessions(actor=coordinator, workshop=a, sessions=sessions_at(b))
    assert "3 officers" in refused.value.message
    assert "Both" not in refused.value.message  # a count, never who
    assert list(a.sessions.values_list("starts_at", "ends_at")) == before


def test_moving_a_workshop_onto_another_only_waited_for_is_allowed(region, agency, coordinator):
    a = WorkshopFactory(region=region)
    start = a.starts_at + dt.timedelta(days=2)
    b = WorkshopFactory(
        region=region, capacity=1, starts_at=start, ends_at=a.ends_at + (start - a.starts_at)
    )
    services.register(workshop_id=b.pk, officer=OfficerFactory(agency=agency))
    officer = OfficerFactory(agency=agency)
    services.register(workshop_id=a.pk, officer=officer)
    assert services.register(workshop_id=b.pk, officer=officer).state == State.WAITLISTED
    set_sessions(actor=coordinator, workshop=a, sessions=sessions_at(b))
    a.refresh_from_db()
    assert a.starts_at == b.starts_at


def test_the_edit_page_says_why_a_reschedule_was_refused(client_for, two_days, coordinator):
    a, b = two_days
    tz = b.tzinfo
    day = b.starts_at.astimezone(tz)
    closes = (day - dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    data = form_data(
        a.region,
        rows=[
            (
                day.date().isoformat(),
                day.strftime("%H:%M"),
                b.ends_at.astimezone(tz).strftime("%H:%M"),
            )
        ],
        registration_closes_at=closes,
        modules=[published_revision()],
        title=a.title,
        time_zone=a.time_zone,
        capacity=a.capacity,
    )
    response = client_for(coordinator).post(reverse("workshops:workshop_edit", args=[a.pk]), data)
    assert response.status_code == 200
    assert "3 officers confirmed for this workshop" in response.content.decode()
    a.refresh_from_db()
    assert a.starts_at != b.starts_at
