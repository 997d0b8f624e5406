"""axe-core reports no serious or critical WCAG 2.1 AA violation on the main pages, per role."""

from __future__ import annotations

import pytest

from registrations.models import Registration
from tests.factories import (
    PASSWORD,
    ModuleFactory,
    RegistrationFactory,
    WorkshopFactory,
    publish_directly,
)

from .conftest import axe_violations, login, shoot

pytestmark = pytest.mark.browser


def _check(page, site, paths, flow):
    failures = {}
    for name, path in paths:
        response = page.goto(f"{site}{path}")
        assert response is not None and response.status < 400, (path, response and response.status)
        violations = axe_violations(page, site)
        if violations:
            failures[path] = violations
        shoot(page, flow, name)
    report = "\n".join(
        f"{path}: {v['id']} ({v['impact']}) {v['help']}\n    " + "\n    ".join(v["nodes"])
        for path, violations in failures.items()
        for v in violations
    )
    assert not failures, report


@pytest.fixture
def data(officer, trainer, coordinator, region, agency):
    module = ModuleFactory(authors=[trainer])
    publish_directly(module)
    workshop = WorkshopFactory(region=region, trainers=[trainer])
    registration = RegistrationFactory(workshop=workshop, officer=officer)
    RegistrationFactory(workshop=workshop, state=Registration.State.PENDING)
    return {"module": module, "workshop": workshop, "registration": registration}


def test_anonymous_pages_have_no_serious_violations(site, new_page):
    page = new_page()
    _check(
        page, site, [("login", "/accounts/login/"), ("signup", "/accounts/signup/")], "a11y-anon"
    )


def test_officer_pages_have_no_serious_violations(site, new_page, officer, data):
    page = new_page()
    login(page, site, officer, PASSWORD)
    w = data["workshop"].pk
    _check(
        page,
        site,
        [
            ("dashboard", "/"),
            ("catalog", "/workshops/"),
            ("workshop", f"/workshops/{w}/"),
            ("my-training", "/my-training/"),
            ("record", "/my-training/record/"),
            ("profile", "/profile/"),
        ],
        "a11y-officer",
    )


def test_trainer_pages_have_no_serious_violations(site, new_page, trainer, data):
    page = new_page()
    login(page, site, trainer, PASSWORD)
    w = data["workshop"]
    _check(
        page,
        site,
        [
            ("dashboard", "/"),
            ("modules", "/curriculum/"),
            ("module", f"/curriculum/{data['module'].pk}/"),
            ("module-new", "/curriculum/new/"),
            ("attendance", "/attendance/"),
            ("today", "/attendance/today/"),
            ("roster", f"/attendance/workshops/{w.pk}/"),
            ("session", f"/attendance/sessions/{w.sessions.first().pk}/"),
        ],
        "a11y-trainer",
    )


def test_coordinator_pages_have_no_serious_violations(site, new_page, coordinator, data):
    page = new_page()
    login(page, site, coordinator, PASSWORD)
    w = data["workshop"].pk
    _check(
        page,
        site,
        [
            ("dashboard", "/"),
            ("vetting", "/vetting/"),
            ("schedule", "/schedule/"),
            ("workshop-new", "/schedule/new/"),
            ("roster", f"/workshops/{w}/roster/"),
            ("registrations", f"/manage/workshops/{w}/registrations/"),
            ("workshop", f"/workshops/{w}/"),
            ("library", "/library/"),
            ("exports", "/reports/exports/"),
            ("program", "/reports/program/"),
        ],
        "a11y-coordinator",
    )


def test_program_admin_pages_have_no_serious_violations(site, new_page, program_admin, data):
    page = new_page()
    login(page, site, program_admin, PASSWORD)
    _check(page, site, [("dashboard", "/"), ("audit", "/audit/")], "a11y-admin")
