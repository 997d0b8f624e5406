from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from attendees.models import AgencyRequest, User
from registrations import services
from registrations.models import Registration, RegistrationEvent
from tests.factories import OfficerFactory, RegistrationFactory, WorkshopFactory
from workshops.models import Workshop

pytestmark = pytest.mark.django_db
State = Registration.State


def _home(client):
    return client.get(reverse("agencies:home"))


@pytest.mark.parametrize("role", ["officer", "trainer", "coordinator", "program_admin"])
def test_only_focal_points_have_a_workspace_home(request, client_for, role):
    assert _home(client_for(request.getfixturevalue(role))).status_code == 403


def test_home_counts_what_waits_for_the_focal_point(
    client_for, record_world, focal_point, pending_officer, other_agency, coordinator
):
    RegistrationFactory(
        workshop=record_world.w3,
        officer=OfficerFactory(agency=record_world.agency, full_name="Nora Nominee"),
        state=State.NOMINATION,
        confirmed_at=None,
    )
    # Another agency's pending officer and nomination are not this agency's.
    OfficerFactory(agency=other_agency, status=User.Status.PENDING, vetted_at=None)
    RegistrationFactory(
        workshop=record_world.w3,
        officer=OfficerFactory(agency=other_agency),
        state=State.NOMINATION,
        confirmed_at=None,
    )
    AgencyRequest.objects.create(
        agency=record_world.agency, kind=AgencyRequest.Kind.ADD_DOMAIN, value="new.gov"
    )
    response = _home(client_for(focal_point))
    assert response.status_code == 200
    overview = response.context["overview"]
    assert (overview.officers_to_vet, overview.nominations_to_endorse) == (1, 1)
    assert overview.profile_requests == 1
    # Held and not filled: W3's 3 seats, 1 filled; W1's reservation was released.
    assert [(r.workshop, r.seats, r.filled) for r in overview.reservations] == [
        (record_world.w3, 3, 1)
    ]
    assert overview.unfilled_seats == 2
    body = response.content.decode()
    assert reverse("registration:nominations") in body
    assert reverse("vetting_queue") in body
    assert reverse("agencies:record", args=[record_world.agency.pk]) in body


def test_home_lists_coming_workshops_with_the_agency_counts(client_for, record_world, focal_point):
    overview = _home(client_for(focal_point)).context["overview"]
    assert [
        (w.title, w.agency_confirmed, w.agency_waitlisted, w.agency_waiting)
        for w in overview.workshops
    ] == [("Tracing Singapore", 1, 1, 0)]  # Bob (agency B) is not counted


def test_home_lists_recent_decisions_with_who_and_when(
    client_for, record_world, focal_point, coordinator
):
    now = timezone.now()
    RegistrationEvent.objects.create(
        registration=record_world.b3,
        from_state=State.PENDING,
        to_state=State.CONFIRMED,
        actor=coordinator,
        created_at=now - dt.timedelta(days=2),
    )
    RegistrationEvent.objects.create(
        registration=record_world.a1,
        from_state=State.PENDING,
        to_state=State.CONFIRMED,
        actor=coordinator,
        created_at=now - dt.timedelta(days=15),
    )
    # Not a decision: the officer's own cancellation (in the fixture).
    response = _home(client_for(focal_point))
    decisions = response.context["overview"].decisions
    assert [(e.registration, e.to_state, e.actor) for e in decisions] == [
        (record_world.b3, State.CONFIRMED, coordinator)
    ]
    assert "Coordinator Cara" in response.content.decode()


def test_home_lists_vetting_lapsing_within_60_days(client_for, record_world, focal_point, settings):
    lapses_at = timezone.now() - settings.VETTING_VALIDITY
    soon = OfficerFactory(
        agency=record_world.agency,
        full_name="Soon Lapsing",
        vetted_at=lapses_at + dt.timedelta(days=30),
    )
    OfficerFactory(
        agency=record_world.agency,
        full_name="Later",
        vetted_at=lapses_at + dt.timedelta(days=90),
    )
    OfficerFactory(
        agency=record_world.agency,
        full_name="Lapsed",
        vetted_at=lapses_at - dt.timedelta(days=1),
    )
    overview = _home(client_for(focal_point)).context["overview"]
    assert overview.expiring == [soon]
    assert overview.expiring_count == 1


def test_home_runs_a_bounded_number_of_queries(
    client_for, record_world, focal_point, django_assert_max_num_queries
):
    client = client_for(focal_point)
    with django_assert_max_num_queries(13):
        assert _home(client).status_code == 200
    now = timezone.now()
    for i in range(20):
        officer = OfficerFactory(agency=record_world.agency, full_name=f"Extra {i:02d}")
        reg = RegistrationFactory(workshop=record_world.w3, officer=officer)
        RegistrationEvent.objects.create(
            registration=reg, to_state=State.CONFIRMED, created_at=now - dt.timedelta(hours=i)
        )
    with django_assert_max_num_queries(13):
        assert _home(client).status_code == 200


def test_focal_point_reaches_the_workspace_from_the_dashboard_and_the_tabs(client_for, focal_point):
    client = client_for(focal_point)
    assert reverse("agencies:home") in client.get(reverse("dashboard")).content.decode()
    my_agency = client.get(reverse("my_agency")).content.decode()
    assert reverse("agencies:home") in my_agency
    assert reverse("agencies:record", args=[focal_point.agency_id]) in my_agency


def test_seats_held_on_a_draft_workshop_are_not_shown_to_the_agency(
    client_for, focal_point, agency, region, coordinator
):
    draft = WorkshopFactory(region=region, status=Workshop.Status.DRAFT, title="Unpublished Op")
    services.reserve_seats(
        workshop_id=draft.pk,
        agency_id=agency.pk,
        seats=2,
        until=draft.starts_at - dt.timedelta(days=1),
        by=coordinator,
    )
    page = _home(client_for(focal_point))
    assert page.status_code == 200
    assert page.context["overview"].reservations == []
    assert "Unpublished Op" not in page.content.decode()
