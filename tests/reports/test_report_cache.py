"""Cached report figures are never stale: every committed write to what they are computed from
changes the data version (whatever wrote: save, queryset update, bulk create, raw SQL), and a
workshop ending expires them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from attendance.models import AttendanceMark, Completion
from attendees.models import Agency, Registration, User
from reports.dataversion import current
from reports.figures import cache_seconds, cached_program_figures, program_figures
from workshops.models import Workshop

pytestmark = pytest.mark.django_db

START, END = dt.date(2026, 1, 1), dt.date(2030, 12, 31)
REPORT = reverse("reports:program")
PERIOD = {"date_from": START.isoformat(), "date_to": END.isoformat()}


def _body(response) -> bytes:
    """The figures part of the page (the rest carries a per-response CSRF token)."""
    return response.content.split(b'class="report-period')[1]


def test_every_kind_of_write_changes_the_report_version(program, officer):
    before = current("report")
    Completion.objects.filter(completed=True).update(completed=False)
    after_update = current("report")
    assert after_update > before
    reg = Registration.objects.first()
    reg.save()
    after_save = current("report")
    assert after_save > after_update
    AttendanceMark.objects.filter(pk=-1).delete()  # a statement that touches no row still counts
    assert current("report") > after_save
    with connection.cursor() as cursor:
        cursor.execute("UPDATE attendees_agency SET name = name || '!'")
    assert current("report") > after_save + 1


def test_sign_ins_do_not_change_the_report_version(program, officer):
    before = current("report")
    User.objects.filter(pk=officer.pk).update(last_login=timezone.now())
    assert current("report") == before
    User.objects.filter(pk=officer.pk).update(
        agency=Agency.objects.exclude(pk=officer.agency_id)[0]
    )
    assert current("report") == before + 1


def test_catalog_choices_version_ignores_registrations(program, region):
    before = current("choices")
    Registration.objects.update(state=Registration.State.CONFIRMED)
    assert current("choices") == before
    region.name = "APAC"
    region.save()
    assert current("choices") == before + 1


def test_report_page_is_cached_until_a_write_then_recomputed(program, coordinator, client_for):
    client = client_for(coordinator)
    first = client.get(REPORT, PERIOD)
    assert first.context["figures"].completed == 7
    with CaptureQueriesContext(connection) as cached:
        again = client.get(REPORT, PERIOD)
    assert _body(again) == _body(first)
    assert again.context["figures"] is None  # the rendered figures came from the cache
    assert len(cached) < 10

    # A bulk write (no signal, no service) is seen at once.
    Completion.objects.filter(completed=True).update(completed=False)
    fresh = client.get(REPORT, PERIOD)
    assert fresh.context["figures"].completed == 0
    assert fresh.context["figures"] == program_figures(coordinator, start=START, end=END)
    assert _body(fresh) != _body(first)


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


def test_figures_expire_when_a_scheduled_workshop_ends(program, coordinator):
    soon = timezone.now() + dt.timedelta(minutes=5)
    Workshop.objects.filter(title="Crypto basics Singapore").update(
        starts_at=soon - dt.timedelta(hours=1), ends_at=soon
    )
    figures = program_figures(coordinator, start=START, end=END)
    assert figures.changes_at == soon
    assert 0 < cache_seconds(figures) <= 300
