"""Report figures are shared for a few minutes by viewers of the same scope, and the page says
when they were computed, in the viewer's time zone."""

from __future__ import annotations

import datetime as dt
import io
import time
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.core.cache import cache
from django.urls import reverse

from attendance.models import Completion
from attendees.models import User
from reports.figures import CACHE_SECONDS, cached_program_figures, program_figures
from trainingsite import when

pytestmark = pytest.mark.django_db

START, END = dt.date(2026, 1, 1), dt.date(2030, 12, 31)
REPORT = reverse("reports:program")
PERIOD = {"date_from": START.isoformat(), "date_to": END.isoformat()}


def _expiries() -> list[float]:
    """Seconds left of every entry in the test's local-memory cache."""
    return [expiry - time.time() for expiry in cache._expire_info.values()]


def test_report_figures_may_be_minutes_old_and_expire_within_the_bound(
    program, coordinator, client_for
):
    client = client_for(coordinator)
    first = client.get(REPORT, PERIOD).context["figures"]
    assert first.completed == 7
    Completion.objects.filter(completed=True).update(completed=False)
    again = client.get(REPORT, PERIOD).context["figures"]
    assert again.completed == 7 and again.as_of == first.as_of  # shared, not recomputed
    assert _expiries() and max(_expiries()) <= CACHE_SECONDS
    cache.clear()  # what expiry does
    assert client.get(REPORT, PERIOD).context["figures"].completed == 0


def test_report_page_says_when_its_figures_were_computed_in_the_viewers_zone(
    program, coordinator, client_for
):
    User.objects.filter(pk=coordinator.pk).update(time_zone="Asia/Singapore")
    response = client_for(coordinator).get(REPORT, PERIOD)
    as_of = response.context["figures"].as_of.astimezone(ZoneInfo("Asia/Singapore"))
    shown = f"{when.date(as_of, 'Asia/Singapore')}, {as_of:%H:%M}"
    assert f"Figures as of {shown} (Singapore Time, GMT+08:00)." in response.content.decode()


def test_cached_figures_equal_computed_ones_and_are_scoped_per_viewer(
    program, coordinator, program_admin
):
    for user in (coordinator, program_admin):
        computed = program_figures(user, start=START, end=END)
        assert cached_program_figures(user, start=START, end=END) == computed
        assert cached_program_figures(user, start=START, end=END) == computed  # from the cache
    assert cached_program_figures(coordinator, start=START, end=END) != cached_program_figures(
        program_admin, start=START, end=END
    )


def test_a_region_given_to_a_coordinator_is_in_their_next_report(
    program, coordinator, other_region, client_for
):
    client = client_for(coordinator)
    before = client.get(REPORT, PERIOD).context["figures"]
    coordinator.coordinated_regions.add(other_region)
    after = client.get(REPORT, PERIOD).context["figures"]
    assert after.workshops_scheduled > before.workshops_scheduled


def test_report_download_is_computed_afresh_while_the_page_is_cached(
    program, coordinator, client_for
):
    client = client_for(coordinator)
    assert client.get(REPORT, PERIOD).context["figures"].officers_trained == 6
    Completion.objects.filter(completed=True).update(completed=False)
    response = client.get(reverse("reports:program_xlsx"), PERIOD)
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    summary = dict(workbook["Summary"].iter_rows(min_row=2, values_only=True))
    assert summary["Officers trained"] == 0
