"""Who hears of what: decided at fan-out from the owners' roles then; once per endpoint."""

import pytest

from attendees.models import User
from tests.factories import (
    CoordinatorFactory,
    OfficerFactory,
    RegistrationFactory,
    TrainerFactory,
    WorkshopFactory,
)
from webhooks import fanout
from webhooks.events import record_registration_change, record_workshop_event
from webhooks.models import Delivery, Event, EventType

pytestmark = pytest.mark.django_db


@pytest.fixture
def owners(make_endpoint, coordinator, other_coordinator, program_admin, focal_point, other_agency):
    focal_b = OfficerFactory(agency=other_agency, is_focal_point=True)
    trainer = TrainerFactory()
    people = {
        "coord_a": coordinator,
        "coord_b": other_coordinator,
        "admin": program_admin,
        "focal_a": focal_point,
        "focal_b": focal_b,
        "trainer": trainer,
    }
    return {name: make_endpoint(user) for name, user in people.items()}


def _owners_of(event, owners) -> set[str]:
    pks = set(Delivery.objects.filter(event=event).values_list("endpoint_id", flat=True))
    return {name for name, endpoint in owners.items() if endpoint.pk in pks}


def _registration_event(workshop, officer):
    registration = RegistrationFactory(workshop=workshop, officer=officer)
    change = registration.events.create(from_state="pending", to_state="confirmed")
    return record_registration_change(change)


def test_a_registration_event_reaches_its_region_its_agency_and_the_admins(owners, region, officer):
    event = _registration_event(WorkshopFactory(region=region), officer)
    fanout.fan_out(event.pk)
    assert _owners_of(event, owners) == {"coord_a", "admin", "focal_a"}


def test_an_event_of_another_region_and_agency_reaches_only_theirs(
    owners, other_region, other_agency_officer
):
    event = _registration_event(WorkshopFactory(region=other_region), other_agency_officer)
    fanout.fan_out(event.pk)
    assert _owners_of(event, owners) == {"coord_b", "admin", "focal_b"}


def test_an_officer_of_agency_a_in_region_b_reaches_focal_a_not_coord_a(
    owners, other_region, officer
):
    event = _registration_event(WorkshopFactory(region=other_region), officer)
    fanout.fan_out(event.pk)
    assert _owners_of(event, owners) == {"coord_b", "admin", "focal_a"}


def test_a_workshop_change_reaches_focal_points_of_agencies_holding_a_registration(
    owners, region, officer
):
    workshop = WorkshopFactory(region=region)
    RegistrationFactory(workshop=workshop, officer=officer)
    event = record_workshop_event(workshop, EventType.WORKSHOP_CHANGED)
    fanout.fan_out(event.pk)
    assert _owners_of(event, owners) == {"coord_a", "admin", "focal_a"}

    empty = record_workshop_event(WorkshopFactory(region=region), EventType.WORKSHOP_CHANGED)
    fanout.fan_out(empty.pk)
    assert _owners_of(empty, owners) == {"coord_a", "admin"}


def test_a_cancelled_registration_does_not_count_as_holding(owners, region, officer):
    workshop = WorkshopFactory(region=region)
    RegistrationFactory(workshop=workshop, officer=officer, state="cancelled", confirmed_at=None)
    event = record_workshop_event(workshop, EventType.WORKSHOP_CHANGED)
    fanout.fan_out(event.pk)
    assert "focal_a" not in _owners_of(event, owners)


def test_owners_who_lost_role_or_access_hear_nothing(owners, region, officer):
    focal = owners["focal_a"].owner
    focal.is_focal_point = False
    focal.save()
    coord = owners["coord_a"].owner
    coord.is_active = False
    coord.save()
    admin = owners["admin"].owner
    admin.status = User.Status.SUSPENDED
    admin.save()
    event = _registration_event(WorkshopFactory(region=region), officer)
    fanout.fan_out(event.pk)
    assert _owners_of(event, owners) == set()


def test_a_coordinator_given_a_region_hears_of_it_from_then_on(owners, region, officer):
    event = _registration_event(WorkshopFactory(region=region), officer)
    coord_b = owners["coord_b"].owner
    coord_b.coordinated_regions.add(region)
    fanout.fan_out(event.pk)
    assert "coord_b" in _owners_of(event, owners)


def test_endpoints_get_only_the_events_they_chose_and_only_when_active(
    make_endpoint, region, officer
):
    watcher = CoordinatorFactory(regions=[region])
    certificates_only = make_endpoint(watcher, event_types=[EventType.CERTIFICATE_ISSUED])
    paused = make_endpoint(watcher, is_active=False)
    event = _registration_event(WorkshopFactory(region=region), officer)
    fanout.fan_out(event.pk)
    endpoints = set(Delivery.objects.filter(event=event).values_list("endpoint_id", flat=True))
    assert certificates_only.pk not in endpoints
    assert paused.pk not in endpoints


def test_fanning_out_twice_makes_no_second_delivery(owners, region, officer):
    event = _registration_event(WorkshopFactory(region=region), officer)
    first = fanout.fan_out(event.pk)
    assert len(first) == 3
    assert fanout.fan_out(event.pk) == []
    # Even if the claim were lost (the sweep after a crash), the unique pair holds.
    Event.objects.filter(pk=event.pk).update(fanned_out_at=None)
    fanout.fan_out(event.pk)
    assert Delivery.objects.filter(event=event).count() == 3


def test_a_track_certificate_reaches_the_admins_and_the_holders_focal_point(owners, officer):
    event = Event.objects.create(
        type=EventType.CERTIFICATE_ISSUED,
        data={"certificate_id": 1, "officer_id": officer.pk, "workshop_id": None, "track_id": 2},
        agency_ids=[officer.agency_id],
    )
    fanout.fan_out(event.pk)
    assert _owners_of(event, owners) == {"admin", "focal_a"}
