"""The workshop page at phone, small-laptop and desktop widths: the Register button on the first
phone screen, no sideways scrolling, no text squeezed into a column a few letters wide (the
"Add to your calendar" card in the sidebar); the catalog's filters fold away on phones."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import PASSWORD, WorkshopFactory
from tests.workshops.scheduling_helpers import published_revision
from workshops.models import WorkshopModule

from .conftest import PHONE, login, shoot

pytestmark = pytest.mark.browser
FLOW = "workshop-page"
WIDTHS = (390, 1024, 1280)

# Text nodes in <main> laid out on more lines than they have words: words broken letter by
# letter, i.e. a box squeezed to a few characters' width.
SQUEEZED_JS = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const text = node.textContent.trim();
    if (text.length < 4) continue;
    const el = node.parentElement;
    if (!el.getClientRects().length || getComputedStyle(el).visibility === 'hidden') continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const lines = new Set(
      Array.from(range.getClientRects()).filter(r => r.width > 0).map(r => Math.round(r.top))
    ).size;
    const words = text.split(/\\s+/).length;
    if (lines > words + 1) {
      out.push({text: text.slice(0, 40), lines, words,
                width: Math.round(el.getBoundingClientRect().width)});
    }
  }
  return out;
}"""
OVERFLOW_JS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture
def busy_workshop(region):
    """A workshop with everything a real one has: a long description, titled sessions on
    several days (each with calendar links), modules with objectives."""
    start = (timezone.now() + dt.timedelta(days=30)).replace(hour=9, minute=0, second=0)
    days = [(start + dt.timedelta(days=i), start + dt.timedelta(days=i, hours=8)) for i in range(3)]
    workshop = WorkshopFactory(
        region=region,
        title="Blockchain forensics for financial investigators",
        description=(
            "A hands-on workshop for vetted investigators: tracing funds across chains, "
            "clustering addresses, and presenting findings that survive cross-examination. "
        )
        * 4,
        sessions=days,
        city="Manila",
        country="PH",
    )
    for i, session in enumerate(workshop.sessions.order_by("starts_at"), start=1):
        session.title = f"Day {i}: tracing through mixers, bridges and exchanges"
        session.save(update_fields=["title"])
    for title in ("Clustering heuristics", "Ransomware payment tracing", "Mixers and CoinJoin"):
        WorkshopModule.objects.create(
            workshop=workshop,
            revision=published_revision(
                title=title, objectives="Explain it\nApply it\nDefend it in court"
            ),
        )
    return workshop


def test_register_button_is_on_the_first_phone_screen(site, new_page, officer, busy_workshop):
    page = new_page(viewport=PHONE)
    login(page, site, officer, PASSWORD)
    page.goto(f"{site}/workshops/{busy_workshop.pk}/")
    button = page.get_by_role("button", name="Register")
    box = button.bounding_box()
    assert box is not None
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], box
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    page.screenshot(path=_shot_path("phone-first-screen"))


@pytest.mark.parametrize("width", WIDTHS)
def test_workshop_page_fits_every_width(site, new_page, officer, busy_workshop, width):
    page = new_page(viewport={"width": width, "height": 844})
    login(page, site, officer, PASSWORD)
    page.goto(f"{site}/workshops/{busy_workshop.pk}/")
    assert page.get_by_text("Add to your calendar").count()
    assert page.evaluate(OVERFLOW_JS) <= 0, width
    assert page.evaluate(SQUEEZED_JS) == [], width
    page.screenshot(path=_shot_path(f"workshop-{width}"), full_page=True)


def test_catalog_filters_fold_away_on_phones_only(site, new_page, officer, region):
    WorkshopFactory(region=region, title="Any workshop")
    page = new_page(viewport=PHONE)
    login(page, site, officer, PASSWORD)
    page.goto(f"{site}/workshops/")
    search = page.locator("input[name=q]")
    assert not search.is_visible()
    page.get_by_role("button", name="Filters").click()
    search.wait_for(state="visible")
    shoot(page, FLOW, "catalog-filters-open", both=False)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{site}/workshops/")
    assert search.is_visible()
    assert not page.get_by_role("button", name="Filters").is_visible()


def _shot_path(name: str) -> str:
    from .conftest import SCREENSHOTS

    folder = SCREENSHOTS / FLOW
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder / f"{name}.png")
