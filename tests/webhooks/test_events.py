"""Events are recorded in the transaction of the change and sent only after it commits: no
request waits on a receiver."""

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from attendance import services as attendance_services
from registrations.models import Registration
from registrations.services import register
from tests.factories import ModuleFactory, RegistrationFactory, WorkshopFactory, publish_directly
from webhooks.fanout import fan_out
from webhooks.models import Delivery, Event, EventType
from workshops.models import WorkshopModule
from workshops.services.scheduling import cancel_workshop, publish_workshop

pytestmark = pytest.mark.django_db


@pytest.fixture
def listener(program_admin, make_endpoint):
    """An active endpoint somewhere: events are recorded only while one exists."""
    return make_endpoint(program_admin)


def _types() -> list[str]:
    return list(Event.objects.order_by("pk").values_list("type", flat=True))


def test_a_registration_records_its_state_change(region, officer, listener):
    workshop = WorkshopFactory(region=region)
    registration = register(workshop_id=workshop.pk, officer=officer)
    event = Event.objects.get(type=EventType.REGISTRATION_CHANGED)
    assert event.data == {
        "registration_id": registration.pk,
        "workshop_id": workshop.pk,
        "officer_id": officer.pk,
        "from_state": None,
        "to_state": registration.state,
    }
    assert event.agency_ids == [officer.agency_id]
    fan_out(event.pk)
    event.refresh_from_db()
    assert event.region_id == region.pk


def test_event_data_never_names_anyone(region, officer, trainer, listener):
    workshop = WorkshopFactory(region=region, trainers=[trainer], sessions=[(_ago(50), _ago(48))])
    registration = RegistrationFactory(workshop=workshop, officer=officer)
    session = workshop.sessions.get()
    attendance_services.record_marks(
        session_id=session.pk, by=trainer, marks={registration.pk: "present"}
    )
    attendance_services.close_workshop(workshop_id=workshop.pk, by=trainer)
    assert Event.objects.count() == 2
    text = json.dumps(list(Event.objects.values("data")))
    for secret in (officer.email, officer.full_name, trainer.email, workshop.title):
        assert secret not in text


def _ago(hours):
    return timezone.now().replace(microsecond=0) - dt.timedelta(hours=hours)


def test_closing_records_the_closure_and_each_certificate(region, officer, trainer, listener):
    workshop = WorkshopFactory(region=region, trainers=[trainer], sessions=[(_ago(50), _ago(48))])
    registration = RegistrationFactory(workshop=workshop, officer=officer)
    attendance_services.record_marks(
        session_id=workshop.sessions.get().pk, by=trainer, marks={registration.pk: "present"}
    )
    attendance_services.close_workshop(workshop_id=workshop.pk, by=trainer)
    assert _types() == ["certificate.issued", "attendance.closed"]
    issued = Event.objects.get(type="certificate.issued")
    assert issued.data["officer_id"] == officer.pk
    assert issued.data["workshop_id"] == workshop.pk
    assert issued.agency_ids == [officer.agency_id]
    closed = Event.objects.get(type="attendance.closed")
    assert closed.data == {"workshop_id": workshop.pk, "status": "completed"}
    assert closed.agency_ids == [officer.agency_id]


def test_a_cancellation_is_one_cancelled_event_that_still_reaches_the_registrants_agency(
    region, coordinator, officer, listener
):
    workshop = WorkshopFactory(region=region)
    RegistrationFactory(workshop=workshop, officer=officer)
    # An officer of another agency who had cancelled before is not concerned.
    RegistrationFactory(workshop=workshop, state="cancelled", confirmed_at=None)
    cancel_workshop(actor=coordinator, workshop=workshop, reason="Venue flooded")
    assert _types() == ["registration.changed", "workshop.cancelled"]
    cancelled = Event.objects.get(type="workshop.cancelled")
    assert cancelled.agency_ids == [officer.agency_id]
    assert cancelled.data == {"workshop_id": workshop.pk, "status": "cancelled"}


def test_publishing_records_a_workshop_change(region, coordinator, listener):
    workshop = WorkshopFactory(region=region, status="draft")
    module = ModuleFactory()
    publish_directly(module)
    WorkshopModule.objects.create(workshop=workshop, revision=module.published_revision)
    publish_workshop(actor=coordinator, workshop=workshop)
    assert Event.objects.get(type="workshop.changed").data == {
        "workshop_id": workshop.pk,
        "status": "published",
    }


def test_the_fan_out_is_enqueued_on_commit(
    region, officer, coordinator, make_endpoint, receiver, django_capture_on_commit_callbacks
):
    make_endpoint(coordinator, url=receiver.url)
    workshop = WorkshopFactory(region=region)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        register(workshop_id=workshop.pk, officer=officer)
    assert Event.objects.count() == 1
    assert Delivery.objects.count() == 0
    assert receiver.requests == []
    for callback in callbacks:
        callback()
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.DELIVERED
    assert len(receiver.requests) == 1


def test_a_request_never_waits_on_the_receiver(
    client_for,
    region,
    officer,
    coordinator,
    make_endpoint,
    receiver,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    """The officer's registration returns before anything is sent: the fan-out and the POST
    are tasks enqueued on commit, run by a worker."""
    make_endpoint(coordinator, url=receiver.url)
    workshop = WorkshopFactory(region=region)
    client = client_for(officer)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("registration:register", args=[workshop.pk]))
    assert response.status_code == 302
    assert Registration.objects.filter(officer=officer, workshop=workshop).exists()
    assert receiver.requests == []
    assert Delivery.objects.count() == 0
    for callback in callbacks:
        callback()
    assert len(receiver.requests) == 1
    assert receiver.payloads()[0]["type"] == "registration.changed"


def test_nothing_is_recorded_for_a_change_that_rolled_back(region, officer, listener):
    workshop = WorkshopFactory(region=region, capacity=1, status="draft")
    with pytest.raises(Exception):  # noqa: B017  (the service's refusal, whatever its class)
        register(workshop_id=workshop.pk, officer=officer)
    assert Event.objects.count() == 0


def test_nothing_is_recorded_while_no_endpoint_is_active(region, officer, make_endpoint):
    make_endpoint(officer, is_active=False)
    register(workshop_id=WorkshopFactory(region=region).pk, officer=officer)
    assert Event.objects.count() == 0
