"""The coordinator's registration lists, rendered from plain rows: positions match the
queryset's, anything a row shows changes it at once, and the actions forms carry a valid CSRF
token of the response they are in."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attendees.models import User
from registrations.models import Registration, RegistrationEvent
from registrations.rows import load
from tests.factories import OfficerFactory, RegistrationFactory, WorkshopFactory
from tests.signin import sign_in

pytestmark = pytest.mark.django_db
State = Registration.State


@pytest.fixture
def workshop(region):
    return WorkshopFactory(region=region, capacity=2, title="Rows")


def _url(workshop) -> str:
    return reverse("registration:workshop_registrations", args=[workshop.pk])


def test_waitlist_positions_match_the_queryset_annotation(workshop, agency):
    at = timezone.now() - dt.timedelta(days=1)
    for minutes in (5, 1, 1, 3):  # two officers joined in the same instant: id breaks the tie
        RegistrationFactory(
            workshop=workshop,
            officer=OfficerFactory(agency=agency),
            state=State.WAITLISTED,
            confirmed_at=None,
            waitlisted_at=at + dt.timedelta(minutes=minutes),
        )
    RegistrationFactory(workshop=workshop, officer=OfficerFactory(agency=agency))
    expected = dict(
        Registration.objects.filter(workshop=workshop, state=State.WAITLISTED)
        .with_waitlist_position()
        .values_list("pk", "waitlist_position")
    )
    rows = load(Registration.objects.filter(workshop=workshop))
    got = {r["pk"]: r["waitlist_position"] for r in rows if r["state"] == State.WAITLISTED}
    assert got == expected
    assert sorted(got.values()) == [1, 2, 3, 4]


def test_rows_show_changes_at_once(client_for, coordinator, workshop, agency):
    officer = OfficerFactory(agency=agency, full_name="Before Name")
    reg = RegistrationFactory(workshop=workshop, officer=officer)
    client = client_for(coordinator)
    assert "Before Name" in client.get(_url(workshop)).content.decode()

    User.objects.filter(pk=officer.pk).update(full_name="After Name")
    page = client.get(_url(workshop)).content.decode()
    assert "After Name" in page and "Before Name" not in page

    RegistrationEvent.objects.create(
        registration=reg, from_state=State.CONFIRMED, to_state=State.CANCELLED, reason="Moved"
    )
    Registration.objects.filter(pk=reg.pk).update(state=State.CANCELLED)
    page = client.get(_url(workshop)).content.decode()
    assert "“Moved”" in page
    assert page.count("After Name") == 1
    assert 'id="h-inactive"' in page


def test_row_forms_carry_a_working_csrf_token(coordinator, workshop, agency):
    reg = RegistrationFactory(workshop=workshop, officer=OfficerFactory(agency=agency))
    client = Client(enforce_csrf_checks=True)
    sign_in(client, coordinator)
    page = client.get(_url(workshop)).content.decode()
    form = page[page.index(reverse("registration:decide", args=[reg.pk])) :]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    response = client.post(
        reverse("registration:decide", args=[reg.pk]),
        {"action": "remove", "message": "No longer available", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    reg.refresh_from_db()
    assert reg.state == State.REMOVED


def test_row_error_keeps_the_typed_text_in_that_row_only(client_for, coordinator, workshop, agency):
    first = RegistrationFactory(workshop=workshop, officer=OfficerFactory(agency=agency))
    RegistrationFactory(workshop=workshop, officer=OfficerFactory(agency=agency))
    client = client_for(coordinator)
    client.get(_url(workshop))  # rows cached without an error
    response = client.post(
        reverse("registration:decide", args=[first.pk]), {"action": "bogus", "message": "typed"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count('<details class="row-actions" open>') == 1
    assert ">typed</textarea>" in page


def test_a_registration_committed_between_the_two_reads_waits_for_the_next_load(
    workshop, agency, officer
):
    """The rows and their histories are two queries: an officer who registers in between has
    events but no row yet (seen in the soak as a 500 on a busy workshop's page)."""
    from django.db import connection

    from registrations import services

    first = services.register(workshop_id=workshop.pk, officer=officer)
    late = OfficerFactory(agency=agency)
    pending = [late]

    def register_before_the_history_read(execute, sql, params, many, context):
        if sql.startswith("SELECT") and "attendees_registrationevent" in sql and pending:
            services.register(workshop_id=workshop.pk, officer=pending.pop())
        return execute(sql, params, many, context)

    with connection.execute_wrapper(register_before_the_history_read):
        rows = load(Registration.objects.filter(workshop=workshop))
    assert [row["pk"] for row in rows] == [first.pk]
    assert [ev["to_state"] for ev in rows[0]["events"]] == [State.CONFIRMED]
    assert late.registrations.count() == 1  # it happened, in between
