import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from attendance import services
from attendance.models import Certificate, WalkIn
from attendees.models import User
from audit.models import AuditEntry
from registrations.models import Registration, RegistrationEvent
from tests.factories import OfficerFactory, RegistrationFactory, WorkshopFactory
from trainingsite.errors import ServiceError
from workshops.models import Workshop

State = Registration.State

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_workshop(current_workshop, agency):
    current_workshop.capacity = 1
    current_workshop.save()
    RegistrationFactory(workshop=current_workshop, officer=OfficerFactory(agency=agency))
    return current_workshop


def test_coordinator_adds_walk_in_over_capacity_and_it_is_recorded(
    coordinator, full_workshop, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.add_walk_in(
            workshop_id=full_workshop.pk, by=coordinator, email=officer.email, reason="Sent by HQ"
        )
    assert registration.state == Registration.State.CONFIRMED
    assert WalkIn.objects.get(registration=registration).over_capacity is True
    event = RegistrationEvent.objects.get(registration=registration)
    assert event.reason == "Walk-in (over capacity): Sent by HQ"
    assert event.actor == coordinator
    # Calendar invites synced after commit (and no e-mail about the registration itself).
    assert (
        [m.subject for m in mail.outbox if m.to == [officer.email]]
        == [m.subject for m in mail.outbox if m.to == [officer.email] and m.calendars]
        != []
    )


def test_trainer_cannot_go_over_capacity(trainer, full_workshop, officer):
    with pytest.raises(ServiceError, match="only a coordinator"):
        services.add_walk_in(
            workshop_id=full_workshop.pk, by=trainer, email=officer.email, reason="x"
        )
    assert not Registration.objects.filter(officer=officer).exists()


def test_trainer_may_fill_a_free_seat(trainer, current_workshop, officer):
    registration = services.add_walk_in(
        workshop_id=current_workshop.pk, by=trainer, email=officer.email, reason="On the list"
    )
    assert WalkIn.objects.get(registration=registration).over_capacity is False


def test_existing_waitlisted_registration_is_confirmed(coordinator, current_workshop, officer):
    RegistrationFactory(
        workshop=current_workshop, officer=officer, state=Registration.State.WAITLISTED
    )
    services.add_walk_in(
        workshop_id=current_workshop.pk, by=coordinator, email=officer.email, reason="Came"
    )
    assert Registration.objects.get(officer=officer).state == Registration.State.CONFIRMED
    assert Registration.objects.filter(officer=officer).count() == 1


def test_unverified_officer_cannot_walk_in(coordinator, current_workshop, pending_officer):
    with pytest.raises(ServiceError, match="No verified officer"):
        services.add_walk_in(
            workshop_id=current_workshop.pk,
            by=coordinator,
            email=pending_officer.email,
            reason="x",
        )


def test_staff_account_cannot_be_added_as_walk_in(coordinator, current_workshop, trainer):
    with pytest.raises(ServiceError):
        services.add_walk_in(
            workshop_id=current_workshop.pk, by=coordinator, email=trainer.email, reason="x"
        )


def test_already_confirmed_officer_is_refused(coordinator, current_workshop, officer):
    RegistrationFactory(workshop=current_workshop, officer=officer)
    with pytest.raises(ServiceError, match="already"):
        services.add_walk_in(
            workshop_id=current_workshop.pk, by=coordinator, email=officer.email, reason="x"
        )


def test_walk_in_view_shows_error_on_form(client_for, trainer, full_workshop, officer):
    url = reverse("attendance:walk_in", args=[full_workshop.pk])
    response = client_for(trainer).post(url, {"email": officer.email, "reason": "Came"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "only a coordinator" in body
    assert officer.email in body  # what was typed is kept


def test_walk_in_view_for_outsiders(client_for, other_coordinator, officer, current_workshop):
    url = reverse("attendance:walk_in", args=[current_workshop.pk])
    data = {"email": officer.email, "reason": "x"}
    assert client_for(officer).post(url, data).status_code == 403
    assert client_for(other_coordinator).post(url, data).status_code == 404
    assert User.objects.get(pk=officer.pk).registrations.count() == 0


# --- a walk-in obeys the rules of every other way to a seat -----------------------------------

# Zones whose clocks, taken together, leave no 8-hour stretch of the day uncovered: one of them
# is always between 08:00 and 16:00, so a test can place "today's" sessions on one local day.
SPREAD_ZONES = [
    "Pacific/Honolulu",
    "America/Sao_Paulo",
    "Europe/Lisbon",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Pacific/Auckland",
]


def _daytime_zone() -> str:
    now = timezone.now()
    return next(z for z in SPREAD_ZONES if 8 <= now.astimezone(ZoneInfo(z)).hour < 16)


def _walk_in(workshop, by, officer, reason="Turned up"):
    return services.add_walk_in(workshop_id=workshop.pk, by=by, email=officer.email, reason=reason)


def _refused(workshop, by, officer, match):
    with pytest.raises(ServiceError, match=match):
        _walk_in(workshop, by, officer)
    mine = Registration.objects.filter(workshop=workshop, officer=officer)
    assert not mine.filter(state=State.CONFIRMED).exists()
    assert not WalkIn.objects.filter(registration__in=mine).exists()


def _soon(**delta):
    return timezone.now().replace(microsecond=0) + dt.timedelta(**delta)


def test_a_draft_workshop_takes_no_walk_in(coordinator, region, trainer, officer):
    now = _soon()
    draft = WorkshopFactory(
        region=region,
        trainers=[trainer],
        status=Workshop.Status.DRAFT,
        sessions=[(now - dt.timedelta(minutes=10), now + dt.timedelta(hours=2))],
    )
    _refused(draft, trainer, officer, "draft")
    _refused(draft, coordinator, officer, "draft")


def test_a_cancelled_workshop_takes_no_walk_in(trainer, current_workshop, officer):
    Workshop.objects.filter(pk=current_workshop.pk).update(status=Workshop.Status.CANCELLED)
    _refused(current_workshop, trainer, officer, "cancelled")


def test_a_closed_workshop_takes_no_walk_in(trainer, past_workshop, officer):
    services.close_workshop(workshop_id=past_workshop.pk, by=trainer)
    _refused(past_workshop, trainer, officer, "completed")


def test_a_reopened_past_workshop_takes_no_walk_in_so_closing_certifies_nobody_new(
    trainer, coordinator, past_workshop, officer
):
    services.close_workshop(workshop_id=past_workshop.pk, by=trainer)
    services.reopen_workshop(workshop_id=past_workshop.pk, by=coordinator, reason="Typo")
    _refused(past_workshop, coordinator, officer, "has ended")
    services.close_workshop(workshop_id=past_workshop.pk, by=coordinator)
    assert not Certificate.objects.filter(registration__officer=officer).exists()


def test_no_walk_in_on_a_day_before_the_workshop(trainer, region, officer):
    upcoming = WorkshopFactory(region=region, trainers=[trainer])  # in 30 days
    _refused(upcoming, trainer, officer, "Walk-ins join on a day of the workshop")


def test_no_walk_in_after_the_days_last_session_until_the_next_day(trainer, region, officer):
    workshop = WorkshopFactory(
        region=region,
        trainers=[trainer],
        time_zone=_daytime_zone(),
        sessions=[
            (_soon(hours=-3), _soon(hours=-1)),
            (_soon(days=1), _soon(days=1, hours=3)),
        ],
    )
    _refused(workshop, trainer, officer, "until that day's last session ends")


def test_a_walk_in_joins_at_the_door_before_the_days_first_session(trainer, region, officer):
    workshop = WorkshopFactory(
        region=region,
        trainers=[trainer],
        time_zone=_daytime_zone(),
        sessions=[(_soon(hours=1), _soon(hours=3))],
    )
    assert _walk_in(workshop, trainer, officer).state == State.CONFIRMED


def test_a_registration_window_that_closed_does_not_stop_a_walk_in(
    trainer, current_workshop, officer
):
    Workshop.objects.filter(pk=current_workshop.pk).update(
        registration_closes_at=_soon(days=-2), registration_opens_at=_soon(days=-9)
    )
    assert _walk_in(current_workshop, trainer, officer).state == State.CONFIRMED


@pytest.mark.parametrize("decided", [State.DECLINED, State.REMOVED])
def test_a_declined_or_removed_officer_is_not_walked_back_in(
    coordinator, current_workshop, officer, decided
):
    RegistrationFactory(workshop=current_workshop, officer=officer, state=decided)
    _refused(current_workshop, coordinator, officer, "declined or removed")
    assert Registration.objects.get(officer=officer).state == decided


def test_a_nomination_the_focal_point_has_not_endorsed_stops_a_walk_in(
    trainer, current_workshop, officer
):
    Workshop.objects.filter(pk=current_workshop.pk).update(requires_nomination=True)
    RegistrationFactory(workshop=current_workshop, officer=officer, state=State.NOMINATION)
    _refused(current_workshop, trainer, officer, "nomination")
    assert Registration.objects.get(officer=officer).state == State.NOMINATION


def test_a_workshop_needing_nomination_takes_no_unnominated_walk_in(
    coordinator, current_workshop, officer
):
    Workshop.objects.filter(pk=current_workshop.pk).update(requires_nomination=True)
    _refused(current_workshop, coordinator, officer, "nomination")


def test_an_endorsed_nomination_awaiting_approval_is_approved_by_the_walk_in(
    trainer, current_workshop, officer
):
    Workshop.objects.filter(pk=current_workshop.pk).update(requires_nomination=True)
    reg = RegistrationFactory(workshop=current_workshop, officer=officer, state=State.PENDING)
    assert _walk_in(current_workshop, trainer, officer).pk == reg.pk
    reg.refresh_from_db()
    assert reg.state == State.CONFIRMED
    entry = AuditEntry.objects.get(action="registration.walk_in")
    assert entry.target_id == str(reg.pk) and entry.actor == trainer


def test_the_agency_cap_stops_a_trainers_walk_in(trainer, current_workshop, officer, agency):
    Workshop.objects.filter(pk=current_workshop.pk).update(agency_seat_cap=1)
    RegistrationFactory(workshop=current_workshop, officer=OfficerFactory(agency=agency))
    _refused(current_workshop, trainer, officer, "agency's cap")


def test_a_coordinator_may_go_beyond_the_agency_cap_and_it_is_recorded(
    coordinator, current_workshop, officer, agency
):
    Workshop.objects.filter(pk=current_workshop.pk).update(agency_seat_cap=1)
    RegistrationFactory(workshop=current_workshop, officer=OfficerFactory(agency=agency))
    registration = _walk_in(current_workshop, coordinator, officer, reason="HQ asked")
    assert WalkIn.objects.get(registration=registration).over_capacity is True
    event = RegistrationEvent.objects.get(registration=registration)
    assert event.reason == "Walk-in (over the agency's cap): HQ asked"


def test_a_clash_with_another_confirmed_workshop_stops_a_walk_in(
    coordinator, region, current_workshop, officer
):
    session = current_workshop.sessions.first()
    other = WorkshopFactory(
        region=region, title="Tracing Monero", sessions=[(session.starts_at, session.ends_at)]
    )
    RegistrationFactory(workshop=other, officer=officer)
    _refused(current_workshop, coordinator, officer, "Tracing Monero")


def test_the_officer_in_the_room_gets_no_email_but_the_history_and_audit_say_who(
    trainer, current_workshop, officer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        registration = _walk_in(current_workshop, trainer, officer, reason="On the list")
    event = RegistrationEvent.objects.get(registration=registration)
    assert event.actor == trainer
    assert not [m for m in mailoutbox if officer.email in m.to and not m.calendars]
    assert AuditEntry.objects.filter(action="registration.walk_in", actor=trainer).exists()


def test_walk_in_view_refuses_a_draft_with_the_reason(client_for, coordinator, region, officer):
    now = _soon()
    draft = WorkshopFactory(
        region=region,
        status=Workshop.Status.DRAFT,
        sessions=[(now - dt.timedelta(minutes=10), now + dt.timedelta(hours=2))],
    )
    url = reverse("attendance:walk_in", args=[draft.pk])
    response = client_for(coordinator).post(url, {"email": officer.email, "reason": "Came"})
    assert response.status_code == 400
    assert "draft" in response.content.decode()
    assert not Registration.objects.filter(officer=officer).exists()


def test_a_trainer_cannot_add_themself_as_a_walk_in(current_workshop, agency, trainer):
    # A trainer who also holds an officer's account, with a request still to be approved.
    trainer.agency = agency
    trainer.email = "trainer@agencya.gov"
    trainer.save()
    RegistrationFactory(workshop=current_workshop, officer=trainer, state=State.PENDING)
    with pytest.raises(ServiceError, match="yourself"):
        services.add_walk_in(
            workshop_id=current_workshop.pk, by=trainer, email=trainer.email, reason="I am here"
        )
    assert Registration.objects.get(officer=trainer).state == State.PENDING
