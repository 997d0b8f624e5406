"""A program administrator reads, filters and exports the audit log in a real browser."""

from __future__ import annotations

import csv
import io

import pytest

from audit.services import record_audit
from tests.browser.conftest import SCREENSHOTS, axe_violations, login
from tests.factories import (
    AgencyFactory,
    CoordinatorFactory,
    OfficerFactory,
    ProgramAdminFactory,
    RegistrationFactory,
    WorkshopFactory,
)

WIDTHS = {"phone": 390, "tablet": 1024, "desktop": 1280}


def _seed():
    coordinator = CoordinatorFactory(full_name="Coordinator Cleo")
    workshop = WorkshopFactory(title="Tracing ransomware payments")
    officer = OfficerFactory(full_name="Inspector Ana Ruiz")
    reg = RegistrationFactory(workshop=workshop, officer=officer)
    record_audit(actor=coordinator, action="workshop.created", summary="x", target=workshop)
    record_audit(
        actor=coordinator,
        action="workshop.updated",
        summary="x",
        target=workshop,
        fields=["capacity", "registration_closes_at", "trainers"],
    )
    record_audit(actor=coordinator, action="workshop.published", summary="x", target=workshop)
    record_audit(
        actor=coordinator,
        action="registration.approved",
        summary="x",
        target=reg,
        message="Welcome aboard",
    )
    record_audit(
        actor=coordinator,
        action="agency.suspended",
        summary="x",
        target=AgencyFactory(name="National Cyber Unit"),
        detail="Domain compromised",
    )
    record_audit(
        actor=None,
        action="export.registrations.xlsx",
        summary="registrations export (xlsx), 240 rows, queued",
        rows=240,
        queued=True,
    )
    from privacy.services import erase_officer

    gone = OfficerFactory(agency=officer.agency, full_name="Officer To Erase")
    record_audit(actor=gone, action="privacy.export", summary="Export", target=gone)
    erase_officer(user_id=gone.pk, by=coordinator, reason="Asked by the officer")
    return officer, gone


@pytest.mark.browser
def test_program_admin_reads_filters_and_exports_the_log(site, new_page, password):
    officer, _gone = _seed()
    admin = ProgramAdminFactory(full_name="Program Admin Pat")
    page = new_page()
    login(page, site, admin, password)
    page.goto(f"{site}/audit/")
    assert page.get_by_role("heading", name="Audit log").is_visible()
    body = page.content()
    assert "Inspector Ana Ruiz at Tracing ransomware payments" in body
    assert "Erased officer" in body and "Officer To Erase" not in body
    assert axe_violations(page, site) == []

    folder = SCREENSHOTS / "audit"
    folder.mkdir(parents=True, exist_ok=True)
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(folder / f"log-{label}.png"), full_page=True)

    page.set_viewport_size({"width": 1280, "height": 900})
    page.select_option("select[name=action]", "workshop.published")
    with page.expect_navigation():
        page.get_by_role("button", name="Filter").click()
    assert "action=workshop.published" in page.url
    page.screenshot(path=str(folder / "log-filtered-desktop.png"), full_page=True)

    with page.expect_download() as info:
        page.get_by_role("link", name="Export CSV").click()
    download = info.value
    text = open(download.path(), encoding="utf-8-sig").read()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "When (UTC)"
    assert [row[3] for row in rows[1:]] == ["workshop.published"]
    (folder / "export.csv").write_text(text, encoding="utf-8")

    page.goto(f"{site}/audit/?date_from=2025-03-02&date_to=2025-03-01")
    assert "The end date is before the start date." in page.content()
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(folder / f"log-bad-filter-{label}.png"), full_page=True)
