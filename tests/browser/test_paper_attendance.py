"""Paper attendance and sign-out in a browser: the trainer prints the sheet, enters its ticks on
a phone, and signing out leaves no cached copies or stored data on the device."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from attendance.models.marks import AttendanceMark
from tests.factories import PASSWORD, OfficerFactory, RegistrationFactory, WorkshopFactory

from .conftest import PHONE, axe_violations, login, shoot

pytestmark = pytest.mark.browser
FLOW = "paper-attendance"


def test_trainer_prints_the_sheet_and_enters_its_ticks(site, new_page, trainer, region, agency):
    start = timezone.now() - dt.timedelta(hours=2)
    workshop = WorkshopFactory(
        title="Tracing Bitcoin",
        region=region,
        trainers=[trainer],
        venue_name="Harbour Training Centre",
        sessions=[(start, start + dt.timedelta(hours=1))],
    )
    registrations = [
        RegistrationFactory(workshop=workshop, officer=OfficerFactory(agency=agency, full_name=n))
        for n in ("Ana Lima", "Bo Chen", "Carla Diaz")
    ]
    session = workshop.sessions.get()
    page = new_page()
    login(page, site, trainer, PASSWORD)
    page.goto(f"{site}/attendance/sessions/{session.pk}/")
    shoot(page, FLOW, "01-session-page")
    assert axe_violations(page, site) == []

    href = page.get_by_role("link", name="Print sign-in sheet").get_attribute("href")
    sheet = page.request.get(f"{site}{href}")
    assert sheet.status == 200
    assert sheet.headers["content-type"] == "application/pdf"

    page.set_viewport_size(PHONE)
    with page.expect_navigation():
        page.get_by_role("link", name="Enter paper sheet").click()
    page.locator(f"label[for=p{registrations[0].pk}-present]").click()
    page.locator(f"label[for=p{registrations[1].pk}-late]").click()
    shoot(page, FLOW, "02-paper-page")
    assert axe_violations(page, site) == []
    with page.expect_navigation():
        page.get_by_role("button", name="Save the sheet's marks").click()
    marks = dict(AttendanceMark.objects.values_list("registration_id", "status"))
    assert marks == {registrations[0].pk: "present", registrations[1].pk: "late"}
    assert set(AttendanceMark.objects.values_list("source", flat=True)) == {"paper"}
    assert page.get_by_text("From a paper sign-in sheet").count() == 2
    shoot(page, FLOW, "03-session-after-paper")


def test_signing_out_clears_caches_and_storage(site, new_page, officer):
    page = new_page()
    login(page, site, officer, PASSWORD)
    page.evaluate(
        """async () => {
            const cache = await caches.open("pages");
            await cache.put("/example/", new Response("kept offline"));
            localStorage.setItem("roster", "kept");
        }"""
    )
    assert page.evaluate("async () => (await caches.keys()).length") == 1
    page.get_by_role("button", name=officer.get_short_name()).click()
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    assert "/accounts/login/" in page.url
    assert page.evaluate("async () => (await caches.keys()).length") == 0
    assert page.evaluate("() => localStorage.length") == 0
