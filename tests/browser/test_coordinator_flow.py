"""Coordinator journey: schedule a two-session workshop in another time zone → approve
registrations → close a past workshop → export XLSX and open it with openpyxl."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.utils import timezone

from registrations.models import Registration
from tests.factories import PASSWORD, RegistrationFactory, WorkshopFactory
from workshops.models import Workshop

from .conftest import login, shoot

pytestmark = pytest.mark.browser
FLOW = "coordinator"


def test_coordinator_schedules_approves_closes_and_exports(
    site, new_page, coordinator, trainer, region, agency, officer, other_agency_officer
):
    page = new_page()
    login(page, site, coordinator, PASSWORD)

    # Schedule: two sessions in São Paulo time.
    first = (timezone.now() + dt.timedelta(days=40)).date()
    page.goto(f"{site}/schedule/new/")
    page.fill("input[name=title]", "Crypto ATM investigations")
    page.select_option("select[name=region]", str(region.pk))
    page.select_option("select[name=time_zone]", "America/Sao_Paulo")
    for name, value in {"venue_name": "Academia", "city": "São Paulo", "capacity": "12"}.items():
        if page.locator(f"[name={name}]").count():
            page.fill(f"[name={name}]", value)
    if page.locator("select[name=country]").count():
        page.select_option("select[name=country]", "BR")
    today = timezone.now().date()
    page.fill("input[name=registration_opens_at]", f"{today.isoformat()}T08:00")
    page.fill(
        "input[name=registration_closes_at]", f"{(first - dt.timedelta(days=7)).isoformat()}T18:00"
    )
    for i, day in enumerate([first, first + dt.timedelta(days=1)]):
        page.fill(f"input[name=sessions-{i}-day]", day.isoformat())
        page.fill(f"input[name=sessions-{i}-start]", "09:00")
        page.fill(f"input[name=sessions-{i}-end]", "17:00")
    shoot(page, FLOW, "01-schedule-form")
    with page.expect_navigation():
        page.locator("form:has(input[name=title]) [type=submit]").last.click()
    shoot(page, FLOW, "02-scheduled")
    workshop = Workshop.objects.get(title="Crypto ATM investigations")
    assert workshop.time_zone == "America/Sao_Paulo"
    assert workshop.sessions.count() == 2
    # 09:00 in São Paulo (UTC−3) is 12:00 UTC.
    assert workshop.sessions.order_by("starts_at").first().starts_at.hour == 12

    # Approve pending registrations on a workshop that needs approval.
    gated = WorkshopFactory(region=region, requires_approval=True, title="Gated workshop")
    pending = [
        RegistrationFactory(
            workshop=gated, officer=o, state=Registration.State.PENDING, confirmed_at=None
        )
        for o in (officer, other_agency_officer)
    ]
    page.goto(f"{site}/manage/workshops/{gated.pk}/registrations/")
    for reg in pending:
        page.locator(f"input[name=registrations][value='{reg.pk}']").check()
    shoot(page, FLOW, "03-approve")
    with page.expect_navigation():
        page.get_by_role("button", name="Approve selected").click()
    assert {r.state for r in Registration.objects.filter(workshop=gated)} == {"confirmed"}
    shoot(page, FLOW, "04-approved")

    # Close a workshop whose sessions are over.
    start = timezone.now() - dt.timedelta(days=3)
    past = WorkshopFactory(
        region=region,
        trainers=[trainer],
        title="Past workshop",
        registration_opens_at=start - dt.timedelta(days=30),
        registration_closes_at=start - dt.timedelta(days=5),
        sessions=[(start, start + dt.timedelta(hours=8))],
    )
    RegistrationFactory(workshop=past, officer=officer)
    session = past.sessions.get()
    page.goto(f"{site}/attendance/sessions/{session.pk}/")
    with page.expect_navigation():
        page.locator("button[name=action][value=all_present]").click()
    page.goto(f"{site}/attendance/workshops/{past.pk}/")
    with page.expect_navigation():
        page.get_by_role("button", name="Close and issue certificates").click()
    past.refresh_from_db()
    assert past.status == Workshop.Status.COMPLETED
    shoot(page, FLOW, "05-closed")

    # Export XLSX and open it.
    page.goto(f"{site}/reports/exports/")
    page.select_option("select[name=format]", "xlsx")
    shoot(page, FLOW, "06-exports")
    with page.expect_download() as download_info:
        page.locator("form:has(select[name=format]) [type=submit]").last.click()
    data = download_info.value.path().read_bytes()
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    assert len(rows) >= 2
    assert any("Past workshop" in str(cell) for row in rows for cell in row)
