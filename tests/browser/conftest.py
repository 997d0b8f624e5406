"""Browser suite: Playwright's sync API driving Debian's chromium against pytest-django's
live server (which serves static files through the staticfiles handler).

Screenshots go to `screenshots/<flow>/` at the repository root (gitignored)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to be called
# from a thread with a running loop unless told it is safe (it is: one thread, sequential).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def _playwright():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(_playwright):
    browser = _playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    )
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def _media_url_for_live_server():
    """The site has MEDIA_URL = None (uploads are served by a permission-checking view), but
    Django's live server wraps a media handler that parses MEDIA_URL when it starts: give it a
    path no page links to."""
    from django.conf import settings

    if settings.MEDIA_URL is None:
        settings.MEDIA_URL = "/__live-server-media-unused__/"


@pytest.fixture
def site(_media_url_for_live_server, live_server, transactional_db, settings):
    """The live server's base URL, with settings a browser needs (plain HTTP on 127.0.0.1)."""
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    # Links in mail (confirmation, reset) point at SITE_URL: here, the live server.
    settings.SITE_URL = live_server.url
    return live_server.url


@pytest.fixture
def new_page(browser):
    """`new_page(viewport=DESKTOP)` opens a page in a fresh context (its own cookies)."""
    contexts = []

    def _open(viewport=None, locale="en-GB"):
        context = browser.new_context(
            viewport=viewport or DESKTOP, locale=locale, accept_downloads=True
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()


def shoot(page, flow: str, name: str, *, both: bool = True) -> None:
    """Save `screenshots/<flow>/<name>-desktop.png` and `-phone.png` (restoring the viewport)."""
    folder = SCREENSHOTS / flow
    folder.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size
    sizes = [("desktop", DESKTOP), ("phone", PHONE)] if both else [("shot", original)]
    for label, size in sizes:
        page.set_viewport_size(size)
        page.screenshot(path=str(folder / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(original)


def totp_code(user) -> str:
    from attendees.mfa import enrol_totp
    from tests.totp import current_code

    secret = enrol_totp(user)
    # allauth accepts only the current 30 s window: a code computed in its last seconds can expire
    # before the form is posted, so wait for a fresh window then.
    if 30 - time.time() % 30 < 3:
        time.sleep(30 - time.time() % 30 + 0.1)
    return current_code(secret)


def login(page, base_url: str, user, password: str) -> None:
    """Sign in through the real forms (password, then a TOTP code for staff)."""
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    if page.locator("input[name=code]").count():
        page.fill("input[name=code]", totp_code(user))
        with page.expect_navigation():
            page.press("input[name=code]", "Enter")
    assert "/accounts/login/" not in page.url, page.url
    assert "/accounts/2fa/authenticate/" not in page.url, page.url


def axe_violations(page, base_url: str, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core (served by the site itself, so the CSP allows it) on the current page."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=f"{base_url}/static/vendor/axe-core/axe.min.js")
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' +
                    (n.failureSummary || '').slice(0, 200))}));
        }"""
    )
    return [v for v in result if v["impact"] in impacts]
