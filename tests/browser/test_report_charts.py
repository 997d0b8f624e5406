"""The program report as a program admin sees it: figures drawn, people counted in whole ticks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from attendance import services
from tests.factories import (
    PASSWORD,
    ModuleRevisionFactory,
    OfficerFactory,
    RegistrationFactory,
    WorkshopFactory,
)
from workshops.models import WorkshopModule

from .conftest import login, shoot

pytestmark = pytest.mark.browser
FLOW = "report"


def test_report_charts_count_people_in_whole_numbers(
    site, new_page, program_admin, trainer, region
):
    # Two attendees, one completion: small counts, where a scale would otherwise tick by 0.2.
    start = timezone.now().replace(minute=0, second=0, microsecond=0) - dt.timedelta(days=2)
    workshop = WorkshopFactory(
        title="Tracing ransomware payments",
        region=region,
        capacity=75,
        trainers=[trainer],
        sessions=[(start, start + dt.timedelta(hours=8))],
    )
    WorkshopModule.objects.create(
        workshop=workshop, revision=ModuleRevisionFactory(duration_minutes=330), position=0
    )
    present, absent = (
        RegistrationFactory(workshop=workshop, officer=OfficerFactory()) for _ in range(2)
    )
    services.record_marks(
        session_id=workshop.sessions.get().pk,
        by=trainer,
        marks={present.pk: "present", absent.pk: "absent"},
    )
    services.close_workshop(workshop_id=workshop.pk, by=trainer)

    page = new_page()
    page.emulate_media(reduced_motion="reduce")  # charts drawn at once, not mid-animation
    login(page, site, program_admin, PASSWORD)
    day = start.date()
    page.goto(f"{site}/reports/program/?date_from={day - dt.timedelta(days=1)}&date_to={day}")
    page.wait_for_function("() => window.Chart && Chart.getChart('chart-regions')")
    ticks = page.evaluate("() => Chart.getChart('chart-regions').scales.y.ticks.map(t => t.value)")
    assert ticks and all(value == int(value) for value in ticks), ticks
    assert page.locator(".kpi-value").nth(4).inner_text() == "5.5"  # one officer × 5 h 30
    assert "2 / 75 (2.7 %)" in page.locator("table").last.inner_text()
    shoot(page, FLOW, "program-report")
