"""Coordinator journey: write a track's certificate sentence in French, preview it in a new tab
(nothing saved), then save it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, ModuleFactory, TrackFactory

from .conftest import axe_violations, login, shoot

pytestmark = pytest.mark.browser
FLOW = "certificate-wording"


def test_coordinator_previews_then_saves_the_wording(site, new_page, coordinator):
    track = TrackFactory(name="Blockchain forensics", slug="blockchain-forensics")
    ModuleFactory(track=track, title="UTXO tracing", duration_minutes=90)
    page = new_page()
    login(page, site, coordinator, PASSWORD)
    page.goto(site + reverse("workshops:track_list"))
    page.get_by_text("Certificate wording").click()  # folded away in the add form
    shoot(page, FLOW, "00-track-list")
    page.goto(site + reverse("workshops:track_edit", args=[track.pk]))
    page.fill("input[name=validity_months]", "36")
    page.fill("textarea[name=wording_fr]", "a suivi les {hours} heures de {workshop} ({track})")
    shoot(page, FLOW, "01-track-form")
    assert axe_violations(page, site) == []

    with page.context.expect_page() as opened:
        page.get_by_role("button", name="Preview the certificate in French").click()
    preview = opened.value
    preview.wait_for_load_state()
    assert preview.url.endswith(reverse("attendance:certificate_preview"))
    track.refresh_from_db()
    assert track.certificate_wording == {}  # a preview saves nothing

    # A slip is caught in the preview tab too, without losing what was typed in the form.
    page.fill("textarea[name=wording_fr]", "a suivi {atelier}")
    with page.context.expect_page() as opened:
        page.get_by_role("button", name="Preview the certificate in French").click()
    refused = opened.value
    refused.wait_for_load_state()
    assert "French: Unknown placeholder {atelier}" in refused.content()
    shoot(refused, FLOW, "02-preview-refused")
    assert page.input_value("textarea[name=wording_fr]") == "a suivi {atelier}"

    page.fill("textarea[name=wording_fr]", "a suivi les {hours} heures de {workshop}")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    track.refresh_from_db()
    assert track.certificate_wording == {"fr": "a suivi les {hours} heures de {workshop}"}
    assert track.validity_months == 36
