"""Keyboard-only registration and attendance; every language renders without overflow."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from attendance.models.marks import AttendanceMark
from registrations.models import Registration
from tests.factories import PASSWORD, RegistrationFactory, WorkshopFactory

from .conftest import PHONE, login, shoot

pytestmark = pytest.mark.browser


def _tab_to(page, predicate_js: str, limit: int = 120) -> None:
    """Press Tab until the focused element matches `predicate_js` (an expression on `el`)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(
            f"() => {{ const el = document.activeElement; return !!({predicate_js}); }}"
        ):
            return
    raise AssertionError(f"never focused: {predicate_js}")


def test_officer_registers_with_the_keyboard_only(site, new_page, officer, region):
    workshop = WorkshopFactory(region=region, title="Keyboard workshop")
    page = new_page()
    login(page, site, officer, PASSWORD)
    page.goto(f"{site}/workshops/{workshop.pk}/")
    _tab_to(page, "el.tagName === 'BUTTON' && el.textContent.trim() === 'Register'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    reg = Registration.objects.get(officer=officer, workshop=workshop)
    assert reg.state == Registration.State.CONFIRMED


def test_trainer_marks_attendance_with_the_keyboard_only(site, new_page, trainer, region, officer):
    start = timezone.now() - dt.timedelta(hours=1)
    workshop = WorkshopFactory(
        region=region,
        trainers=[trainer],
        registration_opens_at=start - dt.timedelta(days=20),
        registration_closes_at=start - dt.timedelta(days=2),
        sessions=[(start, start + dt.timedelta(hours=3))],
    )
    reg = RegistrationFactory(workshop=workshop, officer=officer)
    page = new_page()
    login(page, site, trainer, PASSWORD)
    page.goto(f"{site}/attendance/sessions/{workshop.sessions.get().pk}/")
    # Tab into the radio group, then arrow keys move between statuses (native radio behaviour).
    _tab_to(page, f"el.name === 'status_{reg.pk}'")
    page.keyboard.press("Space")
    first = page.evaluate("() => document.activeElement.value")
    page.keyboard.press("ArrowRight")
    chosen = page.evaluate("() => document.activeElement.value")
    assert chosen != first
    _tab_to(page, "el.tagName === 'BUTTON' && el.value === 'save'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert AttendanceMark.objects.get(registration=reg).status == chosen


@pytest.mark.parametrize("language", ["en", "es", "pt-br", "fr", "zh-hans"])
def test_pages_render_in_each_language_without_horizontal_overflow(
    site, new_page, coordinator, officer, region, language
):
    WorkshopFactory(region=region)
    for user, paths in ((officer, ["/", "/workshops/"]), (coordinator, ["/", "/schedule/"])):
        user.language = language
        user.save(update_fields=["language"])
        page = new_page()
        login(page, site, user, PASSWORD)
        for path in paths:
            page.goto(f"{site}{path}")
            assert page.evaluate("() => document.documentElement.lang").lower() == language
            for size in (PHONE, {"width": 1280, "height": 800}):
                page.set_viewport_size(size)
                overflow = page.evaluate(
                    "() => document.documentElement.scrollWidth - window.innerWidth"
                )
                assert overflow <= 0, (language, path, size, overflow)
            role = "coordinator" if user == coordinator else "officer"
            name = f"{role}-{path.strip('/') or 'dashboard'}"
            shoot(page, f"languages/{language}", name)


def test_form_errors_are_announced(site, new_page, officer):
    page = new_page()
    page.goto(f"{site}/accounts/login/")
    page.fill("input[name=login]", officer.email)
    page.fill("input[name=password]", "wrong-password")
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    announced = page.locator("[role=alert], [aria-invalid=true], [aria-live]")
    assert announced.count() >= 1
    page.goto(f"{site}/accounts/signup/")
    page.fill("input[name=email]", "not-an-email")
    page.fill("input[name=password1]", "short")
    page.fill("input[name=password2]", "other")
    with page.expect_navigation():
        page.locator("form:has(input[name=password1]) [type=submit]").last.click()
    invalid = page.locator("[aria-invalid=true]")
    assert invalid.count() >= 1
    described = invalid.first.get_attribute("aria-describedby") or ""
    assert described and page.locator(f"#{described.split()[-1]}").inner_text().strip()
