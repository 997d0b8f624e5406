"""A new staff member sets up two-factor sign-in in a real browser: password, the mailed link,
then the authenticator app; the set-up page passes axe like the other pages."""

from __future__ import annotations

import re
import time

import pytest
from django.core import mail

from tests.factories import PASSWORD, TrainerFactory
from tests.totp import current_code

from .conftest import axe_violations, login, shoot

pytestmark = pytest.mark.browser


def test_staff_enrol_their_first_authenticator_through_the_mailed_link(site, new_page):
    trainer = TrainerFactory(mfa=False)
    page = new_page()
    login(page, site, trainer, PASSWORD)
    assert page.url.endswith("/two-factor/setup/"), page.url
    assert axe_violations(page, site) == []
    shoot(page, "two-factor-setup", "setup")

    with page.expect_navigation():
        page.get_by_role("button", name="Send me the link").click()
    assert trainer.email in page.locator(".alert").first.inner_text()
    shoot(page, "two-factor-setup", "sent")
    link = re.search(r"https?://[^/\s]+(/two-factor/setup/link/\S+/)", mail.outbox[-1].body)

    page.goto(f"{site}{link.group(1)}")
    if "/accounts/reauthenticate/" in page.url:
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.press("input[name=password]", "Enter")
    assert "/accounts/2fa/totp/activate/" in page.url, page.url
    secret = page.locator("#authenticator_secret").input_value()
    if 30 - time.time() % 30 < 3:  # a code from the window's last seconds may expire unposted
        time.sleep(30 - time.time() % 30 + 0.1)
    page.fill("input[name=code]", current_code(secret))
    with page.expect_navigation():
        page.press("input[name=code]", "Enter")
    page.goto(f"{site}/attendance/")
    assert page.url == f"{site}/attendance/", page.url

    # The link is spent.
    response = page.goto(f"{site}{link.group(1)}")
    assert response.status == 400
    assert "already been used" in page.locator(".alert-danger").inner_text()
    shoot(page, "two-factor-setup", "used", both=False)
