"""What waits for whom: each kind scoped as its own page scopes it, counted in one query."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from attendees.models import User
from inbox.items import counts_for, items_for
from outbox.models import Mail
from registrations.models import Registration
from tests.factories import (
    AgencyFactory,
    ModuleFactory,
    OfficerFactory,
    RegistrationFactory,
    TrainerFactory,
    WorkshopFactory,
)
from workshops.models import Module

pytestmark = pytest.mark.django_db
State = Registration.State


def _pending_officer(agency, name):
    return OfficerFactory(agency=agency, full_name=name, status=User.Status.PENDING, vetted_at=None)


def _renamed_officer(agency, name):
    officer = OfficerFactory(agency=agency, full_name=name)
    User.objects.filter(pk=officer.pk).update(full_name=f"{name} Renamed")
    return officer


def _failed_mail(workshop, to="someone@example.org"):
    return Mail.objects.create(
        kind="registration",
        to=to,
        subject="Your registration",
        message_id=f"<{to}-{workshop.pk if workshop else 0}@test>",
        status=Mail.Status.FAILED,
        workshop=workshop,
        claimed_at=timezone.now(),
    )


@pytest.fixture
def waiting_world(region, other_region, agency, other_agency):
    """The same items in two regions (agency A in region A, agency B in region B)."""
    objects = {}
    for key, reg_, ag in (("a", region, agency), ("b", other_region, other_agency)):
        workshop = WorkshopFactory(region=reg_, title=f"Workshop {key}", requires_approval=True)
        objects[key] = {
            "workshop": workshop,
            "pending": _pending_officer(ag, f"Pending {key}"),
            "renamed": _renamed_officer(ag, f"Named {key}"),
            "registration": RegistrationFactory(
                workshop=workshop,
                officer=OfficerFactory(agency=ag, full_name=f"Waiting {key}"),
                state=State.PENDING,
                confirmed_at=None,
            ),
            "nomination": RegistrationFactory(
                workshop=workshop,
                officer=OfficerFactory(agency=ag, full_name=f"Nominee {key}"),
                state=State.NOMINATION,
                confirmed_at=None,
            ),
            "mail": _failed_mail(workshop, to=f"bounce-{key}@example.org"),
        }
    return objects


def _names(sections, kind):
    for section in sections:
        if section.kind == kind:
            return {str(getattr(row, "full_name", None) or row) for row in section.rows}
    return set()


def test_coordinator_sees_only_the_work_of_their_regions(coordinator, waiting_world):
    counts = counts_for(coordinator)
    assert counts == {
        "registrations": 1,
        "officers": 1,
        "name_changes": 1,
        "agency_requests": 0,
        "modules": 0,
        "sent_back": 0,
        "workshops": 0,
        "deliveries": 1,
    }
    sections = items_for(coordinator)
    assert _names(sections, "officers") == {"Pending a"}
    assert _names(sections, "name_changes") == {"Named a Renamed"}
    assert _names(sections, "registrations") == {"Workshop a"}
    deliveries = next(s for s in sections if s.kind == "deliveries")
    assert [m.to for m in deliveries.rows] == ["bounce-a@example.org"]


def test_other_regions_coordinator_never_sees_region_a(other_coordinator, waiting_world):
    shown = {
        getattr(row, "full_name", None) or getattr(row, "title", None) or row.to
        for section in items_for(other_coordinator)
        for row in section.rows
    }
    assert shown == {"Pending b", "Named b Renamed", "Workshop b", "bounce-b@example.org"}


def test_program_admin_sees_every_region(program_admin, waiting_world):
    counts = counts_for(program_admin)
    assert counts["officers"] == 2 and counts["name_changes"] == 2
    assert counts["registrations"] == 2 and counts["deliveries"] == 2


def test_focal_point_sees_their_agency_only(focal_point, waiting_world):
    assert counts_for(focal_point) == {"nominations": 1, "officers": 1, "name_changes": 1}
    sections = items_for(focal_point)
    assert _names(sections, "officers") == {"Pending a"}
    nominations = next(s for s in sections if s.kind == "nominations")
    assert [r.officer.full_name for r in nominations.rows] == ["Nominee a"]
    assert nominations.rows[0].inbox_url.startswith("/nominations/")


def test_other_agencys_focal_point_sees_nothing_of_agency_a(other_agency, waiting_world):
    focal_b = OfficerFactory(agency=other_agency, is_focal_point=True)
    sections = items_for(focal_b)
    assert _names(sections, "officers") == {"Pending b"}
    assert _names(sections, "name_changes") == {"Named b Renamed"}


def test_officers_and_unvetted_accounts_have_no_inbox(officer, pending_officer, waiting_world):
    assert counts_for(officer) == {}
    assert counts_for(pending_officer) == {}
    assert items_for(officer) == []


def test_registrations_wait_only_while_they_can_be_approved(coordinator, region, agency):
    started = WorkshopFactory(
        region=region,
        sessions=[(timezone.now() - dt.timedelta(hours=2), timezone.now() + dt.timedelta(hours=2))],
    )
    draft = WorkshopFactory(region=region, status="draft")
    for workshop in (started, draft):
        RegistrationFactory(
            workshop=workshop,
            officer=OfficerFactory(agency=agency),
            state=State.PENDING,
            confirmed_at=None,
        )
    assert counts_for(coordinator)["registrations"] == 0


def test_registrations_are_grouped_by_workshop_linking_its_approval_page(
    coordinator, region, agency
):
    workshop = WorkshopFactory(region=region, requires_approval=True)
    for _ in range(3):
        RegistrationFactory(
            workshop=workshop,
            officer=OfficerFactory(agency=agency),
            state=State.PENDING,
            confirmed_at=None,
        )
    (section,) = items_for(coordinator)
    assert section.count == 3
    (row,) = section.rows
    assert row.waiting == 3
    assert row.inbox_url == f"/manage/workshops/{workshop.pk}/registrations/"


def test_modules_wait_for_those_who_may_publish(coordinator, trainer):
    ModuleFactory(authors=[trainer], status=Module.Status.IN_REVIEW, title="In review")
    assert counts_for(coordinator)["modules"] == 1
    # A trainer without publish rights has no review queue: not a kind of theirs.
    assert "modules" not in counts_for(trainer)
    publisher = TrainerFactory()
    publisher.user_permissions.add(Permission.objects.get(codename="publish_module"))
    publisher = User.objects.get(pk=publisher.pk)
    assert counts_for(publisher)["modules"] == 1


def test_ended_workshops_wait_to_be_closed_by_their_trainer(trainer, other_region):
    past = [
        (timezone.now() - dt.timedelta(days=2), timezone.now() - dt.timedelta(days=2, hours=-4))
    ]
    mine = WorkshopFactory(region=other_region, trainers=[trainer], sessions=past)
    WorkshopFactory(region=other_region, sessions=past)  # someone else's
    (section,) = items_for(trainer)
    assert section.kind == "workshops"
    assert [w.pk for w in section.rows] == [mine.pk]
    assert section.rows[0].inbox_url == f"/attendance/workshops/{mine.pk}/"


def test_failed_deliveries_without_a_workshop_are_the_program_admins(
    coordinator, program_admin, waiting_world
):
    _failed_mail(None, to="nobody@example.org")
    assert counts_for(coordinator)["deliveries"] == 1
    assert counts_for(program_admin)["deliveries"] == 3


def test_counts_are_one_query_whatever_the_rows(
    coordinator, region, agency, django_assert_num_queries
):
    for i in range(20):
        _pending_officer(agency, f"Pending {i}")
    coordinator.coordinated_region_ids  # noqa: B018  (loaded once per request by the middleware)
    with django_assert_num_queries(1):
        assert counts_for(coordinator)["officers"] == 20


@pytest.mark.parametrize("rows", [1, 20])
def test_items_take_one_query_per_section(
    rows, coordinator, region, agency, trainer, django_assert_max_num_queries
):
    for i in range(rows):
        _pending_officer(agency, f"Pending {i}")
        _renamed_officer(agency, f"Named {i}")
        workshop = WorkshopFactory(region=region)
        RegistrationFactory(
            workshop=workshop,
            officer=OfficerFactory(agency=agency),
            state=State.PENDING,
            confirmed_at=None,
        )
        ModuleFactory(authors=[trainer], status=Module.Status.IN_REVIEW)
        _failed_mail(workshop, to=f"x{i}@example.org")
    coordinator.coordinated_region_ids  # noqa: B018
    # counts, then one per section: registrations, officers, name changes, modules, deliveries.
    with django_assert_max_num_queries(6):
        sections = items_for(coordinator)
    assert len(sections) == 5
    assert all(len(s.rows) == min(rows, 10) for s in sections)


def test_agency_without_the_focal_point_role_gets_nothing(region):
    plain = OfficerFactory(agency=AgencyFactory(region=region))
    assert counts_for(plain) == {}
