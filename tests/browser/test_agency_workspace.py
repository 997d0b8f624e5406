"""The agency workspace at phone and desktop width: a focal point opens the workspace from the
dashboard, then the training record (registrations, officers, certificates and track
credentials) and downloads an export; the region's coordinator opens the same record from the
agency's page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from attendance.models import Certificate
from attendees.models import User
from registrations.models import Registration, RegistrationEvent
from tests.agencies.world import build_record_world
from tests.factories import PASSWORD, OfficerFactory, RegistrationFactory

from .conftest import DESKTOP, PHONE, axe_violations, login, shoot

pytestmark = pytest.mark.browser
FLOW = "agency-workspace"
NAMES = ["Sanne de Vries", "Pieter Bakker", "Lotte Jansen", "Daan Visser", "Emma Smit"]


def _demo_like(world, coordinator) -> None:
    """More officers, a pending one, a decision and a lapsing vetting, as demo data has."""
    now = timezone.now()
    for name in NAMES:
        officer = OfficerFactory(agency=world.agency, full_name=name, rank="Inspecteur")
        reg = RegistrationFactory(workshop=world.w3, officer=officer)
        RegistrationEvent.objects.create(
            registration=reg,
            from_state=Registration.State.PENDING,
            to_state=Registration.State.CONFIRMED,
            actor=coordinator,
            created_at=now - dt.timedelta(days=2),
        )
    OfficerFactory(agency=world.agency, status=User.Status.PENDING, vetted_at=None)
    User.objects.filter(pk=world.cy.pk).update(
        vetted_at=now - dt.timedelta(days=340)  # lapses in about 25 days
    )
    # Alice completed the crypto track: its credential, expiring within the notice.
    Certificate.objects.create(
        holder=world.alice,
        track=world.crypto,
        issued_at=now - dt.timedelta(days=5),
        expires_at=now + dt.timedelta(days=30),
        printed={
            "kind": "track",
            "officer_name": world.alice.full_name,
            "track_name": world.crypto.name,
            "track_id": world.crypto.pk,
            "modules": [{"title": "Tracing", "minutes": 180, "workshop_title": "Crypto basics"}],
            "total_minutes": 180,
        },
    )


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_focal_point_workspace_and_record(
    site, new_page, region, other_region, agency, other_agency, focal_point, coordinator, viewport
):
    world = build_record_world(region, other_region, agency, other_agency, focal_point)
    _demo_like(world, coordinator)
    page = new_page(viewport=viewport)
    login(page, site, focal_point, PASSWORD)
    with page.expect_navigation():
        page.get_by_role("link", name="Agency workspace").click()
    assert page.get_by_role("heading", name="Seats held for your agency").is_visible()
    assert page.get_by_text("1 of 3 filled").is_visible()
    label = "phone" if viewport == PHONE else "desktop"
    shoot(page, FLOW, f"01-focal-home-{label}", both=False)

    with page.expect_navigation():
        page.get_by_role("link", name="Training record").first.click()
    assert page.get_by_role("heading", name="Training record").is_visible()
    assert page.get_by_text("Forensics Lisbon").first.is_visible()
    shoot(page, FLOW, f"02-focal-record-{label}", both=False)

    with page.expect_navigation():
        page.get_by_role("link", name="Officers", exact=True).last.click()
    assert page.get_by_text("Sanne de Vries").is_visible()
    shoot(page, FLOW, f"03-focal-officers-{label}", both=False)

    with page.expect_navigation():
        page.get_by_role("link", name="Certificates", exact=True).last.click()
    assert page.get_by_role("columnheader", name="Workshop or track").count()
    assert page.get_by_text("Track credential").is_visible()
    assert page.locator("tbody").get_by_text("Crypto fundamentals").is_visible()
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    assert axe_violations(page, site) == []
    shoot(page, FLOW, f"03b-focal-certificates-{label}", both=False)
    since = (timezone.now() - dt.timedelta(days=6)).date().isoformat()
    page.goto(f"{site}/agencies/{agency.pk}/record/?section=certificates&date_from={since}")
    assert page.get_by_text("track credentials by their date of issue").is_visible()
    assert page.locator("tbody tr").count() == 1
    shoot(page, FLOW, f"03c-focal-certificates-period-{label}", both=False)

    page.get_by_role("button", name="Export").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Attendance and hours (CSV)").click()
    assert download.value.suggested_filename.startswith(f"attendance-agency-{agency.pk}-")
    # Wait for the whole file (as the other download tests do): a response still streaming
    # from the database when the test ends deadlocks with the next test's flush.
    assert "Sanne de Vries" in download.value.path().read_text(encoding="utf-8-sig")


def test_coordinator_opens_the_record_from_the_agency_page(
    site, new_page, region, other_region, agency, other_agency, focal_point, coordinator
):
    world = build_record_world(region, other_region, agency, other_agency, focal_point)
    _demo_like(world, coordinator)
    page = new_page()
    login(page, site, coordinator, PASSWORD)
    page.goto(f"{site}/agencies/{agency.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Training record").click()
    assert page.get_by_text("Registrations on the workshops of your regions.").is_visible()
    assert not page.get_by_text("Forensics Lisbon").count()
    shoot(page, FLOW, "04-coordinator-record")
