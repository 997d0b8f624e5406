"""Reading test results: a coordinator reads the knowledge gain in the program report, a
trainer opens a workshop's test results from its roster."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessments.models import WorkshopTest
from tests.assessments.conftest import gain_world, item_world  # noqa: F401 (fixtures)
from tests.assessments.factories import sent_attempt, workshop_test
from tests.factories import PASSWORD

from .conftest import DESKTOP, PHONE, axe_violations, login

pytestmark = pytest.mark.browser
SHOTS = Path("/work/notes/shots/gain")


def snap(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size
    for label, size in (("1280", DESKTOP), ("390", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(original)


def test_a_coordinator_reads_the_knowledge_gain(site, new_page, gain_world, coordinator):  # noqa: F811
    """Asia-Pacific only: mean pre 40, mean post 76.7, gain 36.7 points, ⟨g⟩ 61.1 %."""
    page = new_page(viewport=DESKTOP)
    page.emulate_media(reduced_motion="reduce")
    login(page, site, coordinator, PASSWORD)
    page.goto(f"{site}/reports/program/?date_from=2026-01-01&date_to=2026-12-31")
    section = page.locator("#knowledge-gain")
    section.scroll_into_view_if_needed()
    assert section.get_by_role("heading", name="Knowledge gain").is_visible()
    assert section.locator("[data-gain-total]").inner_text() == "36.7"
    text = section.inner_text()
    assert "61.1 %" in text and "Tracing basics" in text and "2026 Q1" in text
    assert "Europe" not in text  # another region's workshop
    region_table = section.locator("#gain-region")
    assert "Asia-Pacific" in region_table.inner_text()
    snap(page, "report-gain")
    assert not axe_violations(page, site)


def test_a_trainer_opens_a_workshops_test_results(site, new_page, item_world):  # noqa: F811
    pre = workshop_test(item_world.workshop, WorkshopTest.Kind.PRE)
    for reg in item_world.regs:
        sent_attempt(pre, reg, [(item_world.q1, False), (item_world.q2, reg == item_world.regs[0])])
    page = new_page(viewport=DESKTOP)
    page.emulate_media(reduced_motion="reduce")
    login(page, site, item_world.trainer, PASSWORD)
    page.goto(f"{site}/attendance/workshops/{item_world.workshop.pk}/")
    page.get_by_role("link", name="Test results").click()
    page.wait_for_function("() => window.Chart && Chart.getChart('chart-distribution')")
    datasets = page.evaluate(
        "() => Chart.getChart('chart-distribution').data.datasets.map(d => d.data)"
    )
    # Pre: 50, 0, 0 → bins 5 and 0; post: 100, 50, 0.
    assert datasets == [[2, 0, 0, 0, 0, 1, 0, 0, 0, 0], [1, 0, 0, 0, 0, 1, 0, 0, 0, 1]]
    items = page.locator("#items-post").locator("xpath=..").locator("table")
    assert "Second question" in items.inner_text()
    assert page.get_by_text("Weak", exact=True).first.is_visible()
    page.get_by_text("Show as a table").click()
    snap(page, "workshop-results")
    assert not axe_violations(page, site)
