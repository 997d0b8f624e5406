"""Each role's day, key page by key page, at phone, tablet and desktop widths: no console error,
no failed asset, no sideways scrolling, no text squeezed into a sliver, a one-row masthead, the
site's font. Every page at every width is saved as
`screenshots/day/<language>/<role>-<page>-<width>.png` (the evidence; the README names it)."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD, RegistrationFactory, WorkshopFactory

from .conftest import SCREENSHOTS, login

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDTHS = (390, 1024, 1280)

# Elements whose own text is at least four characters but that are under three font sizes wide
# and over two lines tall: a column or flex item squeezed until its words break letter by letter.
SQUEEZED_JS = """() => {
  const found = [];
  for (const el of document.querySelectorAll('body *')) {
    const own = [...el.childNodes].filter(n => n.nodeType === 3)
      .map(n => n.textContent.trim()).join(' ').trim();
    if (own.length < 4) continue;
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height) continue;
    if (el.closest('.visually-hidden, .visually-hidden-focusable, [hidden]')) continue;
    const style = getComputedStyle(el);
    const size = parseFloat(style.fontSize);
    const line = parseFloat(style.lineHeight) || size * 1.5;
    if (box.width < size * 3 && box.height > line * 2.5) {
      const name = `${el.tagName.toLowerCase()}.${el.className}`;
      found.push(`${name} "${own.slice(0, 30)}" ${Math.round(box.width)}px`);
    }
  }
  return found;
}"""


def _check_page(page, url: str, problems: list[str], shot: str | None = None) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        where = f"{url} @{width}"
        if shot:
            path = SCREENSHOTS / "day" / f"{shot}-{width}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(path), full_page=True)
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 0:
            problems.append(f"{where}: {overflow}px of horizontal overflow")
        for squeezed in page.evaluate(SQUEEZED_JS):
            problems.append(f"{where}: squeezed {squeezed}")
        if width >= 992:
            # The masthead is one row: the program's name on one line beside the account menu.
            brand = page.evaluate(
                "() => { const b = document.querySelector('.site-brand-name');"
                " return [b.getBoundingClientRect().height,"
                " parseFloat(getComputedStyle(b).lineHeight)] }"
            )
            if brand[0] > brand[1] * 1.5:
                problems.append(f"{where}: the program name wraps in the masthead")
    family = page.evaluate("() => getComputedStyle(document.body).fontFamily")
    if not family.startswith('"Inter Variable"') and "CJK" not in family:
        problems.append(f"{url}: body font is {family}")


def _watch(page, problems: list[str]) -> None:
    page.on(
        "console",
        lambda msg: (
            problems.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None
        ),
    )
    page.on(
        "response",
        lambda response: (
            problems.append(f"{response.status} {response.url}") if response.status >= 400 else None
        ),
    )


def _shot(language: str, role: str, path: str) -> str:
    parts = ("id" if part.isdigit() else part for part in path.strip("/").split("/"))
    slug = "-".join(parts) or "home"
    return f"{language}/{role}-{slug}"


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_key_pages_per_role_fit_every_width(
    site, new_page, officer, focal_point, trainer, coordinator, program_admin, region, language
):
    workshop = WorkshopFactory(
        region=region, title="Tracing funds through mixers and bridges", trainers=[trainer]
    )
    RegistrationFactory(workshop=workshop, officer=officer)
    session = workshop.sessions.first()
    problems: list[str] = []

    page = new_page(locale="zh-CN" if language == "zh-hans" else "en-GB")
    page.context.add_cookies([{"name": "django_language", "value": language, "url": site}])
    _watch(page, problems)
    for path in ("/accounts/login/", "/accounts/signup/", "/verify/"):
        _check_page(page, f"{site}{path}", problems, _shot(language, "anonymous", path))
    assert page.goto(f"{site}/favicon.ico").status == 200

    pages = {
        officer: ["/", "/workshops/", f"/workshops/{workshop.pk}/", "/my-training/", "/profile/"],
        focal_point: [
            "/",
            "/inbox/",
            "/agency/",
            "/my-agency/",
            "/vetting/",
            "/nominations/",
            f"/agencies/{focal_point.agency_id}/record/",
            "/my-agency/profile/",
        ],
        trainer: [
            "/",
            "/inbox/",
            "/attendance/",
            "/attendance/today/",
            f"/attendance/workshops/{workshop.pk}/",
            f"/attendance/sessions/{session.pk}/",
            "/curriculum/",
            "/curriculum/new/",
        ],
        coordinator: [
            "/",
            "/workshops/",
            f"/workshops/{workshop.pk}/",
            "/schedule/",
            "/schedule/new/",
            f"/manage/workshops/{workshop.pk}/registrations/",
            f"/workshops/{workshop.pk}/roster/",
            "/vetting/",
            "/agencies/",
            f"/agencies/{officer.agency_id}/record/",
            "/deliveries/failed/",
            "/inbox/",
            "/reports/program/",
        ],
        program_admin: ["/", "/inbox/", "/audit/"],
    }
    roles = {officer: "officer", focal_point: "focal", trainer: "trainer"}
    roles |= {coordinator: "coordinator", program_admin: "admin"}
    for user, paths in pages.items():
        user.language = language
        user.save(update_fields=["language"])
        page = new_page()
        _watch(page, problems)
        login(page, site, user, PASSWORD)
        for path in paths:
            _check_page(page, f"{site}{path}", problems, _shot(language, roles[user], path))
            # Every page in a menu section marks it (the coordinator's registrations page
            # is reached from a workshop, the profile from the account menu).
            marked = page.locator("[aria-current=page]").count()
            assert marked >= (0 if path.startswith(("/manage/", "/profile/")) else 1), path
    # Open menus draw over the page, not under its cards.
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{site}/")
    page.click(".site-nav-account .dropdown-toggle")
    last = page.locator(".site-nav-account .dropdown-menu .dropdown-item").last
    box = last.bounding_box()
    assert box
    on_top = page.evaluate(
        "([x, y]) => !!document.elementFromPoint(x, y).closest('.dropdown-menu')",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert on_top, "the account menu is covered by the page"
    assert not problems, "\n".join(problems)
