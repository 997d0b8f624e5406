"""The time-zone picker in a real browser: the browser's zone is the default at sign-up, the
profile offers it beside a saved zone, the filter narrows the list; and the pages with times,
photographed at three widths in English and Chinese."""

from __future__ import annotations

import datetime as dt
import os
import zoneinfo
from pathlib import Path

import pytest

from attendees.models import User
from tests.factories import PASSWORD, WorkshopFactory

from .conftest import SCREENSHOTS, login

pytestmark = pytest.mark.browser

WIDTHS = (390, 1024, 1280)
SHOTS = Path(os.environ.get("TIME_SHOTS_DIR", SCREENSHOTS / "time"))


def _page(browser, *, zone="Asia/Singapore", locale="en-GB", width=1280):
    context = browser.new_context(
        viewport={"width": width, "height": 900}, locale=locale, timezone_id=zone
    )
    context.set_default_timeout(15_000)
    return context, context.new_page()


def _shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)


def test_sign_up_selects_the_browsers_zone_and_the_filter_narrows_the_list(site, browser):
    context, page = _page(browser)
    try:
        page.goto(f"{site}/accounts/signup/")
        select = page.locator("select[name=time_zone]")
        assert select.input_value() == "Asia/Singapore"
        assert page.locator("[data-tz-note]").is_visible()
        assert page.locator("select[name=time_zone] optgroup").count() >= 9
        values = select.evaluate("s => Array.from(s.options).map(o => o.value)")
        assert "US/Pacific" not in values and "Factory" not in values
        page.fill("[data-tz-filter]", "warsaw")
        assert select.input_value() == "Europe/Warsaw"
        shown = select.evaluate("s => Array.from(s.options).filter(o => !o.hidden).length")
        assert shown == 1
        page.fill("[data-tz-filter]", "")
        assert select.evaluate("s => Array.from(s.options).filter(o => !o.hidden).length") > 300
    finally:
        context.close()


def test_profile_offers_the_browsers_zone_beside_the_saved_one(site, browser, officer):
    User.objects.filter(pk=officer.pk).update(time_zone="Europe/Lisbon")
    context, page = _page(browser)
    try:
        login(page, site, officer, PASSWORD)
        page.goto(f"{site}/profile/")
        select = page.locator("select[name=time_zone]")
        assert select.input_value() == "Europe/Lisbon"
        use = page.locator("[data-tz-use]")
        assert use.is_visible() and "Singapore" in use.inner_text()
        use.click()
        assert select.input_value() == "Asia/Singapore"
        with page.expect_navigation():
            page.locator("form button[type=submit]").last.click()
        officer.refresh_from_db()
        assert officer.time_zone == "Asia/Singapore"
    finally:
        context.close()


@pytest.mark.parametrize(("language", "locale"), [("en", "en-GB"), ("zh-hans", "zh-CN")])
def test_pages_with_times_at_three_widths(site, browser, officer, region, language, locale):
    User.objects.filter(pk=officer.pk).update(time_zone="Asia/Singapore", language=language)
    warsaw = zoneinfo.ZoneInfo("Europe/Warsaw")
    start = dt.datetime.now(warsaw).replace(hour=9, minute=0, second=0, microsecond=0)
    start += dt.timedelta(days=21)
    workshop = WorkshopFactory(
        region=region,
        title="Crypto tracing (Warsaw)",
        time_zone="Europe/Warsaw",
        city="Warsaw",
        country="PL",
        venue_name="Police Academy",
        sessions=[
            (start, start + dt.timedelta(hours=8)),
            (start + dt.timedelta(days=1), start + dt.timedelta(days=1, hours=8)),
        ],
    )
    context, page = _page(browser, locale=locale)
    try:
        page.goto(f"{site}/accounts/signup/")
        _shoot(page, f"signup-{language}")
        login(page, site, officer, PASSWORD)
        page.goto(f"{site}/workshops/{workshop.pk}/")
        assert "Warsaw" in page.content() or "华沙" in page.content()
        _shoot(page, f"workshop-{language}")
        page.goto(f"{site}/profile/")
        _shoot(page, f"profile-{language}")
    finally:
        context.close()
