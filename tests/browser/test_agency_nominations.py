"""A focal point fills the seats a coordinator held for their agency: from the menu to the
Nominations tab, the nominate page and its officer picker, at phone and desktop width; the
officer accepts on their training page and takes a held seat that another agency's officer
could not take."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from registrations.models import Registration
from registrations.services import register, reserve_seats
from tests.factories import PASSWORD, AgencyFactory, OfficerFactory, WorkshopFactory

from .conftest import PHONE, login, shoot

pytestmark = pytest.mark.browser
FLOW = "agency-nominations"


def test_focal_point_fills_held_seats_and_the_officer_accepts(
    site, new_page, region, agency, focal_point, officer, coordinator
):
    # On a phone, where it is hardest; the look walk (test_look) covers the pages at 1024/1280.
    viewport = PHONE
    workshop = WorkshopFactory(region=region, title="Tracing mixers", capacity=2)
    reserve_seats(
        workshop_id=workshop.pk,
        agency_id=agency.pk,
        seats=1,
        until=workshop.starts_at - dt.timedelta(days=2),
        by=coordinator,
    )
    # Another agency's officer takes the one open seat; the held one stays Agency A's.
    outsider = OfficerFactory(agency=AgencyFactory(region=region), full_name="Outside Olga")
    register(workshop_id=workshop.pk, officer=outsider)
    late = OfficerFactory(agency=AgencyFactory(region=region), full_name="Late Lars")
    assert register(workshop_id=workshop.pk, officer=late).state == Registration.State.WAITLISTED
    label = "phone"

    page = new_page(viewport=viewport)
    login(page, site, focal_point, PASSWORD)
    page.locator(".navbar-toggler").click()
    # Once the menu has finished opening: a tap while it still slides open can miss the link.
    page.locator(".navbar-collapse.show").wait_for()
    with page.expect_navigation():
        page.get_by_role("link", name="My agency", exact=True).click()
    with page.expect_navigation():
        page.get_by_role("link", name="Nominations", exact=True).click()
    assert page.get_by_role("heading", name="Seats held for your agency").is_visible()
    shoot(page, FLOW, f"01-nominations-{label}", both=False)
    with page.expect_navigation():
        page.get_by_role("link", name="Nominate officers").last.click()
    assert page.get_by_text("0 of 1 held seats filled").is_visible()

    page.locator(".ts-wrapper .ts-control").first.click()
    page.keyboard.type("Alice")
    page.locator(".ts-dropdown .option").first.click()
    page.keyboard.press("Escape")
    # Tapped, as a person would: the picker gives up its focus (and its search line).
    page.click("textarea[name=message]")
    page.fill("textarea[name=message]", "Your case work fits this workshop.")
    shoot(page, FLOW, f"02-nominate-{label}", both=False)
    with page.expect_navigation():
        page.get_by_role("button", name="Nominate", exact=True).click()
    reg = Registration.objects.get(workshop=workshop, officer=officer)
    assert reg.state == Registration.State.OFFERED
    assert reg.nominated_by == focal_point
    shoot(page, FLOW, f"03-after-nominating-{label}", both=False)

    officer_page = new_page(viewport=viewport)
    login(officer_page, site, officer, PASSWORD)
    officer_page.goto(f"{site}/my-training/")
    assert officer_page.get_by_role("heading", name="Your agency nominated you").is_visible()
    shoot(officer_page, FLOW, f"04-officer-offered-{label}", both=False)
    with officer_page.expect_navigation():
        officer_page.get_by_role("button", name="Accept", exact=True).click()
    reg.refresh_from_db()
    # The held seat is the agency's: the officer takes it though the waitlist is ahead.
    assert reg.state == Registration.State.CONFIRMED
    assert reg.endorsed_by == focal_point
    assert Registration.objects.get(officer=late, workshop=workshop).state == "waitlisted"
    assert workshop.registrations.filter(state="confirmed").count() == 2
    shoot(officer_page, FLOW, f"05-officer-accepted-{label}", both=False)

    page.goto(f"{site}/nominations/")
    assert page.get_by_text("All filled").is_visible()
    shoot(page, FLOW, f"06-all-filled-{label}", both=False)
    assert timezone.now() < workshop.starts_at
