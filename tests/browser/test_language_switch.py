"""A signed-in officer switches language from the account menu: the page, the confirmation and
their profile follow."""

from __future__ import annotations

import pytest

from .conftest import PHONE, login, shoot

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1280, "height": 800}])
def test_signed_in_officer_switches_language_from_the_account_menu(
    site, new_page, officer, viewport
):
    from tests.factories import PASSWORD

    page = new_page(viewport=viewport)
    login(page, site, officer, PASSWORD)
    page.goto(f"{site}/my-training/")
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        page.locator("#mainnav.show").wait_for()  # the collapse has finished opening
    page.locator(".site-navbar .dropdown-toggle").click()
    page.locator(".site-navbar .dropdown-menu.show").wait_for()
    with page.expect_navigation():
        page.get_by_role("button", name="Français").click()
    assert page.url.endswith("/my-training/")
    assert page.evaluate("() => document.documentElement.lang") == "fr"
    assert page.locator(".messages .alert-success").inner_text().strip().endswith("français.")
    shoot(page, "languages", f"switched-{viewport['width']}", both=False)
    officer.refresh_from_db()
    assert officer.language == "fr"
