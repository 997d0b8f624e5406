"""The inbox page, the navigation badge and the dashboard's first row, per role."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from attendees.models import User
from invites.models import InviteDelivery
from registrations.models import Registration
from tests.factories import OfficerFactory, RegistrationFactory, WorkshopFactory

pytestmark = pytest.mark.django_db
State = Registration.State
INBOX = "/inbox/"


def _name_change(agency, name="Officer Carol"):
    officer = OfficerFactory(agency=agency, full_name=name)
    User.objects.filter(pk=officer.pk).update(full_name=f"{name} Smith")
    return officer


def _pending_registration(workshop, agency):
    return RegistrationFactory(
        workshop=workshop,
        officer=OfficerFactory(agency=agency),
        state=State.PENDING,
        confirmed_at=None,
    )


def test_inbox_lists_items_with_links_to_where_they_are_done(
    client_for, coordinator, region, agency
):
    workshop = WorkshopFactory(region=region, title="Tracing ransomware", requires_approval=True)
    _pending_registration(workshop, agency)
    changed = _name_change(agency)
    body = client_for(coordinator).get(INBOX).content.decode()
    assert "Tracing ransomware" in body
    assert reverse("registration:workshop_registrations", args=[workshop.pk]) in body
    assert reverse("vetting_detail", args=[changed.pk]) + "#name-change" in body
    assert "Officer Carol Smith" in body


def test_inbox_says_when_nothing_waits(client_for, trainer):
    body = client_for(trainer).get(INBOX).content.decode()
    assert "Nothing waits for you." in body


def test_officer_has_no_inbox_and_no_inbox_link(client_for, officer):
    client = client_for(officer)
    assert client.get(INBOX).status_code == 403
    assert INBOX not in client.get(reverse("dashboard")).content.decode()


def test_nav_badge_counts_what_waits_on_every_staff_page(client_for, coordinator, agency):
    _name_change(agency)
    OfficerFactory(agency=agency, status=User.Status.PENDING, vetted_at=None)
    body = client_for(coordinator).get(reverse("workshops:catalog")).content.decode()
    assert f'href="{INBOX}">Inbox <span class="badge rounded-pill text-bg-warning">2<' in body


def test_nav_badge_costs_one_query(client_for, coordinator, agency):
    """The badge is on every staff page: one aggregate query, whatever waits."""
    client = client_for(coordinator)
    url = reverse("workshops:catalog")
    client.get(url)
    with CaptureQueriesContext(connection) as nothing_waits:
        client.get(url)
    nothing_waits_queries = len(nothing_waits)  # the next request clears the log it reads
    for i in range(5):
        _name_change(agency, name=f"Officer {i}")
    client.get(url)
    with CaptureQueriesContext(connection) as five_wait:
        body = client.get(url).content.decode()
    assert len(five_wait) == nothing_waits_queries
    assert '<span class="badge rounded-pill text-bg-warning">5<' in body
    assert sum("_inbox_count" in q["sql"] for q in five_wait.captured_queries) == 1


def test_dashboard_counts_a_pending_name_change_as_the_inbox_does(client_for, coordinator, agency):
    """The coordinator dashboard once said "0 officers waiting" while a name change waited."""
    _name_change(agency)
    client = client_for(coordinator)
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "Name changes to decide" in dashboard
    assert f'href="{INBOX}#name_changes"' in dashboard
    inbox = client.get(INBOX).content.decode()
    assert 'id="name_changes"' in inbox


def test_focal_point_dashboard_shows_their_agencys_waiting_items(
    client_for, focal_point, agency, other_agency
):
    OfficerFactory(agency=agency, status=User.Status.PENDING, vetted_at=None)
    OfficerFactory(agency=other_agency, status=User.Status.PENDING, vetted_at=None)
    workshop = WorkshopFactory(requires_nomination=True)
    RegistrationFactory(
        workshop=workshop,
        officer=OfficerFactory(agency=agency),
        state=State.NOMINATION,
        confirmed_at=None,
    )
    body = client_for(focal_point).get(reverse("dashboard")).content.decode()
    assert f'href="{INBOX}#officers"' in body and f'href="{INBOX}#nominations"' in body
    assert '<span class="badge text-bg-warning">2</span>' in body  # 1 officer + 1 nomination


def test_coordinator_dashboard_links_the_approval_pages(client_for, coordinator, region, agency):
    workshop = WorkshopFactory(region=region, title="Approve me", requires_approval=True)
    _pending_registration(workshop, agency)
    body = client_for(coordinator).get(reverse("dashboard")).content.decode()
    assert reverse("registration:workshop_registrations", args=[workshop.pk]) in body
    assert "Upcoming published workshops" in body


def test_officer_dashboard_shows_the_next_workshop_in_both_zones(client_for, officer):
    officer.time_zone = "Europe/Lisbon"
    officer.save(update_fields=["time_zone"])
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=9)
    workshop = WorkshopFactory(
        title="Mixers and bridges",
        time_zone="Asia/Singapore",
        sessions=[(start, start + dt.timedelta(hours=6))],
    )
    RegistrationFactory(workshop=workshop, officer=officer)
    body = client_for(officer).get(reverse("dashboard")).content.decode()
    assert "Mixers and bridges" in body
    assert "Singapore Time" in body and "Lisbon Time" in body
    assert "Not in your calendar yet" in body
    assert reverse("invites:workshop_calendar", args=[workshop.pk]) in body


def test_officer_dashboard_says_when_the_invitation_was_sent(client_for, officer):
    workshop = WorkshopFactory()
    RegistrationFactory(workshop=workshop, officer=officer)
    session = workshop.sessions.get()
    InviteDelivery.objects.create(
        user=officer,
        workshop=workshop,
        session=session,
        session_ref=session.pk,
        sequence=0,
        method=InviteDelivery.Method.REQUEST,
    )
    body = client_for(officer).get(reverse("dashboard")).content.decode()
    assert "Invitation sent to your calendar" in body


def test_officer_dashboard_without_a_workshop_points_to_the_catalog(client_for, officer):
    body = client_for(officer).get(reverse("dashboard")).content.decode()
    assert "You are not confirmed for any upcoming workshop." in body


def test_dashboard_queries_do_not_grow_with_data(
    client_for, coordinator, region, agency, django_assert_max_num_queries
):
    client = client_for(coordinator)
    client.get(reverse("dashboard"))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("dashboard"))
    few_rows = len(small)  # now: the next request clears the log it reads
    for i in range(15):
        workshop = WorkshopFactory(region=region, title=f"W{i}")
        _pending_registration(workshop, agency)
        _name_change(agency, name=f"Officer {i}")
    client.get(reverse("dashboard"))
    with django_assert_max_num_queries(few_rows):
        client.get(reverse("dashboard"))


def test_admin_link_only_for_django_admin_users(client_for, coordinator):
    client = client_for(coordinator)
    assert "/admin/" not in client.get(reverse("dashboard")).content.decode()
    User.objects.filter(pk=coordinator.pk).update(is_staff=True)
    assert "/admin/" in client.get(reverse("dashboard")).content.decode()


def test_workshop_page_links_its_management_pages(client_for, coordinator, officer, region):
    workshop = WorkshopFactory(region=region)
    approvals = reverse("registration:workshop_registrations", args=[workshop.pk])
    detail = reverse("workshops:workshop_detail", args=[workshop.pk])
    assert approvals in client_for(coordinator).get(detail).content.decode()
    edit = reverse("workshops:workshop_edit", args=[workshop.pk])
    assert approvals in client_for(coordinator).get(edit).content.decode()
    assert approvals not in client_for(officer).get(detail).content.decode()
