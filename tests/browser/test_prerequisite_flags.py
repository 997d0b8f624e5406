"""The coordinator's registrations page flags the officers who lack prerequisite modules of the
workshop (rows written before the rule): a badge, the modules in its tooltip and for screen
readers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from registrations.models import Registration
from tests.factories import (
    PASSWORD,
    ModuleFactory,
    OfficerFactory,
    RegistrationFactory,
    TrackFactory,
    WorkshopFactory,
    publish_directly,
)
from workshops.models import WorkshopModule

from .conftest import DESKTOP, PHONE, axe_violations, login, shoot

pytestmark = pytest.mark.browser
FLOW = "prerequisite-flags"


def test_the_coordinator_sees_who_lacks_prerequisites(site, new_page, coordinator, region, agency):
    track = TrackFactory(name="Blockchain forensics", slug="forensics")
    basics = ModuleFactory(title="UTXO basics", track=track)
    publish_directly(basics)
    advanced = ModuleFactory(title="Advanced tracing", track=track)
    publish_directly(advanced, prerequisite_ids=[basics.pk])
    workshop = WorkshopFactory(region=region, title="Advanced workshop", requires_approval=True)
    WorkshopModule.objects.create(
        workshop=workshop, revision=advanced.published_revision, position=0
    )
    RegistrationFactory(
        workshop=workshop,
        officer=OfficerFactory(agency=agency, full_name="Lacking Lou"),
        state=Registration.State.PENDING,
        confirmed_at=None,
    )
    RegistrationFactory(workshop=workshop, officer=OfficerFactory(agency=agency))

    page = new_page(viewport=DESKTOP)
    login(page, site, coordinator, PASSWORD)
    page.goto(site + reverse("registration:workshop_registrations", args=[workshop.pk]))
    badges = page.locator(".badge", has_text="Lacks prerequisites")
    assert badges.count() == 2
    assert badges.first.get_attribute("title") == "Modules not completed: UTXO basics"
    assert axe_violations(page, site) == []
    shoot(page, FLOW, "registrations")
    page.set_viewport_size(PHONE)
    assert axe_violations(page, site) == []
