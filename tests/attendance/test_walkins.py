import pytest
from django.urls import reverse

from attendance import services
from attendance.models import WalkIn
from attendees.models import Registration, RegistrationEvent, User
from tests.factories import OfficerFactory, RegistrationFactory
from trainingsite.errors import ServiceError

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
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        registration = services.add_walk_in(
            workshop_id=full_workshop.pk, by=coordinator, email=officer.email, reason="Sent by HQ"
        )
    assert registration.state == Registration.State.CONFIRMED
    assert WalkIn.objects.get(registration=registration).over_capacity is True
    event = RegistrationEvent.objects.get(registration=registration)
    assert event.reason == "Walk-in (over capacity): Sent by HQ"
    assert event.actor == coordinator
    assert len(callbacks) == 1  # calendar invites synced after commit


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
