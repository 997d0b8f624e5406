"""Trainer journey: write a module draft → submit for review → a coordinator publishes it →
take attendance for a workshop session on a phone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from attendance.models.marks import AttendanceMark
from tests.factories import PASSWORD, RegistrationFactory, TrackFactory, WorkshopFactory
from workshops.models import Module

from .conftest import PHONE, login, shoot

pytestmark = pytest.mark.browser
FLOW = "trainer"


def test_trainer_writes_module_it_is_published_and_takes_attendance_on_a_phone(
    site, new_page, trainer, coordinator, region, officer, other_agency_officer
):
    TrackFactory(name="Blockchain forensics", slug="forensics")
    page = new_page()
    login(page, site, trainer, PASSWORD)
    page.goto(f"{site}/curriculum/new/")
    page.fill("input[name=title]", "Clustering heuristics")
    page.fill("input[name=slug]", "clustering-heuristics")
    page.select_option("select[name=track]", label="Blockchain forensics")
    page.fill("input[name=duration_minutes]", "90")
    page.fill("textarea[name=objectives]", "Apply common-input-ownership\nSpot change outputs")
    page.fill("textarea[name=body]", "# Clustering\nHeuristics and their limits.")
    shoot(page, FLOW, "01-module-draft")
    with page.expect_navigation():
        page.locator("form:has(input[name=title]) [type=submit]").last.click()
    module = Module.objects.get(slug="clustering-heuristics")
    assert module.status == Module.Status.DRAFT
    with page.expect_navigation():
        page.get_by_role("button", name="Submit for review").click()
    module.refresh_from_db()
    assert module.status == Module.Status.IN_REVIEW
    shoot(page, FLOW, "02-submitted")

    staff = new_page()
    login(staff, site, coordinator, PASSWORD)
    staff.goto(f"{site}/curriculum/{module.pk}/")
    with staff.expect_navigation():
        staff.get_by_role("button", name="Publish").click()
    module.refresh_from_db()
    assert module.status == Module.Status.PUBLISHED
    shoot(staff, FLOW, "03-published")

    start = timezone.now() - dt.timedelta(hours=1)
    workshop = WorkshopFactory(
        region=region,
        trainers=[trainer],
        registration_opens_at=start - dt.timedelta(days=20),
        registration_closes_at=start - dt.timedelta(days=2),
        sessions=[(start, start + dt.timedelta(hours=3))],
    )
    present = RegistrationFactory(workshop=workshop, officer=officer)
    absent = RegistrationFactory(workshop=workshop, officer=other_agency_officer)
    session = workshop.sessions.get()

    page.set_viewport_size(PHONE)
    page.goto(f"{site}/attendance/sessions/{session.pk}/")
    page.locator(f"label[for=s{present.pk}-present]").click()
    page.locator(f"label[for=s{absent.pk}-absent]").click()
    page.screenshot(path=str(_folder() / "04-attendance-phone.png"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="Save attendance").click()
    marks = dict(AttendanceMark.objects.values_list("registration_id", "status"))
    assert marks == {present.pk: "present", absent.pk: "absent"}
    page.screenshot(path=str(_folder() / "05-attendance-saved-phone.png"), full_page=True)


def _folder():
    from .conftest import SCREENSHOTS

    folder = SCREENSHOTS / FLOW
    folder.mkdir(parents=True, exist_ok=True)
    return folder
