"""Searchable pickers: type to filter a staff multi-select, pick, save; the form still posts
the plain <select multiple> values."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, ModuleFactory, TrackFactory, publish_directly
from workshops.models import Module

from .conftest import PHONE, login, shoot

pytestmark = pytest.mark.browser
FLOW = "pickers"


def test_trainer_types_to_filter_prerequisites_and_picks_one(site, new_page, trainer):
    track = TrackFactory(name="Forensics", slug="forensics")
    wanted = ModuleFactory(title="Cross-chain bridges", slug="bridges", track=track)
    other = ModuleFactory(title="Wallet basics", slug="wallets", track=track)
    for module in (wanted, other):
        publish_directly(module)
    page = new_page()
    login(page, site, trainer, PASSWORD)
    page.goto(f"{site}/curriculum/new/")

    control = page.locator(".ts-wrapper:has(#id_prerequisites-ts-control) .ts-control")
    control.click()
    page.keyboard.type("bridg")
    options = page.locator("#id_prerequisites-ts-dropdown .option")
    expect(options).to_have_count(1)
    assert options.all_inner_texts() == ["Cross-chain bridges"]
    shoot(page, FLOW, "01-filtered", both=False)
    options.first.click()
    page.keyboard.press("Escape")
    assert page.locator("#id_prerequisites-ts-control").count() == 1
    selected = page.eval_on_selector(
        "select[name=prerequisites]", "s => Array.from(s.selectedOptions).map(o => o.value)"
    )
    assert selected == [str(wanted.pk)]

    page.fill("input[name=title]", "Bridges in practice")
    page.select_option("select[name=track]", str(track.pk))
    page.fill("textarea[name=objectives]", "Follow funds across a bridge")
    page.fill("textarea[name=body]", "# Bridges\n\n<script>alert(1)</script>**bold**")
    # The Preview button renders in place through the server's sanitiser.
    page.get_by_role("button", name="Preview").click()
    pane = page.locator("#body-preview")
    pane.locator("h1").wait_for()
    assert "<script" not in pane.inner_html()
    assert Module.objects.filter(title="Bridges in practice").count() == 0
    with page.expect_navigation():
        page.get_by_role("button", name="Save draft").click()
    created = Module.objects.get(title="Bridges in practice")
    assert list(created.prerequisites.all()) == [wanted]

    page.set_viewport_size(PHONE)
    page.goto(f"{site}/curriculum/{created.pk}/edit/")
    shoot(page, FLOW, "02-edit-phone", both=False)
