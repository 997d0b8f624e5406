"""Officer journey in a real browser: sign-up → e-mail confirmation → vetting by a coordinator
(in another browser context, password + TOTP) → catalog → register → invite e-mail → cancel,
which promotes another officer from the waitlist."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.utils import timezone

from attendees.models import User
from registrations.models import Registration
from tests.factories import PASSWORD, OfficerFactory, RegistrationFactory, WorkshopFactory

from .conftest import PHONE, login, shoot

pytestmark = pytest.mark.browser
FLOW = "officer"


def _link_in(message, pattern: str) -> str:
    found = re.search(rf"https?://\S*{pattern}\S*", message.body)
    assert found, message.body
    return found.group(0)


def test_officer_signs_up_is_vetted_registers_and_cancels(
    site, new_page, agency, region, coordinator
):
    workshop = WorkshopFactory(region=region, title="Tracing stablecoins", capacity=1)
    other = WorkshopFactory(region=region, title="Darknet markets primer")
    waiting = RegistrationFactory(
        workshop=workshop,
        officer=OfficerFactory(agency=agency),
        state=Registration.State.WAITLISTED,
        confirmed_at=None,
        waitlisted_at=timezone.now(),
    )
    email = "new.officer@agencya.gov"

    page = new_page()
    page.goto(f"{site}/accounts/signup/")
    page.fill("input[name=email]", email)
    page.fill("input[name=password1]", "a-Long-passphrase-2026")
    page.fill("input[name=password2]", "a-Long-passphrase-2026")
    page.fill("input[name=full_name]", "Nadia Officer")
    shoot(page, FLOW, "01-signup")
    with page.expect_navigation():
        page.press("input[name=full_name]", "Enter")
    shoot(page, FLOW, "02-confirm-sent")

    confirmation = next(m for m in mail.outbox if email in m.to)
    page.goto(_link_in(confirmation, "/accounts/confirm-email/"))
    shoot(page, FLOW, "03-confirm")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    login(page, site, User.objects.get(email=email), "a-Long-passphrase-2026")
    assert "/access/" in page.url
    shoot(page, FLOW, "04-waiting")

    new_officer = User.objects.get(email=email)
    assert new_officer.status == User.Status.PENDING
    staff = new_page()
    login(staff, site, coordinator, PASSWORD)
    staff.goto(f"{site}/vetting/{new_officer.pk}/")
    shoot(staff, FLOW, "05-coordinator-vets")
    with staff.expect_navigation():
        staff.locator("button[name=action][value=approve]").click()
    new_officer.refresh_from_db()
    assert new_officer.status == User.Status.VERIFIED

    page.goto(f"{site}/workshops/")
    page.fill("input[name=q]", "stablecoins")
    with page.expect_navigation():
        page.press("input[name=q]", "Enter")
    assert page.get_by_text("Tracing stablecoins").count()
    assert not page.get_by_text(other.title).count()
    shoot(page, FLOW, "06-catalog-filtered")

    page.get_by_role("link", name="Tracing stablecoins").first.click()
    page.wait_for_load_state()
    mail.outbox.clear()
    with page.expect_navigation():
        page.get_by_role("button", name="Register").click()
    mine = Registration.objects.get(officer=new_officer, workshop=workshop)
    assert mine.state == Registration.State.CONFIRMED
    shoot(page, FLOW, "07-registered")

    to_officer = [m for m in mail.outbox if email in m.to]
    parts = [{p.get_content_type() for p in m.message().walk()} for m in to_officer]
    assert any("text/calendar" in types for types in parts), [m.subject for m in to_officer]

    page.goto(f"{site}/my-training/")
    shoot(page, FLOW, "08-my-training")
    page.goto(f"{site}/workshops/{workshop.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Cancel my registration").click()
    assert "/cancel/" in page.url
    shoot(page, FLOW, "09-cancel-confirmation")
    mine.refresh_from_db()
    assert mine.state == Registration.State.CONFIRMED  # asked first
    with page.expect_navigation():
        page.get_by_role("button", name="Yes, cancel my registration").click()
    assert page.get_by_text("is cancelled").count()
    mine.refresh_from_db()
    assert mine.state == Registration.State.CANCELLED
    waiting.refresh_from_db()
    assert waiting.state == Registration.State.CONFIRMED
    page.set_viewport_size(PHONE)
    shoot(page, FLOW, "10-cancelled")
