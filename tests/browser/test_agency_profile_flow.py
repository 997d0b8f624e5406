"""A focal point asks for a new e-mail domain on their agency's profile; a coordinator of the
region approves it on the agency's page; the focal point sees it done."""

from __future__ import annotations

import pytest

from attendees.models import AgencyRequest
from tests.factories import PASSWORD, AgencyDomainFactory, OfficerFactory

from .conftest import PHONE, login, shoot

pytestmark = pytest.mark.browser
FLOW = "agency-profile"


def test_focal_point_asks_and_coordinator_approves(
    site, new_page, focal_point, officer, coordinator, agency
):
    AgencyDomainFactory(agency=agency, domain="lab.agencya.gov")
    OfficerFactory(agency=agency, full_name="Kim Proposed")
    page = new_page()
    login(page, site, focal_point, PASSWORD)
    page.goto(f"{site}/my-agency/")
    page.get_by_role("link", name="Profile").click()
    page.get_by_text("Add an e-mail domain", exact=True).click()
    page.fill("input[name=add_domain-domain]", "cyber.agencya.gov")
    page.fill("textarea[name=add_domain-reason]", "Our analysts moved to this domain.")
    with page.expect_navigation():
        page.get_by_role("button", name="Ask to add the domain").click()
    page.get_by_text("Propose an additional focal point", exact=True).click()
    page.select_option("select[name=add_focal-officer]", label=f"Officer Alice ({officer.email})")
    with page.expect_navigation():
        page.get_by_role("button", name="Propose as focal point").click()
    assert page.get_by_text("Add the e-mail domain @cyber.agencya.gov").count() == 1
    shoot(page, FLOW, "01-profile-focal-point")
    page.get_by_text("Change the vetting mode", exact=True).click()
    shoot(page, FLOW, "01b-profile-vetting-mode-open")
    asked = AgencyRequest.objects.get(value="cyber.agencya.gov")

    staff = new_page()
    login(staff, site, coordinator, PASSWORD)
    staff.goto(f"{site}/inbox/")
    assert staff.get_by_text("Add the e-mail domain @cyber.agencya.gov").count() == 1
    shoot(staff, FLOW, "02a-inbox")
    staff.goto(f"{site}/agencies/")
    shoot(staff, FLOW, "02-agency-list")
    staff.get_by_role("link", name="2 requests").click()
    shoot(staff, FLOW, "03-agency-detail-coordinator")
    staff.fill(f"input[name=request-{asked.pk}-note]", "Welcome aboard.")
    with staff.expect_navigation():
        staff.locator(
            f"form:has(input[name=request-{asked.pk}-note]) button[value=approve]"
        ).click()
    assert agency.domains.filter(domain="cyber.agencya.gov").exists()
    shoot(staff, FLOW, "04-approved")

    phone = new_page(viewport=PHONE)
    login(phone, site, focal_point, PASSWORD)
    phone.goto(f"{site}/my-agency/profile/")
    assert phone.get_by_text("“Welcome aboard.”").count() == 1
    shoot(phone, FLOW, "05-profile-after-decision")
